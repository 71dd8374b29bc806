//! Every `OTEL_*` (and `TELEMETRY_*`) parser at once: the configuration resolved from
//! variables the fuzz input sets (endpoints, headers, resource attributes with percent
//! decoding, durations, sizes, limits, exporters, samplers). Never a panic, never a huge
//! allocation; an error names a variable and never quotes a password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::__fuzz::{percent_decode, resolve_config};

const VARIABLES: &[&str] = &[
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    "OTEL_TRACES_EXPORTER",
    "OTEL_LOGS_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
    "OTEL_EXPORTER_OTLP_TIMEOUT",
    "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
    "OTEL_TRACES_SAMPLER",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_BSP_MAX_QUEUE_SIZE",
    "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_BSP_EXPORT_TIMEOUT",
    "OTEL_BLRP_MAX_QUEUE_SIZE",
    "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
    "OTEL_METRIC_EXPORT_INTERVAL",
    "OTEL_METRIC_EXPORT_TIMEOUT",
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    "TELEMETRY_BSP_MAX_QUEUE_BYTES",
    "TELEMETRY_LOG_FORMAT",
    "TELEMETRY_REDACT_KEYS",
    "TELEMETRY_REDACT_QUERY_KEYS",
    "RUST_LOG",
];

fuzz_target!(|data: &[u8]| {
    // Each line: one byte choosing the variable, the rest its value.
    let mut vars = Vec::new();
    for line in data.split(|b| *b == b'\n') {
        let Some((&choice, value)) = line.split_first() else {
            continue;
        };
        let name = VARIABLES[choice as usize % VARIABLES.len()];
        vars.push((name.to_owned(), String::from_utf8_lossy(value).into_owned()));
    }
    // A password in an endpoint never enters an error or the resolved configuration's text.
    vars.push((
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT".to_owned(),
        "http://user:PW-CANARY-91@".to_owned() + vars.first().map_or("", |(_, v)| v.as_str()),
    ));
    match resolve_config(&vars) {
        Ok(config) => {
            assert!(config.span_batch.max_export_batch_size <= config.span_batch.max_queue_size);
            for warning in &config.warnings {
                assert!(!warning.message.contains("PW-CANARY-91"));
            }
        }
        Err(error) => {
            let text = error.to_string();
            assert!(!text.is_empty());
            assert!(!text.contains("PW-CANARY-91"), "{text}");
        }
    }
    for (_, value) in &vars {
        if let Some(decoded) = percent_decode(value) {
            assert!(decoded.len() <= value.len());
        }
    }
});
