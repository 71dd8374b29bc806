//! Logs: one `tracing` subscriber stack that writes trace-correlated lines to stdout and
//! bridges events to OpenTelemetry log records.

pub mod bench;
pub(crate) mod bridge;
pub(crate) mod fields;
pub(crate) mod format;
pub(crate) mod targets;
