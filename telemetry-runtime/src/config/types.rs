//! The configuration's types: what each signal exports and how, the sampler, the formats and
//! the content policy, and [`Config`] itself with the [`Overrides`] set in code.
//! [`resolve`](super::resolve) fills them from the environment.

use std::path::PathBuf;
use std::time::Duration;

use super::{CodeSettings, ConfigWarning, Protocol};
use crate::redaction_rules::KeyPattern;

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
    // The variable names are constants in `env`; tests check them against this infix.
    #[cfg_attr(not(test), allow(dead_code))]
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
    /// The value as written in `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentCapture::NoContent => "NO_CONTENT",
            ContentCapture::SpanOnly => "SPAN_ONLY",
            ContentCapture::EventOnly => "EVENT_ONLY",
            ContentCapture::SpanAndEvent => "SPAN_AND_EVENT",
        }
    }

    /// Whether any content is captured.
    pub fn is_enabled(self) -> bool {
        self != ContentCapture::NoContent
    }
}

/// One signal's export settings, fully resolved. Its `Debug` shows header names only and the
/// endpoint without credentials.
#[derive(Clone, PartialEq)]
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
    /// The PEM files of TLS to the collector, for an `https://` endpoint.
    pub tls: TlsFiles,
}

/// The PEM files of TLS to the collector: the CA that signed its certificate
/// (`OTEL_EXPORTER_OTLP_CERTIFICATE`), and for mutual TLS the client's certificate chain and
/// private key (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `OTEL_EXPORTER_OTLP_CLIENT_KEY`), each
/// with its per-signal form (`OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE`, ...). Read when the
/// exporter is built; used for `https://` endpoints only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFiles {
    /// The trusted certificates (PEM) the collector's certificate is verified against,
    /// instead of the webpki roots.
    pub certificate: Option<PathBuf>,
    /// The client's certificate chain (PEM), for mutual TLS; set together with `client_key`.
    pub client_certificate: Option<PathBuf>,
    /// The client's private key (PEM), for mutual TLS; set together with
    /// `client_certificate`.
    pub client_key: Option<PathBuf>,
}

impl TlsFiles {
    /// Whether any file is set.
    pub fn is_set(&self) -> bool {
        self.certificate.is_some() || self.client_certificate.is_some() || self.client_key.is_some()
    }
}

impl std::fmt::Debug for SignalConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "REDACTED"))
            .collect();
        f.debug_struct("SignalConfig")
            .field("exporter", &self.exporter)
            .field(
                "endpoint",
                &self
                    .endpoint
                    .as_deref()
                    .map(crate::redaction_rules::scrub_userinfo),
            )
            .field("protocol", &self.protocol)
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("tls", &self.tls)
            .finish()
    }
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
    /// Bytes held at most, queued and in the batch being exported (each item's estimated
    /// size); more are dropped and counted.
    pub max_queue_bytes: usize,
}

/// Attribute limits (`OTEL_ATTRIBUTE_*`, `OTEL_SPAN_*`, `OTEL_EVENT_*`, `OTEL_LINK_*`,
/// `OTEL_LOGRECORD_*`): a model's own variable wins over the general one, which wins over the
/// default (no length limit, 128 of everything).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttributeLimits {
    /// Characters of a span, event or link attribute value at most (`None`: no limit).
    pub span_attribute_value_length: Option<usize>,
    /// Attributes per span.
    pub span_attribute_count: usize,
    /// Events per span.
    pub span_event_count: usize,
    /// Links per span.
    pub span_link_count: usize,
    /// Attributes per span event.
    pub event_attribute_count: usize,
    /// Attributes per span link.
    pub link_attribute_count: usize,
    /// Characters of a log record attribute value at most (`None`: no limit).
    pub log_attribute_value_length: Option<usize>,
    /// Attributes per log record.
    pub log_attribute_count: usize,
}

impl Default for AttributeLimits {
    fn default() -> Self {
        let n = crate::attribute_limits::DEFAULT_COUNT_LIMIT;
        AttributeLimits {
            span_attribute_value_length: None,
            span_attribute_count: n,
            span_event_count: n,
            span_link_count: n,
            event_attribute_count: n,
            link_attribute_count: n,
            log_attribute_value_length: None,
            log_attribute_count: n,
        }
    }
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
    /// Attribute limits of spans and log records.
    pub limits: AttributeLimits,
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
    /// `TELEMETRY_REDACT_KEYS`: the keys of content values ([`KeyPattern::content`] by default).
    pub redact_keys: KeyPattern,
    /// `TELEMETRY_REDACT_QUERY_KEYS`: the query keys whose values are replaced
    /// ([`KeyPattern::credentials`] by default).
    pub redact_query_keys: KeyPattern,
    /// The settings set in code only.
    pub code: CodeSettings,
    /// Non-fatal problems found while resolving, to be reported at startup.
    pub warnings: Vec<ConfigWarning>,
}

/// Values set in code through the builder. Each one, when set, wins over the environment.
#[derive(Clone, Debug, Default)]
pub(crate) struct Overrides {
    pub sdk_disabled: Option<bool>,
    pub service_name: Option<String>,
    /// The service name when the environment names none (`OTEL_SERVICE_NAME`, or
    /// `service.name` in `OTEL_RESOURCE_ATTRIBUTES`): the one value set in code that the
    /// environment wins over.
    pub default_service_name: Option<String>,
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
    pub redact_keys: Option<KeyPattern>,
    pub redact_query_keys: Option<KeyPattern>,
    /// The settings set in code only, carried into [`Config::code`].
    pub code: CodeSettings,
}

/// The three signals, in reporting order.
pub(super) const SIGNALS: [Signal; 3] = [Signal::Traces, Signal::Logs, Signal::Metrics];

impl Overrides {
    /// The per-signal endpoint set in code.
    pub(super) fn signal_endpoint(&self, signal: Signal) -> Option<&String> {
        match signal {
            Signal::Traces => self.traces_endpoint.as_ref(),
            Signal::Logs => self.logs_endpoint.as_ref(),
            Signal::Metrics => self.metrics_endpoint.as_ref(),
        }
    }

    /// The exporter set in code for `signal`.
    pub(super) fn exporter(&self, signal: Signal) -> Option<ExporterKind> {
        match signal {
            Signal::Traces => self.traces_exporter,
            Signal::Logs => self.logs_exporter,
            Signal::Metrics => self.metrics_exporter,
        }
    }
}
