//! `init()`: install the providers and the subscriber once, and the guard that shuts down.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::{Layered, SubscriberExt};
use tracing_subscriber::{EnvFilter, Layer, Registry, filter::filter_fn};

use crate::builder::{BoxedLayer, TelemetryBuilder};
#[cfg(feature = "otlp")]
use crate::config::WarningCode;
use crate::config::{Config, ConfigError, ConfigWarning, ExporterKind};
use crate::console::ConsoleSpanProcessor;
use crate::export::stats::ExportStats;
use crate::logs::{bridge::OtelLogBridge, format::LineFormat, targets};
use crate::status::{SignalStatus, Status};
use crate::{resource, sampler};

/// The subscriber under the toolkit's layers: the registry with the `RUST_LOG` filter. Your
/// own layers (see [`TelemetryBuilder::with_layer`]) are layers over this type.
pub type BaseSubscriber = Layered<EnvFilter, Registry>;

/// Why `init()` failed. Nothing was installed.
#[derive(Debug)]
#[non_exhaustive]
pub enum InitError {
    /// A configuration value is invalid.
    Config(ConfigError),
    /// Another global `tracing` subscriber is already installed; add your layers through
    /// [`TelemetryBuilder::with_layer`] instead of installing your own subscriber.
    SubscriberAlreadySet,
    /// The export thread could not be started.
    ExportRuntime(std::io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Config(e) => e.fmt(f),
            InitError::SubscriberAlreadySet => f.write_str(
                "a global tracing subscriber is already installed; add your layers with \
                 TelemetryBuilder::with_layer instead",
            ),
            InitError::ExportRuntime(e) => write!(f, "cannot start the export thread: {e}"),
        }
    }
}

impl std::error::Error for InitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InitError::Config(e) => Some(e),
            InitError::ExportRuntime(e) => Some(e),
            InitError::SubscriberAlreadySet => None,
        }
    }
}

impl From<ConfigError> for InitError {
    fn from(e: ConfigError) -> Self {
        InitError::Config(e)
    }
}

static INSTALLED: Mutex<Option<Arc<Installed>>> = Mutex::new(None);

/// Everything `init()` installed.
struct Installed {
    config: Config,
    warnings: Vec<ConfigWarning>,
    tracer_provider: Option<SdkTracerProvider>,
    logger_provider: Option<SdkLoggerProvider>,
    meter_provider: Option<SdkMeterProvider>,
    trace_stats: Arc<ExportStats>,
    log_stats: Arc<ExportStats>,
    metric_stats: Arc<ExportStats>,
    #[cfg(feature = "otlp")]
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
    shutdown_budget: Duration,
    shut_down: AtomicBool,
}

/// Keeps telemetry installed. Dropping the guard returned by the first `init()` flushes and
/// shuts down every provider, waiting at most the export timeout even when the collector
/// hangs. Guards returned by later `init()` calls share the state and do nothing on drop.
#[must_use = "dropping the guard shuts telemetry down; keep it alive for the program's lifetime"]
pub struct TelemetryGuard {
    state: Arc<Installed>,
    owner: bool,
}

impl fmt::Debug for TelemetryGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryGuard")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl TelemetryGuard {
    /// What is active.
    pub fn status(&self) -> Status {
        self.state.status()
    }

    /// Whether dropping this guard shuts telemetry down (only the first `init()`'s does).
    pub fn is_owner(&self) -> bool {
        self.owner
    }

    /// Flushes and shuts down now; returns how long it took (at most about the export timeout).
    pub fn shutdown(self) -> Duration {
        let started = Instant::now();
        drop(self);
        started.elapsed()
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if self.owner {
            self.state.shutdown();
        }
    }
}

/// Sets up telemetry from the `OTEL_*` environment. Idempotent: the first call installs,
/// later calls return the installed state. See [`builder()`](crate::builder()) to set values in code.
///
/// ```no_run
/// # fn main() -> Result<(), telemetry_runtime::InitError> {
/// let _guard = telemetry_runtime::init()?;
/// tracing::info!("ready");
/// # Ok(()) }
/// ```
pub fn init() -> Result<TelemetryGuard, InitError> {
    TelemetryBuilder::new().init()
}

/// What is active now: exporters, endpoints, sampler, drop counters and warnings.
pub fn status() -> Status {
    let slot = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    match slot.as_ref() {
        Some(state) => state.status(),
        None => Status::not_initialized(),
    }
}

