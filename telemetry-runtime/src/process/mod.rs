//! Child processes in the parent's trace: the W3C trace context in the environment.
//!
//! The parent sets `TRACEPARENT`, `TRACESTATE` and `BAGGAGE` in the child's environment with
//! [`CommandExt::with_trace_context`] (the OpenTelemetry convention for environment
//! variables as context carriers: the header names in upper case, the header values as they
//! are). A child that calls `init()` (this toolkit) reads them once, strictly, and its root
//! spans become children of the parent's span:
//!
//! ```no_run
//! use std::process::Command;
//! use telemetry_runtime::process::CommandExt;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let _guard = telemetry_runtime::init()?;
//! let span = telemetry_runtime::tracing::info_span!("reindex");
//! let _entered = span.enter();
//! // The child's root spans are children of `reindex`.
//! let status = Command::new("indexer").with_trace_context().status()?;
//! # let _ = status; Ok(()) }
//! ```
//!
//! # The rule in the child
//!
//! At `init()`, when `TRACEPARENT` holds exactly one valid value (the rules of
//! [`TraceParent::parse`](crate::propagation::TraceParent::parse); reserved flag bits are
//! cleared), it becomes the **process parent**: every span that would otherwise start a new
//! trace (no valid span in its parent context) is started as a child of it instead. That
//! covers `tracing` spans (through tracing-opentelemetry), contract spans (`#[llm_span]`) and
//! the outbound middleware's client spans. A span with a parent of its own (an incoming
//! request's `traceparent`, an entered span) keeps it. SERVER and CONSUMER spans without a
//! parent (a request or message that arrived with no context, such as the axum layer's server
//! span) are not work the parent process asked for: they start their own trace, so a server
//! started by a traced script does not put every request into the script's trace (nor give
//! them all the same request id). `TRACESTATE` rides along with a valid
//! `TRACEPARENT` (an invalid one is dropped); `BAGGAGE` members are read with the baggage
//! rules, invalid ones skipped, and [`inherited`] returns them with the parent.
//!
//! Invalid values are ignored, never fatal: the process then starts its own traces, and
//! `init()` logs one `TR-W007` warning (also in `status().warnings`) naming the variable.
//! [`TelemetryBuilder::inherit_trace_context(false)`](crate::TelemetryBuilder::inherit_trace_context)
//! turns the reading off, for a process that starts its own traces whatever its environment
//! says.
//!
//! The check costs one atomic load per span without a parent, nothing for the others.

mod command;
mod inherited;

pub use crate::propagation::process_parent::inherited;
pub(crate) use crate::propagation::process_parent::install;
pub use command::CommandExt;
pub(crate) use inherited::from_env;

/// The environment variable of the `traceparent` value: `TRACEPARENT`.
pub const TRACEPARENT_ENV: &str = "TRACEPARENT";
/// The environment variable of the `tracestate` value: `TRACESTATE`.
pub const TRACESTATE_ENV: &str = "TRACESTATE";
/// The environment variable of the `baggage` value: `BAGGAGE`.
pub const BAGGAGE_ENV: &str = "BAGGAGE";
