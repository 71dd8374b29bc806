//! Configuration: what `init()` resolves from the OTEL_* environment and the builder.
//!
//! Resolution is pure: [`Config::resolve`] takes a variable lookup function and the values
//! set in code, so it is unit-tested without touching the process environment. Builder
//! values win over environment values; per-signal variables win over generic ones.

mod endpoint;
mod env;
mod error;
mod parse;

pub use endpoint::Protocol;
pub use error::ConfigError;
#[allow(unused_imports)]
pub(crate) use env::*;

use std::time::Duration;

/// Where a signal goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExporterKind {
    /// OTLP to a collector.
    Otlp,
    /// Printed on stdout (traces as a waterfall tree).
    Console,
    /// Not exported.
    None,
}

impl ExporterKind {
    /// The value as written in `OTEL_*_EXPORTER`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExporterKind::Otlp => "otlp",
            ExporterKind::Console => "console",
            ExporterKind::None => "none",
        }
    }
}

/// The three OpenTelemetry signals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Log records.
    Logs,
    /// Metrics.
    Metrics,
}

impl Signal {
    /// Lower-case name: `traces`, `logs`, `metrics`.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Logs => "logs",
            Signal::Metrics => "metrics",
        }
    }
    /// Upper-case infix of the per-signal variables: `TRACES`, `LOGS`, `METRICS`.
    pub(crate) fn env_infix(self) -> &'static str {
        match self {
            Signal::Traces => "TRACES",
            Signal::Logs => "LOGS",
            Signal::Metrics => "METRICS",
        }
    }
    /// The OTLP/HTTP path appended to a generic endpoint.
    pub(crate) fn http_path(self) -> &'static str {
        match self {
            Signal::Traces => "/v1/traces",
            Signal::Logs => "/v1/logs",
            Signal::Metrics => "/v1/metrics",
        }
    }
}

/// The trace sampler, as `OTEL_TRACES_SAMPLER` names it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SamplerConfig {
    /// `always_on`
    AlwaysOn,
    /// `always_off`
    AlwaysOff,
    /// `traceidratio` with its ratio.
    TraceIdRatio(f64),
    /// `parentbased_always_on` (the default).
    ParentBasedAlwaysOn,
    /// `parentbased_always_off`
    ParentBasedAlwaysOff,
    /// `parentbased_traceidratio` with its ratio.
    ParentBasedTraceIdRatio(f64),
}

impl std::fmt::Display for SamplerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SamplerConfig::AlwaysOn => f.write_str("always_on"),
            SamplerConfig::AlwaysOff => f.write_str("always_off"),
            SamplerConfig::TraceIdRatio(r) => write!(f, "traceidratio({r})"),
            SamplerConfig::ParentBasedAlwaysOn => f.write_str("parentbased_always_on"),
            SamplerConfig::ParentBasedAlwaysOff => f.write_str("parentbased_always_off"),
            SamplerConfig::ParentBasedTraceIdRatio(r) => {
                write!(f, "parentbased_traceidratio({r})")
            }
        }
    }
}

/// Format of the log lines written to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// One human-readable line per event (the default).
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}

/// Whether prompt and completion content may enter telemetry
/// (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ContentCapture {
    /// Never (the default).
    #[default]
    NoContent,
    /// On span attributes only.
    SpanOnly,
    /// On events only.
    EventOnly,
    /// On spans and on events.
    SpanAndEvent,
}

impl ContentCapture {
    /// Whether any content is captured.
    pub fn is_enabled(self) -> bool {
        self != ContentCapture::NoContent
    }
}

/// One signal's export settings, fully resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalConfig {
    /// Where the signal goes.
    pub exporter: ExporterKind,
    /// The final OTLP endpoint (for HTTP, with the signal path), when exporting OTLP.
    pub endpoint: Option<String>,
    /// OTLP transport.
    pub protocol: Protocol,
    /// Headers sent with every export request.
    pub headers: Vec<(String, String)>,
    /// Timeout of one export request.
    pub timeout: Duration,
}

/// Batch processor settings (`OTEL_BSP_*` for spans, `OTEL_BLRP_*` for logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchConfig {
    /// Items held at most while waiting for export; more are dropped and counted.
    pub max_queue_size: usize,
    /// Delay between two exports.
    pub schedule_delay: Duration,
    /// Items in one export request at most.
    pub max_export_batch_size: usize,
    /// Time one export may take before it is abandoned.
    pub export_timeout: Duration,
}

/// Everything `init()` needs, resolved from code and environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `OTEL_SDK_DISABLED=true`: everything is a no-op.
    pub sdk_disabled: bool,
    /// `service.name`.
    pub service_name: String,
    /// Resource attributes besides `service.name` (from `OTEL_RESOURCE_ATTRIBUTES` and code),
    /// in the order given, later entries winning.
    pub resource_attributes: Vec<(String, String)>,
    /// Traces export.
    pub traces: SignalConfig,
    /// Logs export.
    pub logs: SignalConfig,
    /// Metrics export.
    pub metrics: SignalConfig,
    /// The sampler.
    pub sampler: SamplerConfig,
    /// Span batch processor.
    pub span_batch: BatchConfig,
    /// Log record batch processor.
    pub log_batch: BatchConfig,
    /// `OTEL_METRIC_EXPORT_INTERVAL`.
    pub metric_export_interval: Duration,
    /// `OTEL_METRIC_EXPORT_TIMEOUT`.
    pub metric_export_timeout: Duration,
    /// `RUST_LOG` directives (default `info`).
    pub log_filter: String,
    /// `TELEMETRY_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
    pub content_capture: ContentCapture,
}

/// Values set in code through the builder. Each one, when set, wins over the environment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    pub sdk_disabled: Option<bool>,
    pub service_name: Option<String>,
    pub service_version: Option<String>,
    pub deployment_environment: Option<String>,
    /// Extra resource attributes, applied after `OTEL_RESOURCE_ATTRIBUTES`.
    pub resource_attributes: Vec<(String, String)>,
    /// Generic endpoint (the signal path is appended for HTTP), like `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub endpoint: Option<String>,
    /// Per-signal endpoints, used as given, like `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    pub traces_endpoint: Option<String>,
    pub logs_endpoint: Option<String>,
    pub metrics_endpoint: Option<String>,
    pub protocol: Option<Protocol>,
    pub headers: Vec<(String, String)>,
    pub timeout: Option<Duration>,
    pub traces_exporter: Option<ExporterKind>,
    pub logs_exporter: Option<ExporterKind>,
    pub metrics_exporter: Option<ExporterKind>,
    /// Print traces on the console when traces have neither an exporter nor an endpoint set.
    pub console_fallback: bool,
    pub sampler: Option<SamplerConfig>,
    pub log_filter: Option<String>,
    pub log_format: Option<LogFormat>,
    pub content_capture: Option<ContentCapture>,
}
