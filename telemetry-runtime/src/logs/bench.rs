//! The log layers with redaction on or off, for `benches/log_redaction.rs`: the same layers
//! `init()` installs (which always redacts). Reached as `__private::bench`.

use tracing_subscriber::Layer;

/// The stdout line layer (human format) writing to `writer`.
pub fn line_layer<S, W>(writer: W, redact: bool) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(writer)
        .event_format(crate::logs::format::LineFormat {
            format: crate::config::LogFormat::Human,
            redact,
        })
}

/// The OpenTelemetry logs bridge into `provider`.
pub fn bridge_layer<S: tracing::Subscriber>(
    provider: &opentelemetry_sdk::logs::SdkLoggerProvider,
    redact: bool,
) -> impl Layer<S> {
    crate::logs::bridge::OtelLogBridge::new(provider, redact)
}
