//! Installation: `init()` turns a resolved [`Config`] into installed providers, the global
//! subscriber and the process-wide state, once; one file per concern.
//!
//! - [`traces`], [`logs`], [`metrics`]: each signal's provider, from its part of the config;
//! - `export`: the export thread they share, and their warnings;
//! - [`subscriber`]: the global `tracing` subscriber with the toolkit's layers and the user's;
//!   `layers`: the same layers for a subscriber of the application's (`init_layers()`);
//! - `globals`: the content rules before the subscriber, the tracer, logger, meter and
//!   propagator after it;
//! - [`guard`]: the guard that shuts it all down; [`error`]: why installing failed.
//!
//! The builder only collects values; [`Config::resolve`] decides everything (exporter kinds
//! included), and this module wires what it decided.

pub(crate) mod error;
mod export;
mod globals;
pub(crate) mod guard;
mod layers;
mod logs;
mod metrics;
pub(crate) mod subscriber;
mod traces;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, ConfigWarning, ExporterKind, Overrides};
use crate::export::stats::ExportStats;
use crate::resource;
use crate::status::{SignalStatus, Status};

pub use error::InitError;
pub use guard::TelemetryGuard;
pub use layers::{LogLineFormat, TelemetryLayers};
pub(crate) use subscriber::Extensions;
pub use subscriber::{BaseSubscriber, BoxedLayer};

static INSTALLED: Mutex<Option<Arc<Installed>>> = Mutex::new(None);

/// Who owns the global `tracing` subscriber.
pub(crate) enum SubscriberSetup {
    /// `init()`: the toolkit's, with these additions of the user.
    Global(Extensions),
    /// `init_layers()`: the application's; the toolkit hands back its layers.
    Layers,
}

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
    /// Taken at shutdown.
    #[cfg_attr(not(feature = "otlp"), allow(dead_code))]
    export: Mutex<export::ExportThread>,
    shutdown_budget: Duration,
    shut_down: AtomicBool,
    /// When `init()` installed it: a shutdown right after is reported.
    installed_at: std::time::Instant,
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
    install(
        &Overrides::default(),
        SubscriberSetup::Global(Extensions::default()),
        |name| std::env::var(name).ok(),
    )
}

/// [`init()`], for an application that builds its own `tracing` subscriber: installs the
/// providers, the propagator and the globals, and hands back the toolkit's layers
/// ([`TelemetryLayers`]) to add to your registry. See
/// [`TelemetryBuilder::init_layers`](crate::TelemetryBuilder::init_layers).
pub fn init_layers() -> Result<(TelemetryGuard, TelemetryLayers), InitError> {
    install_layers(&Overrides::default(), |name| std::env::var(name).ok())
}

