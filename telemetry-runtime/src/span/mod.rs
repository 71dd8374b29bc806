//! Contract spans: what `#[llm_span]` records, and the traits a contract is built from.
//!
//! Spans are recorded with the configured sampler, span limits and the SDK's id generator
//! (values given at start, the parent taken from the current context), and the span's context
//! is attached while the body runs, so `tracing` spans and log lines inside nest under it, and
//! it nests under the `tracing` span that calls it. `init()` installs the direct engine
//! ([`install_direct_tracer`]): a span is recorded into a buffer of its thread and becomes the
//! SDK's `SpanData` on a collector thread, which hands it to the same span processors as every
//! other span; [`install_tracer`] records through an SDK tracer instead. Without the `sdk` feature (a library that only instruments)
//! the engine compiles against the OpenTelemetry API alone and every span is the disabled
//! one until an application with the SDK installs the runtime (`backend.rs`).

mod async_span;
mod attribute_parts;
mod backend;
mod contract;
mod core;
#[cfg(feature = "sdk")]
pub(crate) mod direct;
mod error_type;
#[cfg(feature = "sdk")]
pub(crate) mod flagged;
mod handoff;
#[cfg(feature = "sdk")]
pub(crate) mod inheriting;
mod instrument;
mod legacy;
mod name;
mod run;
pub(crate) mod start_hook;
pub(crate) mod tracer;
pub mod value;

pub use async_span::AsyncSpan;
#[doc(hidden)]
pub use async_span::TakeSpan;
pub(crate) use backend::EngineSpan;
pub use contract::{AttributeSpec, Contract, RecordReturn, Requirement, Returned, Source};
#[doc(hidden)]
pub use core::StartSlot;
pub use core::{SpanCore, StartValues, StepKeys, StreamKeys};
#[cfg(feature = "sdk")]
pub use direct::{direct_dropped, install_direct_tracer};
pub use error_type::ErrorType;
#[cfg(feature = "cloudevents")]
pub(crate) use error_type::short_type_name;
#[doc(hidden)]
pub use error_type::{ErrorProbe, ViaDisplay, ViaErrorType, ViaNothing, ViaTypeName};
pub use handoff::KeepOpen;
#[doc(hidden)]
pub use handoff::{Handoff, ViaKeepOpen, ViaReturnValue};
pub use instrument::{ChunkTokens, InSpan, SpanStream};
#[doc(hidden)]
pub use instrument::{TokenProbe, ViaChunkTokens, ViaNoTokens};
pub use name::{fill_name, fill_name_suffix};
#[doc(hidden)]
pub use run::{run_sync, sync_body};
#[cfg(feature = "sdk")]
pub use tracer::install as install_tracer;
pub use tracer::{is_enabled, set_legacy_names, uninstall as uninstall_tracer};

/// A vector for `capacity` start attributes of a contract span (what the generated start
/// builders begin with): with the direct engine, one its collector emptied, so that recording a
/// span's attributes allocates nothing in steady state.
#[doc(hidden)]
#[inline]
pub fn attribute_vec(capacity: usize) -> Vec<opentelemetry::KeyValue> {
    #[cfg(feature = "sdk")]
    {
        direct::buffer::attribute_vec(capacity)
    }
    #[cfg(not(feature = "sdk"))]
    {
        Vec::with_capacity(capacity)
    }
}
