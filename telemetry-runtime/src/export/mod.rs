//! The export path: bounded queues drained on a dedicated export runtime.
//!
//! Nothing here runs on the application's threads except a non-blocking enqueue.

#[cfg(feature = "otlp")]
pub(crate) mod batch;
#[cfg(feature = "otlp")]
pub(crate) mod encoded_span_exporter;
#[cfg(feature = "otlp")]
pub(crate) mod grpc_span_exporter;
#[cfg(feature = "otlp")]
pub(crate) mod http_span_exporter;
#[cfg(feature = "otlp")]
pub(crate) mod json_file;
pub(crate) mod limits;
#[cfg(feature = "otlp")]
pub(crate) mod log_processor;
#[cfg(feature = "otlp")]
pub(crate) mod metric_exporter;
#[cfg(feature = "otlp")]
pub(crate) mod otlp;
#[cfg(feature = "otlp")]
pub(crate) mod pipeline;
#[cfg(feature = "otlp")]
pub(crate) mod protobuf;
#[cfg(feature = "otlp")]
pub(crate) mod rate_limited_warning;
#[cfg(feature = "otlp")]
pub(crate) mod runtime;
pub(crate) mod size;
#[cfg(feature = "otlp")]
pub(crate) mod span_processor;
pub(crate) mod stats;
#[cfg(feature = "otlp")]
pub(crate) mod tls;
#[cfg(feature = "otlp")]
pub(crate) mod trace_request;
