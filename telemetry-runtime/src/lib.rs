//! OpenTelemetry for LLM services.
//!
//! One call sets up traces, logs and metrics from the standard `OTEL_*` variables:
//!
//! ```no_run
//! # fn main() -> Result<(), telemetry_runtime::InitError> {
//! let _guard = telemetry_runtime::init()?; // no endpoint configured: nothing is exported
//! let span = tracing::info_span!("llm.decode");
//! let _entered = span.enter();
//! tracing::info!(tokens = 42, "decoded"); // this line carries trace_id and span_id
//! # Ok(()) }
//! ```
//!
//! With no endpoint configured, spans still get real trace ids (log lines and request ids
//! need them) but nothing is exported and no export thread or socket exists. With an
//! endpoint, spans and log records go through bounded queues to a dedicated export thread:
//! a collector that is down or hangs costs counted drops, never a blocked application.
#![deny(missing_docs)]

mod builder;
pub mod config;
pub mod console;
mod export;
mod init;
mod logs;
mod resource;
mod sampler;
pub mod semconv;
mod status;

pub use builder::{BoxedLayer, TelemetryBuilder};
pub use config::{
    ConfigError, ConfigWarning, ContentCapture, ExporterKind, LogFormat, Protocol, SamplerConfig,
    Signal, WarningCode,
};
pub use init::{BaseSubscriber, InitError, TelemetryGuard, init, status};
pub use status::{SignalStatus, Status};

/// The versions of the OpenTelemetry and tracing crates this toolkit is built on, so your
/// code uses exactly these.
pub use opentelemetry;
pub use opentelemetry_sdk;
pub use tracing;

/// The name of the toolkit's instrumentation scope and `telemetry.distro.name`.
pub(crate) const INSTRUMENTATION_SCOPE: &str = "telemetry-runtime";

/// A builder to set values in code; they win over the environment.
pub fn builder() -> TelemetryBuilder {
    TelemetryBuilder::new()
}

/// Paths used by the code the macros generate. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use opentelemetry;
    pub use tracing;
}

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
