//! [`TelemetryLayers`]: the toolkit's `tracing` layers, for an application that builds its own
//! subscriber ([`TelemetryBuilder::init_layers`](crate::TelemetryBuilder::init_layers)).

use std::fmt;

use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Subscriber;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;
use crate::logs::format::LineFormat;

/// The toolkit's layers for a subscriber of yours: what `init()` would have put in its own.
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt as _;
/// use tracing_subscriber::util::SubscriberInitExt as _;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (guard, telemetry) = telemetry_runtime::builder()
///     .default_service_name("chat-gateway")
///     .init_layers()?;
/// tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer().event_format(telemetry.line_format()))
///     .with(telemetry.layer())
///     .init();
/// # drop(guard); Ok(()) }
/// ```
#[derive(Clone)]
pub struct TelemetryLayers {
    pub(super) log_filter: String,
    pub(super) log_format: LogFormat,
    pub(super) span_events: bool,
    pub(super) tracer_provider: Option<SdkTracerProvider>,
    pub(super) logger_provider: Option<SdkLoggerProvider>,
}

impl fmt::Debug for TelemetryLayers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryLayers")
            .field("log_filter", &self.log_filter)
            .field("traces", &self.tracer_provider.is_some())
            .field("logs", &self.logger_provider.is_some())
            .finish()
    }
}

impl TelemetryLayers {
    /// The layers that feed OpenTelemetry, as one layer for any subscriber: `tracing` spans
    /// become spans (children of the current OpenTelemetry context, parents of contract spans
    /// started inside), events become log records with the trace context, the request
    /// scope's identifiers and content fields redacted. Filtered by `RUST_LOG` (the
    /// toolkit's default when unset) on their own, so the filters of your other layers stay
    /// yours; what the export path emits never enters.
    pub fn layer<S>(&self) -> Box<dyn Layer<S> + Send + Sync + 'static>
    where
        S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
    {
        let layers = super::subscriber::pipeline_layers::<S>(
            self.span_events,
            self.tracer_provider.as_ref(),
            self.logger_provider.as_ref(),
        );
        // Validated by `init_layers`.
        let filter = EnvFilter::try_new(&self.log_filter).unwrap_or_default();
        layers.with_filter(filter).boxed()
    }

    /// The toolkit's log-line format for a `tracing_subscriber::fmt` layer of yours: the
    /// active `trace_id` and `span_id`, the request scope's identifiers and content fields
    /// redacted, human or JSON as `TELEMETRY_LOG_FORMAT` says.
    pub fn line_format(&self) -> LogLineFormat {
        LogLineFormat(LineFormat {
            format: self.log_format,
            redact: true,
        })
    }
}

/// The toolkit's line format, for `tracing_subscriber::fmt::layer().event_format(...)`
/// ([`TelemetryLayers::line_format`]).
#[derive(Debug, Clone, Copy)]
pub struct LogLineFormat(LineFormat);

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for LogLineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> fmt::Result {
        self.0.format_event(ctx, writer, event)
    }
}
