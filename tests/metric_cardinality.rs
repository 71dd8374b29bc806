//! The metric cardinality limit, decoded from the real OTLP receiver: 10 000 distinct model
//! names on the GenAI duration metric and 10 000 distinct values of a `metric` identifier
//! header on the HTTP server duration metric. The first attribute sets of each instrument keep
//! their own series and data; the rest are aggregated into the overflow series
//! (`otel.metric.overflow=true`), which `status()` counts.

mod http_support;
mod support;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use http_support::{Http1, request, runtime, serve};
use otlp_receiver::{Protocol, ReceivedMetric, Receiver};
use telemetry_runtime::CommonAttributes;
use telemetry_runtime::genai::metrics::{self as genai_metrics, GenAiMetricAttributes};
use telemetry_runtime::http::TelemetryLayer;

const LIMIT: usize = 100;
const DISTINCT: usize = 10_000;

#[derive(Clone, Debug, CommonAttributes)]
struct Ids {
    #[attr(key = "app.channel.id", metric)]
    channel_id: Option<String>,
}

async fn ok() -> &'static str {
    "ok"
}

/// The last export of `name` from this process (cumulative: it holds every point).
fn last<'a>(metrics: &'a [ReceivedMetric], name: &str) -> &'a ReceivedMetric {
    metrics
        .iter()
        .rev()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no {name} exported"))
}

fn str_of<'a>(point: &'a otlp_receiver::ReceivedDataPoint, key: &str) -> Option<&'a str> {
    point.attr(key).and_then(|v| v.as_str())
}

#[test]
fn past_the_limit_new_attribute_sets_go_to_the_overflow_series() {
    let receiver = Receiver::start(Protocol::Grpc);
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_TRACES_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
    ]);
    let guard = telemetry_runtime::builder()
        .default_service_name("cardinality-test")
        .metric_cardinality_limit(LIMIT)
        .log_writer(support::Captured::default())
        .init()
        .unwrap();

    // 10 000 model names, the first one recorded twice.
    for i in 0..DISTINCT {
        let attrs =
            GenAiMetricAttributes::new("chat", "openai").request_model(format!("model-{i}"));
        genai_metrics::record_client_operation_duration(&attrs, Duration::from_millis(5));
        if i == 0 {
            genai_metrics::record_client_operation_duration(&attrs, Duration::from_millis(5));
        }
    }
    // 10 000 requests, each with its own channel header.
    let rt = runtime();
    rt.block_on(async {
        let app = Router::new()
            .route("/ok", get(ok))
            .layer(TelemetryLayer::new().with_common_attributes::<Ids>());
        let addr = serve(app).await;
        let mut client = Http1::connect(addr).await;
        for i in 0..DISTINCT {
            let channel = format!("channel-{i}");
            let reply = client
                .send(request("GET", "/ok", &[("x-channel-id", &channel)]))
                .await;
            assert_eq!(reply.status, 200);
        }
    });

    let expected_points = |m: &ReceivedMetric| m.data_points.iter().map(|p| p.count).sum::<u64>();
    let metrics = receiver.wait_for_metrics(Duration::from_secs(30), |all| {
        let done = |name: &str, want: u64| {
            all.iter()
                .rev()
                .find(|m| m.name == name)
                .is_some_and(|m| expected_points(m) >= want)
        };
        done("gen_ai.client.operation.duration", DISTINCT as u64 + 1)
            && done("http.server.request.duration", DISTINCT as u64)
    });

    // GenAI: the first LIMIT models have their own series with their own data...
    let genai = last(&metrics, "gen_ai.client.operation.duration");
    let real: Vec<_> = genai
        .data_points
        .iter()
        .filter(|p| p.attr("otel.metric.overflow").is_none())
        .collect();
    assert!(
        real.len() <= LIMIT && real.len() >= LIMIT - 1,
        "{} real series",
        real.len()
    );
    let first = real
        .iter()
        .find(|p| str_of(p, "gen_ai.request.model") == Some("model-0"))
        .expect("the first model keeps its series");
    assert_eq!(first.count, 2, "both of its measurements");
    assert!(
        real.iter()
            .all(|p| p.count >= 1 && str_of(p, "gen_ai.request.model").is_some())
    );
    // ... and everything later is in the one overflow series, which carries no model.
    let overflow: Vec<_> = genai
        .data_points
        .iter()
        .filter(|p| p.attr("otel.metric.overflow").and_then(|v| v.as_bool()) == Some(true))
        .collect();
    assert_eq!(overflow.len(), 1);
    assert!(overflow[0].attr("gen_ai.request.model").is_none());
    let in_real: u64 = real.iter().map(|p| p.count).sum();
    assert_eq!(
        in_real + overflow[0].count,
        DISTINCT as u64 + 1,
        "no measurement lost"
    );

    // HTTP: the same for the header-derived dimension.
    let http = last(&metrics, "http.server.request.duration");
    let channels: Vec<_> = http
        .data_points
        .iter()
        .filter(|p| str_of(p, "app.channel.id").is_some())
        .collect();
    assert!(
        channels.len() <= LIMIT && channels.len() >= LIMIT - 1,
        "{}",
        channels.len()
    );
    assert!(
        channels
            .iter()
            .any(|p| str_of(p, "app.channel.id") == Some("channel-0"))
    );
    let overflow = http
        .data_points
        .iter()
        .find(|p| p.attr("otel.metric.overflow").is_some())
        .expect("the overflow series");
    let in_channels: u64 = channels.iter().map(|p| p.count).sum();
    assert_eq!(in_channels + overflow.count, DISTINCT as u64);

    // status() counts the instruments past their limit.
    let status = guard.status();
    assert!(status.metrics.overflowed_instruments >= 2, "{status}");
    assert!(
        status
            .to_string()
            .contains("instruments past their cardinality limit")
    );
}