/// [`install`] without a global subscriber: the layers of the installed state.
pub(crate) fn install_layers(
    overrides: &Overrides,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(TelemetryGuard, TelemetryLayers), InitError> {
    let guard = install(overrides, SubscriberSetup::Layers, lookup)?;
    let state = &guard.state;
    let layers = TelemetryLayers {
        log_filter: state.config.log_filter.clone(),
        log_format: state.config.log_format,
        span_events: state.config.code.log_events_as_span_events,
        tracer_provider: state.tracer_provider.clone(),
        logger_provider: state.logger_provider.clone(),
    };
    Ok((guard, layers))
}

/// What is active now: exporters, endpoints, sampler, drop counters and warnings.
pub fn status() -> Status {
    let slot = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    match slot.as_ref() {
        Some(state) => state.status(),
        None => Status::not_initialized(),
    }
}

/// Resolves the configuration from `overrides` and the environment read through `lookup`,
/// and installs it, unless an earlier call did.
pub(crate) fn install(
    overrides: &Overrides,
    setup: SubscriberSetup,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<TelemetryGuard, InitError> {
    let mut slot = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(state) = slot.as_ref() {
        if state.shut_down.load(Ordering::Acquire) {
            return Err(InitError::ShutDown);
        }
        return Ok(TelemetryGuard {
            state: state.clone(),
            owner: false,
        });
    }
    let mut inherited_warnings = Vec::new();
    let inherited = overrides
        .code
        .inherit_trace_context
        .then(|| crate::process::from_env(&lookup, &mut inherited_warnings))
        .flatten();
    let mut config = Config::resolve(lookup, overrides)?;
    config.warnings.extend(inherited_warnings);
    let filter = subscriber::filter(&config)?;
    if matches!(setup, SubscriberSetup::Global(_)) && tracing::dispatcher::has_been_set() {
        return Err(InitError::SubscriberAlreadySet);
    }
    let state = Arc::new(Installed::build(config, setup, filter)?);
    if let Some(cx) = inherited {
        // The process parent of root spans (see `process`): installed before `init()`
        // returns, so before any span of the application.
        crate::process::install(cx);
    }
    for warning in &state.warnings {
        tracing::warn!(target: "telemetry_runtime::init", code = warning.code.as_str(), "{}", warning.message);
    }
    crate::span::tracer::reset_used();
    *slot = Some(state.clone());
    Ok(TelemetryGuard { state, owner: true })
}

impl Installed {
    fn build(config: Config, setup: SubscriberSetup, filter: EnvFilter) -> Result<Self, InitError> {
        let mut warnings = config.warnings.clone();
        let trace_stats = Arc::new(ExportStats::default());
        let log_stats = Arc::new(ExportStats::default());
        let metric_stats = Arc::new(ExportStats::default());
        let enabled = !config.sdk_disabled;

        let export = export::ExportThread::start(&config)?;
        let otlp = export.otlp(&config);
        let resource = resource::build(&config);
        let inputs = export::SignalInputs {
            config: &config,
            resource: &resource,
            otlp: otlp.as_ref(),
        };
        let (tracer_provider, direct_tracer) = enabled
            .then(|| traces::provider(&inputs, &trace_stats, &mut warnings))
            .unzip();
        let logger_provider = enabled
            .then(|| logs::provider(&inputs, &log_stats, &mut warnings))
            .flatten();
        let meter_provider = enabled
            .then(|| metrics::provider(&inputs, &metric_stats, &mut warnings))
            .flatten();

        globals::install_rules(&config);
        match setup {
            SubscriberSetup::Global(extensions) => subscriber::install(
                &config,
                extensions,
                filter,
                tracer_provider.as_ref(),
                logger_provider.as_ref(),
            )?,
            // The application's subscriber bridges the `log` facade, if it wants:
            // `SubscriberInitExt::init()` does (tracing-subscriber's `tracing-log`).
            SubscriberSetup::Layers => drop(filter),
        }
        globals::install_providers(
            &config,
            tracer_provider.as_ref().zip(direct_tracer),
            logger_provider.as_ref(),
            meter_provider.as_ref(),
        );

        // Warnings are logged, exported and shown by `status()`: no endpoint credentials.
        for warning in &mut warnings {
            if let std::borrow::Cow::Owned(scrubbed) =
                crate::redaction::scrub_userinfo(&warning.message)
            {
                warning.message = scrubbed;
            }
        }
        let shutdown_budget = guard::shutdown_budget(&config);
        Ok(Installed {
            config,
            warnings,
            tracer_provider,
            logger_provider,
            meter_provider,
            trace_stats,
            log_stats,
            metric_stats,
            export: Mutex::new(export),
            shutdown_budget,
            shut_down: AtomicBool::new(false),
            installed_at: std::time::Instant::now(),
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
            worker_stopped: stats.worker_stopped(),
            dropped_worker_stopped: stats.dropped_worker_stopped(),
            dropped_file: stats
                .dropped_file
                .load(std::sync::atomic::Ordering::Relaxed),
            overflowed_instruments: stats
                .overflowed_instruments
                .load(std::sync::atomic::Ordering::Relaxed),
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
}
