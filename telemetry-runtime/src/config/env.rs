//! The environment variables read by [`Config::resolve`](super::Config), the builder
//! method names used in error messages for values set in code, and the defaults.
//!
//! Per-signal variable names are reached through the `*_var(signal)` functions, so that
//! resolution code never builds a name with `format!` (and a typo cannot hide there).

use std::time::Duration;

use super::{BatchConfig, Signal};

/// Read access to the environment through the lookup function given to
/// [`Config::resolve`](super::Config): never the process environment directly.
///
/// Values are trimmed, and an empty value is treated as unset, as the specification says.
pub(crate) struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Env<'a> {
    /// Wraps a lookup function.
    pub(crate) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env { lookup }
    }

    /// The trimmed value of `name`, or `None` when unset or empty.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        let value = (self.lookup)(name)?;
        let trimmed = value.trim();
        if trimmed.is_empty() {
            None
        } else {
            Some(trimmed.to_owned())
        }
    }

    /// Whether `name` has a non-empty value.
    pub(crate) fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

// ---------------------------------------------------------------------------------------
// General.

/// `true` turns the SDK into a no-op.
pub(crate) const OTEL_SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
/// `service.name`.
pub(crate) const OTEL_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
/// `k=v,k2=v2` resource attributes, values percent-encoded.
pub(crate) const OTEL_RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";

// ---------------------------------------------------------------------------------------
// Exporter selection.

/// Traces exporter: `otlp`, `console` or `none`.
pub(crate) const OTEL_TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";
/// Logs exporter: `otlp`, `console` or `none`.
pub(crate) const OTEL_LOGS_EXPORTER: &str = "OTEL_LOGS_EXPORTER";
/// Metrics exporter: `otlp`, `console` or `none`.
pub(crate) const OTEL_METRICS_EXPORTER: &str = "OTEL_METRICS_EXPORTER";

// ---------------------------------------------------------------------------------------
// OTLP exporter, generic and per signal.

/// Generic OTLP endpoint (the signal path is appended for HTTP).
pub(crate) const OTEL_EXPORTER_OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// Traces OTLP endpoint, used as given.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
/// Logs OTLP endpoint, used as given.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
/// Metrics OTLP endpoint, used as given.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";

/// Generic OTLP transport.
pub(crate) const OTEL_EXPORTER_OTLP_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
/// Traces OTLP transport.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
/// Logs OTLP transport.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL";
/// Metrics OTLP transport.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";

/// Generic OTLP headers.
pub(crate) const OTEL_EXPORTER_OTLP_HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
/// Traces OTLP headers (replace the generic ones).
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
/// Logs OTLP headers (replace the generic ones).
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_HEADERS: &str = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";
/// Metrics OTLP headers (replace the generic ones).
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_HEADERS: &str = "OTEL_EXPORTER_OTLP_METRICS_HEADERS";

/// Generic OTLP export timeout, in milliseconds.
pub(crate) const OTEL_EXPORTER_OTLP_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";
/// Traces OTLP export timeout, in milliseconds.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
/// Logs OTLP export timeout, in milliseconds.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT";
/// Metrics OTLP export timeout, in milliseconds.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT";

/// Generic OTLP trusted certificates (PEM) of the collector.
pub(crate) const OTEL_EXPORTER_OTLP_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_CERTIFICATE";
/// Traces OTLP trusted certificates (PEM) of the collector.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE";
/// Logs OTLP trusted certificates (PEM) of the collector.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE";
/// Metrics OTLP trusted certificates (PEM) of the collector.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE";

/// Generic OTLP client certificate chain (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE";
/// Traces OTLP client certificate chain (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE";
/// Logs OTLP client certificate chain (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE";
/// Metrics OTLP client certificate chain (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE";

/// Generic OTLP client private key (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_CLIENT_KEY";
/// Traces OTLP client private key (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: &str =
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY";
/// Logs OTLP client private key (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY";
/// Metrics OTLP client private key (PEM) for mutual TLS.
pub(crate) const OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: &str =
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY";

// ---------------------------------------------------------------------------------------
// Sampling.

