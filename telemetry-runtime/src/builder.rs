//! [`TelemetryBuilder`]: configuration in code, winning over the environment.

use std::time::Duration;

use tracing_subscriber::Layer;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

use crate::config::{ContentCapture, ExporterKind, LogFormat, Overrides, Protocol, SamplerConfig};
use crate::install::{BaseSubscriber, Extensions, InitError, TelemetryGuard};
use crate::redaction::KeyPattern;

/// Sets up telemetry from code. Every value set here wins over the matching `OTEL_*`
/// variable; everything left unset comes from the environment, then from the defaults.
///
/// ```no_run
/// # fn main() -> Result<(), telemetry_runtime::InitError> {
/// let _guard = telemetry_runtime::builder()
///     .default_service_name("chat-gateway")
///     .service_version(env!("CARGO_PKG_VERSION"))
///     .init()?;
/// # Ok(()) }
/// ```
#[must_use = "call `.init()` to install telemetry"]
#[derive(Default)]
pub struct TelemetryBuilder {
    overrides: Overrides,
    extensions: Extensions,
}

impl std::fmt::Debug for TelemetryBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values set in code may be credentials (headers, endpoints with `user:password@`):
        // the builder shows only what is set.
        let o = &self.overrides;
        let header_names: Vec<&str> = o.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("TelemetryBuilder")
            .field("service_name", &o.service_name)
            .field("default_service_name", &o.default_service_name)
            .field("endpoint_set", &o.endpoint.is_some())
            .field("headers", &header_names)
            .field("content_capture", &o.content_capture)
            .field("layers", &self.extensions.layers.len())
            .finish_non_exhaustive()
    }
}

impl TelemetryBuilder {
    /// A builder with nothing set: everything comes from the environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// The service's name unless the operator names it: `OTEL_SERVICE_NAME`, or
    /// `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, wins over it. What an application sets,
    /// so that it can be renamed per deployment without a rebuild.
    pub fn default_service_name(mut self, name: impl Into<String>) -> Self {
        self.overrides.default_service_name = Some(name.into());
        self
    }

