//! The export path: bounded queues drained on a dedicated export runtime.
//!
//! Nothing here runs on the application's threads except a non-blocking enqueue.

pub(crate) mod batch;
pub(crate) mod log_processor;
#[cfg(feature = "otlp")]
pub(crate) mod metric_exporter;
#[cfg(feature = "otlp")]
pub(crate) mod otlp;
#[cfg(feature = "otlp")]
pub(crate) mod pipeline;
pub(crate) mod rate_limited_warning;
#[cfg(feature = "otlp")]
pub(crate) mod runtime;
pub(crate) mod span_processor;
pub(crate) mod stats;