/// The trace sampler.
pub(crate) const OTEL_TRACES_SAMPLER: &str = "OTEL_TRACES_SAMPLER";
/// The ratio of the ratio samplers.
pub(crate) const OTEL_TRACES_SAMPLER_ARG: &str = "OTEL_TRACES_SAMPLER_ARG";

// ---------------------------------------------------------------------------------------
// Batch processors and metric reader.

/// Span batch processor: queue size.
pub(crate) const OTEL_BSP_MAX_QUEUE_SIZE: &str = "OTEL_BSP_MAX_QUEUE_SIZE";
/// Span batch processor: delay between exports, in milliseconds.
pub(crate) const OTEL_BSP_SCHEDULE_DELAY: &str = "OTEL_BSP_SCHEDULE_DELAY";
/// Span batch processor: spans per export at most.
pub(crate) const OTEL_BSP_MAX_EXPORT_BATCH_SIZE: &str = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
/// Span batch processor: export timeout, in milliseconds.
pub(crate) const OTEL_BSP_EXPORT_TIMEOUT: &str = "OTEL_BSP_EXPORT_TIMEOUT";

/// Log record batch processor: queue size.
pub(crate) const OTEL_BLRP_MAX_QUEUE_SIZE: &str = "OTEL_BLRP_MAX_QUEUE_SIZE";
/// Log record batch processor: delay between exports, in milliseconds.
pub(crate) const OTEL_BLRP_SCHEDULE_DELAY: &str = "OTEL_BLRP_SCHEDULE_DELAY";
/// Log record batch processor: records per export at most.
pub(crate) const OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: &str = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE";
/// Log record batch processor: export timeout, in milliseconds.
pub(crate) const OTEL_BLRP_EXPORT_TIMEOUT: &str = "OTEL_BLRP_EXPORT_TIMEOUT";

/// Attribute limits: value length of every attribute (default: none).
pub(crate) const OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: &str = "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT";
/// Attribute limits: attributes per item (default 128).
pub(crate) const OTEL_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_ATTRIBUTE_COUNT_LIMIT";
/// Span limits: value length of a span's (and its events' and links') attributes.
pub(crate) const OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: &str =
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT";
/// Span limits: attributes per span.
pub(crate) const OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT";
/// Span limits: events per span.
pub(crate) const OTEL_SPAN_EVENT_COUNT_LIMIT: &str = "OTEL_SPAN_EVENT_COUNT_LIMIT";
/// Span limits: links per span.
pub(crate) const OTEL_SPAN_LINK_COUNT_LIMIT: &str = "OTEL_SPAN_LINK_COUNT_LIMIT";
/// Span limits: attributes per span event.
pub(crate) const OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT";
/// Span limits: attributes per span link.
pub(crate) const OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT";
/// Log record limits: value length of a record's attributes.
pub(crate) const OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: &str =
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT";
/// Log record limits: attributes per record.
pub(crate) const OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: &str =
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT";

/// Periodic metric reader: interval between exports, in milliseconds.
pub(crate) const OTEL_METRIC_EXPORT_INTERVAL: &str = "OTEL_METRIC_EXPORT_INTERVAL";
/// Periodic metric reader: export timeout, in milliseconds.
pub(crate) const OTEL_METRIC_EXPORT_TIMEOUT: &str = "OTEL_METRIC_EXPORT_TIMEOUT";

// ---------------------------------------------------------------------------------------
// Product variables.

/// `tracing` filter directives for the stdout log output.
pub(crate) const RUST_LOG: &str = "RUST_LOG";
/// Span queue: bytes held at most (queued spans and the batch being exported).
pub(crate) const TELEMETRY_BSP_MAX_QUEUE_BYTES: &str = "TELEMETRY_BSP_MAX_QUEUE_BYTES";
/// Log record queue: bytes held at most.
pub(crate) const TELEMETRY_BLRP_MAX_QUEUE_BYTES: &str = "TELEMETRY_BLRP_MAX_QUEUE_BYTES";
/// `human` or `json`.
pub(crate) const TELEMETRY_LOG_FORMAT: &str = "TELEMETRY_LOG_FORMAT";
/// Whether prompts and completions may enter telemetry.
pub(crate) const OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: &str =
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/// The key fragments of content fields and attributes, redacted unless capture is on.
pub(crate) const TELEMETRY_REDACT_KEYS: &str = "TELEMETRY_REDACT_KEYS";
/// The query keys whose values are replaced in `url.query` and `url.full`.
pub(crate) const TELEMETRY_REDACT_QUERY_KEYS: &str = "TELEMETRY_REDACT_QUERY_KEYS";