    /// `service.name`, whatever the environment says (`OTEL_SERVICE_NAME` and
    /// `OTEL_RESOURCE_ATTRIBUTES` are ignored for it). For a name the operator must not
    /// change; prefer [`default_service_name`](Self::default_service_name).
    ///
    /// Precedence, first wins: `service_name`, `service.name` in
    /// [`resource_attribute`](Self::resource_attribute), `OTEL_SERVICE_NAME`, `service.name` in
    /// `OTEL_RESOURCE_ATTRIBUTES`, `default_service_name`, `unknown_service:<executable>`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.overrides.service_name = Some(name.into());
        self
    }

    /// `service.version`, typically `env!("CARGO_PKG_VERSION")`.
    pub fn service_version(mut self, version: impl Into<String>) -> Self {
        self.overrides.service_version = Some(version.into());
        self
    }

    /// `deployment.environment.name`, e.g. `production`.
    pub fn deployment_environment(mut self, environment: impl Into<String>) -> Self {
        self.overrides.deployment_environment = Some(environment.into());
        self
    }

    /// One more resource attribute (after `OTEL_RESOURCE_ATTRIBUTES`, winning over it).
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides
            .resource_attributes
            .push((key.into(), value.into()));
        self
    }

    /// The OTLP endpoint of every signal, like `OTEL_EXPORTER_OTLP_ENDPOINT` (for HTTP the
    /// signal path `/v1/traces` etc. is appended).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.endpoint = Some(endpoint.into());
        self
    }

    /// The traces endpoint, used as given, like `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    pub fn traces_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.traces_endpoint = Some(endpoint.into());
        self
    }

    /// The logs endpoint, used as given, like `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`.
    pub fn logs_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.logs_endpoint = Some(endpoint.into());
        self
    }

    /// The metrics endpoint, used as given, like `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`.
    pub fn metrics_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.metrics_endpoint = Some(endpoint.into());
        self
    }

    /// The OTLP transport of every signal.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.overrides.protocol = Some(protocol);
        self
    }

    /// A header sent with every export request (e.g. an API key).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.overrides.headers.push((name.into(), value.into()));
        self
    }

    /// Timeout of one export request, like `OTEL_EXPORTER_OTLP_TIMEOUT`; also bounds shutdown.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.overrides.timeout = Some(timeout);
        self
    }

    /// Where spans go, like `OTEL_TRACES_EXPORTER`.
    pub fn traces_exporter(mut self, exporter: ExporterKind) -> Self {
        self.overrides.traces_exporter = Some(exporter);
        self
    }

    /// Where log records go, like `OTEL_LOGS_EXPORTER`.
    pub fn logs_exporter(mut self, exporter: ExporterKind) -> Self {
        self.overrides.logs_exporter = Some(exporter);
        self
    }

    /// Where metrics go, like `OTEL_METRICS_EXPORTER`.
    pub fn metrics_exporter(mut self, exporter: ExporterKind) -> Self {
        self.overrides.metrics_exporter = Some(exporter);
        self
    }

    /// Print traces as a waterfall on stdout when neither `OTEL_TRACES_EXPORTER` nor any
    /// endpoint says where they go. Meant for examples and local development.
    pub fn console_fallback(mut self, enabled: bool) -> Self {
        self.overrides.console_fallback = enabled;
        self
    }

    /// The trace sampler, like `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`.
    pub fn sampler(mut self, sampler: SamplerConfig) -> Self {
        self.overrides.sampler = Some(sampler);
        self
    }

    /// Log filter directives, like `RUST_LOG` (default `info`).
    pub fn log_filter(mut self, directives: impl Into<String>) -> Self {
        self.overrides.log_filter = Some(directives.into());
        self
    }

    /// Human or JSON log lines, like `TELEMETRY_LOG_FORMAT`.
    pub fn log_format(mut self, format: LogFormat) -> Self {
        self.overrides.log_format = Some(format);
        self
    }

    /// Whether prompts and completions may enter telemetry, like
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
    pub fn content_capture(mut self, capture: ContentCapture) -> Self {
        self.overrides.content_capture = Some(capture);
        self
    }

    /// The keys whose string values are content, redacted unless content capture lets them
    /// in, like `TELEMETRY_REDACT_KEYS` (see [`redaction`](crate::redaction)). Default
    /// [`KeyPattern::content`]; extend it with [`KeyPattern::with`]:
    ///
    /// ```no_run
    /// use telemetry_runtime::redaction::KeyPattern;
    /// let _guard = telemetry_runtime::builder()
    ///     .redact_keys(KeyPattern::content().with(["body", "ssn"]))
    ///     .init();
    /// ```
    pub fn redact_keys(mut self, keys: KeyPattern) -> Self {
        self.overrides.redact_keys = Some(keys);
        self
    }

    /// The query keys whose values are replaced by `REDACTED` in `url.query` and `url.full`
    /// (matched whole, ignoring ASCII case), like `TELEMETRY_REDACT_QUERY_KEYS`. Default
    /// [`KeyPattern::credentials`]. Query keys that match the content keys are redacted too.
    pub fn redact_query_keys(mut self, keys: KeyPattern) -> Self {
        self.overrides.redact_query_keys = Some(keys);
        self
    }

    /// Forward the baggage of the current context through the toolkit's carriers: CloudEvents,
    /// Kafka and NATS headers, message envelopes, child processes (`BAGGAGE`) and the global
    /// propagator. Off by default: baggage a client sent is read, not passed on. See
    /// [`propagation::forwards_baggage`](crate::propagation::forwards_baggage).
    pub fn forward_baggage(mut self, forward: bool) -> Self {
        self.overrides.code.forward_baggage = forward;
        self
    }

    /// Turns every provider off, like `OTEL_SDK_DISABLED=true`.
    pub fn sdk_disabled(mut self, disabled: bool) -> Self {
        self.overrides.sdk_disabled = Some(disabled);
        self
    }

    /// Adds a layer of your own to the subscriber stack, after the toolkit's layers.
    pub fn with_layer(mut self, layer: impl Layer<BaseSubscriber> + Send + Sync + 'static) -> Self {
        self.extensions.layers.push(Box::new(layer));
        self
    }

    /// Where the log lines go (default stdout).
    pub fn log_writer<W>(mut self, writer: W) -> Self
    where
        W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
    {
        self.extensions.log_writer = Some(BoxMakeWriter::new(writer));
        self
    }

    /// Minimum time between two warnings about failing export (default 30 s).
    pub fn export_warning_interval(mut self, interval: Duration) -> Self {
        self.overrides.code.export_warning_interval = interval;
        self
    }

    /// Also record log events inside a span as events of that span (off by default: it
    /// duplicates what the log records carry and costs about 350 ns per event).
    pub fn log_events_as_span_events(mut self, enabled: bool) -> Self {
        self.overrides.code.log_events_as_span_events = enabled;
        self
    }

    /// Size limit of one captured content value (prompts, completions), in bytes of JSON;
    /// longer content is truncated and stays valid JSON. Default 16 KiB.
    pub fn content_max_bytes(mut self, max: usize) -> Self {
        self.overrides.code.content_max_bytes = max;
        self
    }

    /// Series kept per metric instrument at most (default
    /// [`DEFAULT_METRIC_CARDINALITY_LIMIT`](crate::config::DEFAULT_METRIC_CARDINALITY_LIMIT),
    /// 2000). The first attribute sets an instrument sees keep their series; measurements of
    /// later ones are aggregated into its overflow series (`otel.metric.overflow=true`), which
    /// `status().metrics.overflowed_instruments` counts. Values below 1 count as 1.
    pub fn metric_cardinality_limit(mut self, limit: usize) -> Self {
        self.overrides.code.metric_cardinality_limit = limit.max(1);
        self
    }

    /// Also emit legacy attribute names beside the current ones (`gen_ai.system` beside
    /// `gen_ai.provider.name`, `llm.usage.*` beside `gen_ai.usage.*`), for backends that still
    /// read them. Off by default.
    pub fn legacy_names(mut self, enabled: bool) -> Self {
        self.overrides.code.legacy_names = enabled;
        self
    }

    /// Whether `init()` reads `TRACEPARENT`, `TRACESTATE` and `BAGGAGE` from the environment
    /// and makes that context the parent of this process's root spans (see
    /// [`process`](crate::process)). On by default.
    pub fn inherit_trace_context(mut self, enabled: bool) -> Self {
        self.overrides.code.inherit_trace_context = enabled;
        self
    }

    /// Also write every sampled span to `path` as one OTLP JSON document (an
    /// `ExportTraceServiceRequest`, the file format Jaeger's and Tempo's importers read),
    /// beside whatever `OTEL_TRACES_EXPORTER` selects. The file is written when the guard
    /// flushes or shuts down, replaced whole each time; at most 100 000 spans are kept.
    /// Needs the `otlp` feature (without it, a `TR-W005` warning and no file).
    pub fn traces_json_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.overrides.code.traces_json_file = Some(path.into());
        self
    }

    /// Also serve the metrics in the Prometheus text format: `init()` creates the meter
    /// provider even when no metrics exporter is configured, and
    /// `telemetry_runtime::prometheus::encode` (or its axum handler) returns them. Needs the
    /// `prometheus` feature (without it, a `TR-W005` warning and no endpoint).
    pub fn prometheus(mut self, enabled: bool) -> Self {
        self.overrides.code.prometheus = enabled;
        self
    }

    /// Installs telemetry. The first call installs; later calls return the installed state
    /// without re-installing anything.
    pub fn init(self) -> Result<TelemetryGuard, InitError> {
        crate::install::install(
            &self.overrides,
            crate::install::SubscriberSetup::Global(self.extensions),
            |name| std::env::var(name).ok(),
        )
    }

    /// [`init`](Self::init) for an application that builds its own `tracing` subscriber (a
    /// custom fmt layer, tokio-console, Sentry, a framework's setup): installs the providers,
    /// the propagator and the globals but no subscriber, and returns the toolkit's layers
    /// ([`TelemetryLayers`](crate::TelemetryLayers)) to add to it. Layers and a log writer
    /// given to this builder are not used (they belong to the subscriber `init` builds);
    /// `log_writer` is yours to set on your fmt layer. Records of the `log` facade are yours
    /// to bridge too: `tracing_subscriber`'s `SubscriberInitExt::init()` does it. Idempotent
    /// like `init`: a later call returns the installed state and its layers.
    ///
    /// ```no_run
    /// use tracing_subscriber::layer::SubscriberExt as _;
    /// use tracing_subscriber::util::SubscriberInitExt as _;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let (_guard, telemetry) = telemetry_runtime::builder().init_layers()?;
    /// tracing_subscriber::registry()
    ///     .with(tracing_subscriber::fmt::layer()) // your own line format
    ///     .with(telemetry.layer())
    ///     .init();
    /// # Ok(()) }
    /// ```
    pub fn init_layers(
        self,
    ) -> Result<(TelemetryGuard, crate::install::TelemetryLayers), InitError> {
        crate::install::install_layers(&self.overrides, |name| std::env::var(name).ok())
    }
}
