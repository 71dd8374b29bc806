//! CloudEvents (feature `cloudevents`, on [cloudevents-sdk](https://docs.rs/cloudevents-sdk)
//! 0.9): spans that follow the CloudEvents and messaging semantic conventions, and the trace
//! context an event carries through any transport.
//!
//! - [`#[cloudevent_handler]`](crate::cloudevent_handler) turns an `async fn` taking a
//!   [`Event`] into a CONSUMER span `CloudEvents Process {type}` that covers the whole handler.
//! - [`start_producer`] and [`publish`] open a PRODUCER span `CloudEvents Create {type}` and
//!   write its context into the event's Distributed Tracing extension.
//! - [`creation_context`] and [`set_creation_context`] read and write that extension
//!   (`traceparent`, `tracestate`) with the strict W3C parsers.
//! - [`CommonAttributes`](crate::scope::CommonAttributes) travel as extension attributes:
//!   [`write_common`] on the producer side, `#[cloudevent_handler(common = Type)]` (or
//!   [`read_common`]) on the consumer side.
//!
//! # Two contexts, and which one is the parent
//!
//! An event carries its *creation context* in the Distributed Tracing extension: the span
//! that created it, written once and never overwritten as the event hops on (the extension's
//! multi-hop rule). A transport carries its own context too: the `traceparent` HTTP header
//! (distinct from `ce-traceparent` in binary mode), a NATS or Kafka message header. The
//! processing span
//!
//! - **links** to the creation context whenever the event has a valid one, and
//! - takes as **parent** the ambient context when there is one (the transport's span: the
//!   HTTP server span of [`http::TelemetryLayer`](crate::http), or a context extracted from
//!   message headers and attached), else the creation context.
//!
//! So a handler behind an instrumented transport nests in the transport's trace and still
//! points at the producer, and a handler fed straight from a queue without headers continues
//! the producer's trace. Invalid extension values are ignored (a new trace starts), as the
//! W3C rules say of invalid headers; nothing panics.
//!
//! # Attributes
//!
//! Both spans carry `cloudevents.event_id`, `cloudevents.event_source`,
//! `cloudevents.event_spec_version`, `cloudevents.event_type`, `cloudevents.event_subject`
//! (when the event has one), `messaging.operation.type` (`process` / `create`),
//! `messaging.operation.name`, `messaging.message.id`, and, when given through [`Messaging`],
//! `messaging.system` and `messaging.destination.name`. An `Err` of the handler sets status
//! ERROR and a low-cardinality `error.type` (see [`span::ErrorType`](crate::span::ErrorType)).

mod carrier;
mod common;
#[cfg(feature = "rdkafka")]
pub mod kafka;
mod messaging;
#[cfg(feature = "nats")]
pub mod nats;
mod process;
mod produce;
mod trace_extension;

pub use ::cloudevents::Event;
pub use carrier::{extract_context, inject_context, inject_http_headers};
pub use common::{read_common, write_common};
pub use messaging::Messaging;
pub use produce::{ProducerSpan, publish, start_producer};
pub use trace_extension::{
    TRACEPARENT_EXTENSION, TRACESTATE_EXTENSION, creation_context, set_creation_context,
};

/// What `#[cloudevent_handler]` generates code with. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::common::common_for_handler;
    pub use super::messaging::Messaging;
    pub use super::process::{HandlerEvent, handler_event, in_scope, process_span};
}
