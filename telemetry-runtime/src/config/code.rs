//! [`CodeSettings`]: the settings that only code sets (they have no environment variable),
//! carried from the builder through [`Overrides`](super::Overrides) into [`Config`](super::Config).

use std::path::PathBuf;
use std::time::Duration;

/// The default [`CodeSettings::content_max_bytes`]: 16 KiB per captured content value.
pub const DEFAULT_MAX_CONTENT_BYTES: usize = 16 * 1024;

/// Settings set in code only, each with the default of the builder method of the same name.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeSettings {
    /// How often an export failure is warned about at most (default 30 s).
    pub export_warning_interval: Duration,
    /// Whether log events inside a span are also recorded as span events (default no).
    pub log_events_as_span_events: bool,
    /// Captured content is truncated to this many bytes (default
    /// [`DEFAULT_MAX_CONTENT_BYTES`]).
    pub content_max_bytes: usize,
    /// Whether contract spans also carry the legacy attribute names (default no).
    pub legacy_names: bool,
    /// Whether `TRACEPARENT` / `TRACESTATE` / `BAGGAGE` of a traced parent process are the
    /// parent of this process's root spans (default yes).
    pub inherit_trace_context: bool,
    /// An OTLP JSON file that every finished span is also written to.
    pub traces_json_file: Option<PathBuf>,
    /// Whether a Prometheus pull reader is added (default no).
    pub prometheus: bool,
    /// Whether outgoing requests carry the current baggage (default no).
    pub forward_baggage: bool,
    /// Series per metric instrument at most (default [`DEFAULT_METRIC_CARDINALITY_LIMIT`]);
    /// measurements of further attribute sets go to the instrument's overflow series
    /// (`otel.metric.overflow=true`).
    pub metric_cardinality_limit: usize,
}

/// Series per metric instrument at most, unless set in code: the OpenTelemetry SDK's default.
pub const DEFAULT_METRIC_CARDINALITY_LIMIT: usize = 2000;

impl Default for CodeSettings {
    fn default() -> Self {
        CodeSettings {
            export_warning_interval: Duration::from_secs(30),
            log_events_as_span_events: false,
            content_max_bytes: DEFAULT_MAX_CONTENT_BYTES,
            legacy_names: false,
            inherit_trace_context: true,
            traces_json_file: None,
            prometheus: false,
            forward_baggage: false,
            metric_cardinality_limit: DEFAULT_METRIC_CARDINALITY_LIMIT,
        }
    }
}