// ---------------------------------------------------------------------------------------
// Builder methods, named in errors about values set in code.

/// Builder method setting the generic endpoint.
pub(crate) const BUILDER_ENDPOINT: &str = "TelemetryBuilder::endpoint";
/// Builder method setting the traces endpoint.
pub(crate) const BUILDER_TRACES_ENDPOINT: &str = "TelemetryBuilder::traces_endpoint";
/// Builder method setting the logs endpoint.
pub(crate) const BUILDER_LOGS_ENDPOINT: &str = "TelemetryBuilder::logs_endpoint";
/// Builder method setting the metrics endpoint.
pub(crate) const BUILDER_METRICS_ENDPOINT: &str = "TelemetryBuilder::metrics_endpoint";
/// Builder method adding an export header.
pub(crate) const BUILDER_HEADER: &str = "TelemetryBuilder::header";
/// Builder method setting the export timeout.
pub(crate) const BUILDER_TIMEOUT: &str = "TelemetryBuilder::timeout";
/// Builder method setting the sampler.
pub(crate) const BUILDER_SAMPLER: &str = "TelemetryBuilder::sampler";
/// Builder method adding a resource attribute.
pub(crate) const BUILDER_RESOURCE_ATTRIBUTE: &str = "TelemetryBuilder::resource_attribute";

// ---------------------------------------------------------------------------------------
// Per-signal names.

/// `OTEL_{SIGNAL}_EXPORTER`.
pub(crate) fn exporter_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_TRACES_EXPORTER,
        Signal::Logs => OTEL_LOGS_EXPORTER,
        Signal::Metrics => OTEL_METRICS_EXPORTER,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT`.
pub(crate) fn endpoint_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_PROTOCOL`.
pub(crate) fn protocol_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_HEADERS`.
pub(crate) fn headers_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_HEADERS,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_HEADERS,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_HEADERS,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_TIMEOUT`.
pub(crate) fn timeout_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_TIMEOUT,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_TIMEOUT,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_TIMEOUT,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_CERTIFICATE`.
pub(crate) fn certificate_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_CLIENT_CERTIFICATE`.
pub(crate) fn client_certificate_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE,
    }
}

/// `OTEL_EXPORTER_OTLP_{SIGNAL}_CLIENT_KEY`.
pub(crate) fn client_key_var(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY,
        Signal::Logs => OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY,
        Signal::Metrics => OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY,
    }
}

/// The builder method setting one signal's endpoint.
pub(crate) fn builder_endpoint_name(signal: Signal) -> &'static str {
    match signal {
        Signal::Traces => BUILDER_TRACES_ENDPOINT,
        Signal::Logs => BUILDER_LOGS_ENDPOINT,
        Signal::Metrics => BUILDER_METRICS_ENDPOINT,
    }
}

// ---------------------------------------------------------------------------------------
// Defaults.