pub(crate) fn install(
    builder: TelemetryBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<TelemetryGuard, InitError> {
    let mut slot = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(state) = slot.as_ref() {
        return Ok(TelemetryGuard {
            state: state.clone(),
            owner: false,
        });
    }
    let mut inherited_warnings = Vec::new();
    let inherited = builder
        .inherit_trace_context
        .then(|| crate::process::from_env(&lookup, &mut inherited_warnings))
        .flatten();
    let mut config = Config::resolve(lookup, &builder.overrides)?;
    config.warnings.extend(inherited_warnings);
    let filter = EnvFilter::try_new(&config.log_filter).map_err(|e| {
        InitError::Config(ConfigError::InvalidValue {
            variable: "RUST_LOG".into(),
            value: config.log_filter.clone(),
            expected: format!("tracing filter directives such as `info,my_crate=debug` ({e})"),
        })
    })?;
    if tracing::dispatcher::has_been_set() {
        return Err(InitError::SubscriberAlreadySet);
    }
    let state = Arc::new(Installed::build(config, builder, filter)?);
    if let Some(cx) = inherited {
        // The process parent of root spans (see `process`): installed before `init()`
        // returns, so before any span of the application.
        crate::process::install(cx);
    }
    for warning in &state.warnings {
        tracing::warn!(target: "telemetry_runtime::init", code = warning.code.as_str(), "{}", warning.message);
    }
    *slot = Some(state.clone());
    Ok(TelemetryGuard { state, owner: true })
}

impl Installed {
    fn build(
        config: Config,
        builder: TelemetryBuilder,
        filter: EnvFilter,
    ) -> Result<Self, InitError> {
        #[cfg_attr(not(feature = "otlp"), allow(unused_mut))]
        let mut warnings = config.warnings.clone();
        let trace_stats = Arc::new(ExportStats::default());
        let log_stats = Arc::new(ExportStats::default());
        let metric_stats = Arc::new(ExportStats::default());
        let enabled = !config.sdk_disabled;

        #[cfg(feature = "otlp")]
        let runtime = if enabled
            && [&config.traces, &config.logs, &config.metrics]
                .iter()
                .any(|s| s.exporter == ExporterKind::Otlp)
        {
            Some(crate::export::runtime::start().map_err(InitError::ExportRuntime)?)
        } else {
            None
        };
        #[cfg(feature = "otlp")]
        let otlp = runtime.as_ref().map(|rt| crate::export::pipeline::Otlp {
            runtime: rt.handle().clone(),
            warning_interval: builder.export_warning_interval,
        });

        let resource = resource::build(&config);

        let tracer_provider = enabled.then(|| {
            let mut tracer = SdkTracerProvider::builder()
                .with_resource(resource.clone())
                .with_sampler(sampler::build(config.sampler));
            match config.traces.exporter {
                #[cfg(feature = "otlp")]
                ExporterKind::Otlp => match otlp.as_ref().map(|otlp| {
                    otlp.span_processor(
                        &config.traces,
                        &resource,
                        config.span_batch,
                        trace_stats.clone(),
                    )
                }) {
                    Some(Ok(processor)) => tracer = tracer.with_span_processor(processor),
                    Some(Err(e)) => warnings.push(exporter_unavailable("traces", e)),
                    None => {}
                },
                ExporterKind::Console => {
                    tracer = tracer.with_span_processor(ConsoleSpanProcessor::stdout())
                }
                _ => {}
            }
            if let Some(path) = &builder.traces_json_file {
                #[cfg(feature = "otlp")]
                {
                    tracer = tracer.with_span_processor(
                        crate::export::json_file::JsonFileSpanProcessor::new(
                            path,
                            crate::export::json_file::MAX_SPANS,
                        ),
                    );
                }
                #[cfg(not(feature = "otlp"))]
                warnings.push(feature_missing(
                    "otlp",
                    "the OTLP JSON file of traces",
                    path,
                ));
            }
            tracer.build()
        });

        let logger_provider = match config.logs.exporter {
            #[cfg(feature = "otlp")]
            ExporterKind::Otlp if enabled => match otlp.as_ref().map(|otlp| {
                otlp.log_processor(&config.logs, &resource, config.log_batch, log_stats.clone())
            }) {
                Some(Ok(processor)) => Some(
                    SdkLoggerProvider::builder()
                        .with_resource(resource.clone())
                        .with_log_processor(processor)
                        .build(),
                ),
                Some(Err(e)) => {
                    warnings.push(exporter_unavailable("logs", e));
                    None
                }
                None => None,
            },
            _ => None,
        };

        // One meter provider with every reader asked for: the configured exporter and, when
        // asked, the Prometheus pull reader.
        let mut meter = SdkMeterProvider::builder().with_resource(resource.clone());
        let mut readers = 0;
        match config.metrics.exporter {
            _ if !enabled => {}
            #[cfg(feature = "otlp")]
            ExporterKind::Otlp => match otlp.as_ref().map(|otlp| {
                otlp.metric_reader(
                    &config.metrics,
                    config.metric_export_timeout,
                    metric_stats.clone(),
                )
            }) {
                Some(Ok(reader)) => {
                    meter = meter
                        .with_reader(reader_with_interval(reader, config.metric_export_interval));
                    readers += 1;
                }
                Some(Err(e)) => warnings.push(exporter_unavailable("metrics", e)),
                None => {}
            },
            ExporterKind::Console => {
                meter = meter.with_reader(
                    PeriodicReader::builder(opentelemetry_stdout::MetricExporter::default())
                        .with_interval(config.metric_export_interval)
                        .build(),
                );
                readers += 1;
            }
            _ => {}
        }
        if enabled && builder.prometheus {
            #[cfg(feature = "prometheus")]
            match crate::prometheus::reader() {
                Ok(reader) => {
                    meter = meter.with_reader(reader);
                    readers += 1;
                }
                Err(e) => warnings.push(ConfigWarning {
                    code: crate::config::WarningCode::ExporterUnavailable,
                    message: format!("the Prometheus reader could not be built: {e}"),
                }),
            }
            #[cfg(not(feature = "prometheus"))]
            warnings.push(feature_missing(
                "prometheus",
                "the Prometheus metrics",
                "/metrics",
            ));
        }
        let meter_provider = (readers > 0).then(|| meter.build());

        // The capture mode and the redaction keys before the subscriber: every event and
        // span is judged by them from the first on.
        crate::genai::capture::set_mode(config.content_capture);
        crate::genai::capture::set_max_bytes(builder.content_max_bytes);
        crate::redaction::install(config.redact_keys.clone(), config.redact_query_keys.clone());
        crate::propagation::set_forward_baggage(builder.forward_baggage);

        // Subscriber: filter, stdout lines, spans to OpenTelemetry, events to log records,
        // then the user's layers.
        let mut layers: Vec<BoxedLayer> = Vec::with_capacity(3 + builder.layers.len());
        let lines = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .event_format(LineFormat {
                format: config.log_format,
                redact: true,
            });
        layers.push(match builder.log_writer {
            Some(writer) => lines.with_writer(writer).boxed(),
            None => lines.boxed(),
        });
        if let Some(provider) = &tracer_provider {
            let span_events = builder.log_events_as_span_events;
            let layer = tracing_opentelemetry::layer()
                .with_tracer(crate::process::InheritingTracer::new(
                    provider.tracer(crate::INSTRUMENTATION_SCOPE),
                ))
                .with_location(false)
                .with_target(false)
                .with_threads(false)
                .with_tracked_inactivity(false)
                // A string field named `error` of a log event would become the span's status
                // description and an `exception.message`, Debug-quoted: content, and the
                // key rule cannot see it. `dyn Error` fields are redacted at export.
                .with_error_events_to_status(false)
                .with_error_events_to_exceptions(false)
                .with_filter(filter_fn(move |meta| {
                    (span_events || meta.is_span()) && !targets::is_internal(meta.target())
                }));
            layers.push(layer.boxed());
        }
        if let Some(provider) = &logger_provider {
            let layer = OtelLogBridge::new(provider, true)
                .with_filter(filter_fn(|meta| !targets::is_internal(meta.target())));
            layers.push(layer.boxed());
        }
        layers.extend(builder.layers);
        let subscriber = Registry::default().with(filter).with(layers);
        tracing::subscriber::set_global_default(subscriber)
            .map_err(|_| InitError::SubscriberAlreadySet)?;

        crate::span::set_legacy_names(builder.legacy_names);
        if let Some(provider) = &logger_provider {
            use opentelemetry::logs::LoggerProvider as _;
            crate::genai::events::install_logger(provider.logger(crate::INSTRUMENTATION_SCOPE));
        }
        if let Some(provider) = &tracer_provider {
            crate::span::install_tracer(provider.tracer(crate::INSTRUMENTATION_SCOPE));
            opentelemetry::global::set_tracer_provider(
                crate::process::InheritingTracerProvider::new(provider.clone()),
            );
            // Strict W3C Trace Context level 2 and Baggage, for every inject and extract
            // through the global propagator; baggage is injected only when forwarded.
            opentelemetry::global::set_text_map_propagator(
                crate::propagation::CarrierPropagator::new(),
            );
        }
        if let Some(provider) = &meter_provider {
            use opentelemetry::metrics::MeterProvider as _;
            crate::metrics::install(crate::metrics::Instruments::new(
                &provider.meter(crate::INSTRUMENTATION_SCOPE),
            ));
            opentelemetry::global::set_meter_provider(provider.clone());
        }

        // Warnings are logged, exported and shown by `status()`: no endpoint credentials.
        for warning in &mut warnings {
            if let std::borrow::Cow::Owned(scrubbed) =
                crate::redaction::scrub_userinfo(&warning.message)
            {
                warning.message = scrubbed;
            }
        }
        let shutdown_budget = shutdown_budget(&config);
        Ok(Installed {
            config,
            warnings,
            tracer_provider,
            logger_provider,
            meter_provider,
            trace_stats,
            log_stats,
            metric_stats,
            #[cfg(feature = "otlp")]
            runtime: Mutex::new(runtime),
            shutdown_budget,
            shut_down: AtomicBool::new(false),
        })
    }

    fn status(&self) -> Status {
        let c = &self.config;
        let signal = |s: &crate::config::SignalConfig, stats: &ExportStats| SignalStatus {
            exporter: s.exporter,
            endpoint: s
                .endpoint
                .as_deref()
                .map(|e| crate::redaction::scrub_userinfo(e).into_owned()),
            protocol: (s.exporter == ExporterKind::Otlp).then_some(s.protocol),
            exported: stats.exported(),
            dropped: stats.dropped(),
        };
        Status {
            initialized: true,
            sdk_disabled: c.sdk_disabled,
            service_name: c.service_name.clone(),
            traces: signal(&c.traces, &self.trace_stats),
            logs: signal(&c.logs, &self.log_stats),
            metrics: signal(&c.metrics, &self.metric_stats),
            sampler: c.sampler,
            log_format: c.log_format,
            content_capture: c.content_capture,
            redacted: crate::redaction::redacted(),
            warnings: self.warnings.clone(),
        }
    }

    /// Shuts every provider down in parallel, waiting at most the shutdown budget in all.
    fn shutdown(&self) {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return;
        }
        let budget = self.shutdown_budget;
        let deadline = Instant::now() + budget;
        let (done, finished) = mpsc::channel::<()>();
        let mut pending = 0;
        let mut spawn = |name: &str, work: Box<dyn FnOnce() + Send>| {
            let done = done.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("telemetry-shutdown-{name}"))
                .spawn(move || {
                    work();
                    let _ = done.send(());
                });
            if spawned.is_ok() {
                pending += 1;
            }
        };
        if let Some(p) = self.tracer_provider.clone() {
            spawn(
                "traces",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        if let Some(p) = self.logger_provider.clone() {
            spawn(
                "logs",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        if let Some(p) = self.meter_provider.clone() {
            spawn(
                "metrics",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        for _ in 0..pending {
            let left = deadline.saturating_duration_since(Instant::now());
            if finished.recv_timeout(left).is_err() {
                break;
            }
        }
        #[cfg(feature = "otlp")]
        if let Some(runtime) = self
            .runtime
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            runtime.shutdown_background();
        }
    }
}

#[cfg(feature = "otlp")]
fn exporter_unavailable(signal: &str, error: String) -> ConfigWarning {
    ConfigWarning {
        code: WarningCode::ExporterUnavailable,
        message: format!(
            "the OTLP {signal} exporter could not be built, {signal} are not exported: {error}"
        ),
    }
}

/// `TR-W005`: something was asked for that needs a feature this build lacks.
#[cfg(any(not(feature = "otlp"), not(feature = "prometheus")))]
fn feature_missing(
    feature: &str,
    what: &str,
    target: impl AsRef<std::path::Path>,
) -> ConfigWarning {
    ConfigWarning {
        code: crate::config::WarningCode::OtlpFeatureMissing,
        message: format!(
            "{what} ({}) needs telemetry-runtime's `{feature}` feature, which this build lacks",
            target.as_ref().display()
        ),
    }
}

#[cfg(feature = "otlp")]
fn reader_with_interval<E: opentelemetry_sdk::metrics::exporter::PushMetricExporter>(
    exporter: E,
    interval: Duration,
) -> PeriodicReader<E> {
    PeriodicReader::builder(exporter)
        .with_interval(interval)
        .build()
}

/// The longest any provider may take to shut down: the export timeout of the slowest active
/// signal (an export in flight is abandoned after it).
fn shutdown_budget(config: &Config) -> Duration {
    let otlp = |s: &crate::config::SignalConfig, export_timeout: Duration| {
        (s.exporter == ExporterKind::Otlp).then(|| s.timeout.min(export_timeout))
    };
    [
        otlp(&config.traces, config.span_batch.export_timeout),
        otlp(&config.logs, config.log_batch.export_timeout),
        otlp(&config.metrics, config.metric_export_timeout),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(Duration::from_secs(1))
}
