//! The global `tracing` subscriber: the `RUST_LOG` filter, stdout lines, spans to
//! OpenTelemetry, events to log records, then the user's layers.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::layer::{Layered, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer, Registry, filter::filter_fn};

use crate::config::{Config, ConfigError};
use crate::logs::{bridge::OtelLogBridge, format::LineFormat, targets};

use super::InitError;

/// The subscriber under the toolkit's layers: the registry with the `RUST_LOG` filter. Your
/// own layers (see [`TelemetryBuilder::with_layer`](crate::TelemetryBuilder::with_layer)) are
/// layers over this type.
pub type BaseSubscriber = Layered<EnvFilter, Registry>;

/// A layer of yours, boxed, added to the subscriber after the toolkit's own.
pub type BoxedLayer = Box<dyn Layer<BaseSubscriber> + Send + Sync + 'static>;

/// What the application adds to the subscriber: not configuration, so not in [`Config`].
#[derive(Default)]
pub(crate) struct Extensions {
    /// The user's layers, after the toolkit's.
    pub layers: Vec<BoxedLayer>,
    /// Where log lines go instead of stdout.
    pub log_writer: Option<BoxMakeWriter>,
}

/// The `RUST_LOG` filter of `config`, checked before anything is installed.
pub(super) fn filter(config: &Config) -> Result<EnvFilter, InitError> {
    EnvFilter::try_new(&config.log_filter).map_err(|e| {
        InitError::Config(ConfigError::InvalidValue {
            variable: "RUST_LOG".into(),
            value: config.log_filter.clone(),
            expected: format!("tracing filter directives such as `info,my_crate=debug` ({e})"),
        })
    })
}

/// Builds the subscriber and sets it as the global default.
pub(super) fn install(
    config: &Config,
    extensions: Extensions,
    filter: EnvFilter,
    tracer_provider: Option<&SdkTracerProvider>,
    logger_provider: Option<&SdkLoggerProvider>,
) -> Result<(), InitError> {
    let mut layers: Vec<BoxedLayer> = Vec::with_capacity(3 + extensions.layers.len());
    let lines = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .event_format(LineFormat {
            format: config.log_format,
            redact: true,
        });
    layers.push(match extensions.log_writer {
        Some(writer) => lines.with_writer(writer).boxed(),
        None => lines.boxed(),
    });
    layers.extend(pipeline_layers(
        config.code.log_events_as_span_events,
        tracer_provider,
        logger_provider,
    ));
    layers.extend(extensions.layers);
    let max_level = filter.max_level_hint();
    let subscriber = Registry::default().with(filter).with(layers);
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|_| InitError::SubscriberAlreadySet)?;
    bridge_log_records(max_level);
    Ok(())
}

/// The layers that feed the OpenTelemetry pipeline, for any subscriber: spans to the tracer
/// provider, events to log records (redacted, with the request scope's identifiers). What the
/// export path emits stays out ([`targets`]).
pub(super) fn pipeline_layers<S>(
    span_events: bool,
    tracer_provider: Option<&SdkTracerProvider>,
    logger_provider: Option<&SdkLoggerProvider>,
) -> Vec<Box<dyn Layer<S> + Send + Sync + 'static>>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let mut layers: Vec<Box<dyn Layer<S> + Send + Sync + 'static>> = Vec::with_capacity(3);
    layers.push(Used.boxed());
    if let Some(provider) = tracer_provider {
        let layer = tracing_opentelemetry::layer()
            .with_tracer(crate::span::inheriting::InheritingTracer::new(
                provider.tracer(crate::constants::INSTRUMENTATION_SCOPE),
            ))
            .with_location(false)
            .with_target(false)
            .with_threads(false)
            .with_tracked_inactivity(false)
            // A string field named `error` of a log event would become the span's status
            // description and an `exception.message`, Debug-quoted: content, and the key
            // rule cannot see it. `dyn Error` fields are redacted at export.
            .with_error_events_to_status(false)
            .with_error_events_to_exceptions(false)
            .with_filter(filter_fn(move |meta| {
                (span_events || meta.is_span()) && !targets::is_excluded(meta.target())
            }));
        layers.push(layer.boxed());
    }
    if let Some(provider) = logger_provider {
        let layer = OtelLogBridge::new(provider, true)
            .with_filter(filter_fn(|meta| !targets::is_excluded(meta.target())));
        layers.push(layer.boxed());
    }
    layers
}

/// Notes that the application used telemetry (a span or an event): a guard dropped before
/// that was thrown away at once (`TR-W102`).
struct Used;

impl<S: tracing::Subscriber> Layer<S> for Used {
    fn on_new_span(
        &self,
        _attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        crate::span::tracer::mark_used();
    }

    fn on_event(
        &self,
        _event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        crate::span::tracer::mark_used();
    }
}

/// Records of the `log` facade become `tracing` events (level, target, the current span),
/// up to the most verbose level `filter` lets through. An application that installed a
/// `log` logger of its own keeps it.
pub(super) fn bridge_log_records(max_level: Option<tracing_subscriber::filter::LevelFilter>) {
    use tracing_log::log::LevelFilter as Log;
    use tracing_subscriber::filter::LevelFilter as Tracing;
    let level = match max_level.unwrap_or(Tracing::TRACE) {
        Tracing::OFF => Log::Off,
        Tracing::ERROR => Log::Error,
        Tracing::WARN => Log::Warn,
        Tracing::INFO => Log::Info,
        Tracing::DEBUG => Log::Debug,
        _ => Log::Trace,
    };
    let _ = tracing_log::LogTracer::builder()
        .with_max_level(level)
        .init();
}