/// `service.name` when none is configured and the executable name is unknown.
pub(crate) const DEFAULT_SERVICE_NAME: &str = "unknown_service";
/// OTLP/gRPC endpoint when none is configured.
pub(crate) const DEFAULT_GRPC_ENDPOINT: &str = "http://localhost:4317";
/// OTLP/HTTP endpoint when none is configured (the signal path is appended).
pub(crate) const DEFAULT_HTTP_ENDPOINT: &str = "http://localhost:4318";
/// OTLP export request timeout.
pub(crate) const DEFAULT_EXPORT_TIMEOUT: Duration = Duration::from_millis(10_000);
/// Ratio of the ratio samplers when `OTEL_TRACES_SAMPLER_ARG` is unset.
pub(crate) const DEFAULT_SAMPLER_RATIO: f64 = 1.0;
/// `OTEL_BSP_*` defaults.
pub(crate) const DEFAULT_SPAN_BATCH: BatchConfig = BatchConfig {
    max_queue_size: 2048,
    schedule_delay: Duration::from_millis(5_000),
    max_export_batch_size: 512,
    export_timeout: Duration::from_millis(30_000),
    max_queue_bytes: DEFAULT_MAX_QUEUE_BYTES,
};
/// `OTEL_BLRP_*` defaults.
pub(crate) const DEFAULT_LOG_BATCH: BatchConfig = BatchConfig {
    max_queue_size: 2048,
    schedule_delay: Duration::from_millis(1_000),
    max_export_batch_size: 512,
    export_timeout: Duration::from_millis(30_000),
    max_queue_bytes: DEFAULT_MAX_QUEUE_BYTES,
};
/// Bytes a span or log record queue holds at most, unless `TELEMETRY_BSP_MAX_QUEUE_BYTES` /
/// `TELEMETRY_BLRP_MAX_QUEUE_BYTES` says otherwise: 64 MiB.
pub(crate) const DEFAULT_MAX_QUEUE_BYTES: usize = 64 << 20;
/// `OTEL_METRIC_EXPORT_INTERVAL` default.
pub(crate) const DEFAULT_METRIC_EXPORT_INTERVAL: Duration = Duration::from_millis(60_000);
/// `OTEL_METRIC_EXPORT_TIMEOUT` default.
pub(crate) const DEFAULT_METRIC_EXPORT_TIMEOUT: Duration = Duration::from_millis(30_000);
// The defaults must pass the check that the batch size does not exceed the queue size.
const _: () =
    assert!(DEFAULT_SPAN_BATCH.max_export_batch_size <= DEFAULT_SPAN_BATCH.max_queue_size);
const _: () = assert!(DEFAULT_LOG_BATCH.max_export_batch_size <= DEFAULT_LOG_BATCH.max_queue_size);

/// `RUST_LOG` default.
pub(crate) const DEFAULT_LOG_FILTER: &str = "info,opentelemetry=warn";

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Signal; 3] = [Signal::Traces, Signal::Logs, Signal::Metrics];

    #[test]
    fn empty_and_blank_values_are_unset_and_values_are_trimmed() {
        let lookup = |name: &str| match name {
            "EMPTY" => Some(String::new()),
            "BLANK" => Some("  \t ".to_owned()),
            "PADDED" => Some("  grpc ".to_owned()),
            _ => None,
        };
        let env = Env::new(&lookup);
        assert_eq!(env.get("EMPTY"), None);
        assert_eq!(env.get("BLANK"), None);
        assert_eq!(env.get("MISSING"), None);
        assert_eq!(env.get("PADDED").as_deref(), Some("grpc"));
        assert!(env.is_set("PADDED"));
        assert!(!env.is_set("EMPTY"));
    }

    #[test]
    fn per_signal_names_follow_the_spec_pattern() {
        for s in ALL {
            let infix = s.env_infix();
            assert_eq!(exporter_var(s), format!("OTEL_{infix}_EXPORTER"));
            assert_eq!(
                endpoint_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_ENDPOINT")
            );
            assert_eq!(
                protocol_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_PROTOCOL")
            );
            assert_eq!(
                headers_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_HEADERS")
            );
            assert_eq!(
                timeout_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_TIMEOUT")
            );
            assert_eq!(
                certificate_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_CERTIFICATE")
            );
            assert_eq!(
                client_certificate_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_CLIENT_CERTIFICATE")
            );
            assert_eq!(
                client_key_var(s),
                format!("OTEL_EXPORTER_OTLP_{infix}_CLIENT_KEY")
            );
            assert_eq!(
                builder_endpoint_name(s),
                format!("TelemetryBuilder::{}_endpoint", s.as_str())
            );
        }
    }

    #[test]
    fn batch_defaults_are_the_spec_defaults() {
        assert_eq!(DEFAULT_SPAN_BATCH.max_queue_size, 2048);
        assert_eq!(
            DEFAULT_SPAN_BATCH.schedule_delay,
            Duration::from_millis(5000)
        );
        assert_eq!(DEFAULT_SPAN_BATCH.max_export_batch_size, 512);
        assert_eq!(
            DEFAULT_SPAN_BATCH.export_timeout,
            Duration::from_millis(30000)
        );
        assert_eq!(
            DEFAULT_LOG_BATCH.schedule_delay,
            Duration::from_millis(1000)
        );
    }
}
