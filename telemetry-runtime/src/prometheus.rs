//! The metrics in the Prometheus text exposition format (feature `prometheus`).
//!
//! Turned on by [`TelemetryBuilder::prometheus`](crate::TelemetryBuilder::prometheus): `init()`
//! then adds a pull reader to the meter provider (beside the OTLP or console exporter, if any;
//! with no metrics exporter the provider exists for Prometheus alone). Serve [`encode`] at
//! `/metrics`, or with the `axum` feature mount [`axum_handler`]:
//!
//! ```text
//! let _guard = telemetry_runtime::builder().prometheus(true).init()?;
//! let app = Router::new().route("/metrics", get(telemetry_runtime::prometheus::axum_handler));
//! ```
//!
//! Names follow the OpenTelemetry-to-Prometheus rules: dots become underscores and the unit
//! becomes a suffix (`gen_ai.server.request.duration` in `s` is
//! `gen_ai_server_request_duration_seconds`, with `_bucket{le="..."}`, `_sum` and `_count`;
//! `gen_ai.client.token.usage` in `{token}` is `gen_ai_client_token_usage`). Attribute keys
//! become labels the same way (`gen_ai_operation_name`). The resource is the `target_info`
//! series.

use std::sync::{Mutex, PoisonError};

use prometheus::{Encoder as _, TextEncoder};

/// The `Content-Type` of [`encode`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

static REGISTRY: Mutex<Option<prometheus::Registry>> = Mutex::new(None);

/// A reader for the meter provider `init()` builds, registering what it collects in the
/// registry [`encode`] reads.
pub(crate) fn reader() -> Result<opentelemetry_prometheus::PrometheusExporter, String> {
    let registry = prometheus::Registry::new();
    let exporter = opentelemetry_prometheus::exporter()
        .with_registry(registry.clone())
        .build()
        .map_err(|e| e.to_string())?;
    *REGISTRY.lock().unwrap_or_else(PoisonError::into_inner) = Some(registry);
    Ok(exporter)
}

/// Whether `init()` installed the Prometheus reader.
pub fn is_enabled() -> bool {
    REGISTRY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some()
}

/// Every metric now, in the Prometheus text format; `None` when Prometheus was not asked for
/// at `init()`.
pub fn encode() -> Option<String> {
    let registry = REGISTRY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()?;
    let families = registry.gather();
    let mut out = Vec::new();
    // Writing into a Vec fails only on a malformed family, which the exporter never builds.
    if TextEncoder::new().encode(&families, &mut out).is_err() {
        return Some(String::new());
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// An axum handler serving [`encode`]: `200` with the text format, or `404` when Prometheus
/// was not turned on at `init()`.
#[cfg(feature = "axum")]
pub async fn axum_handler() -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse as _;
    match encode() {
        Some(body) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "Prometheus metrics are off: turn them on with TelemetryBuilder::prometheus\n",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::KeyValue;
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::SdkMeterProvider;

    use crate::metrics::Instruments;

    /// The toolkit's instruments through the reader and the encoder: Prometheus names with
    /// unit suffixes, buckets with `le`, `_sum` and `_count`, labels from attribute keys, and
    /// label values escaped.
    #[test]
    fn encodes_the_instruments_with_prometheus_names() {
        assert_eq!(super::encode(), None);
        let provider = SdkMeterProvider::builder()
            .with_reader(super::reader().unwrap())
            .build();
        assert!(super::is_enabled());
        let i = Instruments::new(&provider.meter("telemetry-runtime"));
        let attrs = [
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", "toy \"quoted\"\\model\nx"),
        ];
        i.genai_server_request_duration.record(0.05, &attrs);
        i.genai_client_token_usage.record(
            20,
            &[
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.token.type", "input"),
            ],
        );
        let text = super::encode().unwrap();
        let want = [
            "# TYPE gen_ai_server_request_duration_seconds histogram",
            r#"gen_ai_operation_name="chat""#,
            r#"gen_ai_request_model="toy \"quoted\"\\model\nx""#,
            r#"le="0.04"} 0"#,
            r#"le="0.08"} 1"#,
            r#"le="+Inf"} 1"#,
            "gen_ai_server_request_duration_seconds_sum{",
            "gen_ai_server_request_duration_seconds_count{",
            "# TYPE gen_ai_client_token_usage histogram",
            r#"gen_ai_token_type="input""#,
            r#"gen_ai_client_token_usage_bucket{"#,
            r#"le="16"} 0"#,
            r#"le="64"} 1"#,
            "target_info{",
        ];
        for w in want {
            assert!(text.contains(w), "missing {w:?} in\n{text}");
        }
        // Only the instruments that recorded something appear.
        assert!(!text.contains("http_server_request_duration"), "{text}");
    }
}
