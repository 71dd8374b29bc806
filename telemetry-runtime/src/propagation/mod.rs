//! Strict W3C Trace Context (Level 2) and W3C Baggage parsing and propagation.
//!
//! - [`TraceParent`]: the `traceparent` header (<https://www.w3.org/TR/trace-context-2/>
//!   §3.2);
//! - [`TraceState`]: the `tracestate` header (§3.3);
//! - [`Baggage`]: the `baggage` header (<https://www.w3.org/TR/baggage/>);
//! - [`extract`]: a remote [`SpanContext`] from all the values of each header;
//! - [`ValueSource`] / [`ValueSink`]: the one carrier abstraction of every transport (every
//!   value of a key, insert), with [`Extract`] / [`Inject`] as its OpenTelemetry extractor
//!   and injector;
//! - [`Traced`] and [`envelope`]: the `_trace_context` map of messages without headers;
//! - [`StrictW3cPropagator`] (`traceparent` + `tracestate`) and [`StrictBaggagePropagator`]
//!   (`baggage`): OpenTelemetry [`TextMapPropagator`](opentelemetry::propagation::TextMapPropagator)s
//!   on top of these parsers; [`strict_w3c_propagators`] combines both.
//!
//! No parser panics, whatever the input: they work on bytes and are fuzzed
//! (`telemetry-runtime/fuzz`) and property-tested.
//!
//! # Decisions
//!
//! **traceparent**
//! - Only lower-case hex (`HEXDIGLC`) is valid: upper-case is rejected, not folded.
//! - Version `ff` is invalid. Version `00` must be exactly 55 characters. A higher version is
//!   read from its first 55 characters when the 56th is `-` or the value ends there; the rest
//!   is ignored (§3.2.4), and [`TraceParent::to_header`] writes version `00`.
//! - An all-zero trace-id or parent-id is invalid.
//! - Whitespace: spaces and tabs (HTTP `OWS`) around the value are trimmed, because an HTTP
//!   field value's leading and trailing whitespace is not part of it (RFC 9110 §5.5) and the
//!   W3C test suite sends such values; any other whitespace (CR, LF, Unicode spaces), and
//!   whitespace inside the value, makes it invalid.
//! - More than one `traceparent` value in a carrier is invalid: a new trace starts.
//! - `trace-flags`: `sampled` (bit 0) and the Level 2 `random` flag (bit 1, which
//!   §3.2.2.5.2 requires to be kept for the same trace-id) survive extract → inject. The 6
//!   reserved bits are cleared, as §3.2.2.5.3 says vendors MUST
//!   ([`TraceFlagsPolicy::KnownOnly`], the default); [`TraceFlagsPolicy::Preserve`] keeps
//!   all 8 bits for a proxy that forwards what it does not understand. The parsers themselves
//!   ([`TraceParent::parse`], [`extract`]) keep all 8 bits as received.
//! - Every span this process starts carries the `random` flag of its trace (§3.2.2.5.2): its
//!   parent's when it continues a trace (sampled or not), set when it starts one (the trace
//!   ids this process generates are random). So every outgoing `traceparent` of the same
//!   trace-id has the flag as it came in: HTTP calls, CloudEvents creation contexts, message
//!   headers, child processes. Exported spans carry it in their OTLP flags.
//!
//! **tracestate**
//! - Read only with a valid `traceparent` (§3.3); an invalid `tracestate` never affects the
//!   `traceparent`.
//! - Multiple values are combined in order with `,`. OWS around list-members and empty
//!   list-members are ignored; an empty `tracestate` is no trace state.
//! - More than 32 list-members or any invalid list-member discards the **whole** `tracestate`
//!   (§3.3.2 grammar and limits; the processing model's "MAY discard the entire header",
//!   Level 2 §4.1.2). The key and value grammar is on [`TraceState::is_valid_key`] (Level 2:
//!   `@` anywhere after the first character, up to 256 characters) and
//!   [`TraceState::is_valid_value`].
//! - A repeated key keeps its first (left-most) entry and the rest of the header is
//!   forwarded ("Vendors MAY also discard duplicate keys"); a key is never added twice.
//! - Keys the grammar allows but OpenTelemetry's `TraceState` refuses (more than 13
//!   characters after an `@`, or several `@`) are still forwarded: the received header is
//!   kept in the context and sent on as it came while the trace state is unchanged.
//!
//! **baggage**
//! - Invalid list-members are skipped, valid ones kept; values are percent-decoded; at most
//!   180 list-members and 8192 bytes are kept. See [`Baggage`].

mod baggage;
mod carrier;
pub mod envelope;
pub(crate) mod process_parent;
mod propagator;
pub(crate) mod random_flag;
pub(crate) use propagator::with_received_trace_state;
mod traceparent;
mod tracestate;

#[cfg(test)]
mod proptests;

use opentelemetry::propagation::Extractor;
use opentelemetry::trace::SpanContext;

pub use baggage::{
    Baggage, BaggageError, BaggageMember, BaggageProperty, MAX_BYTES as BAGGAGE_MAX_BYTES,
    MAX_MEMBERS as BAGGAGE_MAX_MEMBERS,
};
pub use carrier::{Carrier, Extract, Inject, NotText, ValueSink, ValueSource};
pub use envelope::{TRACE_CONTEXT_KEY, TraceContextMap, Traced};
pub use propagator::{
    CarrierPropagator, StrictBaggagePropagator, StrictW3cPropagator, TraceFlagsPolicy,
    forwards_baggage, set_forward_baggage, strict_w3c_propagators,
};
pub use traceparent::{TRACEPARENT_LEN, TraceContextError, TraceParent};
pub use tracestate::{
    MAX_KEY_LEN as TRACESTATE_MAX_KEY_LEN, MAX_MEMBERS as TRACESTATE_MAX_MEMBERS,
    MAX_VALUE_LEN as TRACESTATE_MAX_VALUE_LEN, TraceState, TraceStateError,
};

/// The `traceparent` header name (lower case, as it is sent).
pub const TRACEPARENT_HEADER: &str = "traceparent";
/// The `tracestate` header name (lower case, as it is sent).
pub const TRACESTATE_HEADER: &str = "tracestate";
/// The `baggage` header name (lower case, as it is sent).
pub const BAGGAGE_HEADER: &str = "baggage";

/// The remote span context carried by a request, from `values(name)`: all the values the
/// carrier has for the header `name` (it is called with [`TRACEPARENT_HEADER`] and
/// [`TRACESTATE_HEADER`]; header names are case-insensitive, so match them that way).
///
/// `None` (start a new trace) unless there is exactly one valid `traceparent`. The
/// `tracestate` values are then combined in order; if the result is invalid it is dropped
/// and the span context has an empty trace state. Flags are kept as received, all 8 bits.
///
/// ```
/// use telemetry_runtime::propagation::extract;
///
/// let headers = [
///     ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"),
///     ("tracestate", "rojo=00f067aa0ba902b7"),
///     ("tracestate", "congo=t61rcWkgMzE"),
/// ];
/// let span_context = extract(|name| {
///     headers
///         .iter()
///         .filter(|(n, _)| n.eq_ignore_ascii_case(name))
///         .map(|(_, v)| v.to_string())
///         .collect()
/// })
/// .unwrap();
/// assert!(span_context.is_remote());
/// assert_eq!(span_context.trace_flags().to_u8(), 0x03); // sampled + random
/// assert_eq!(
///     span_context.trace_state().header(),
///     "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
/// );
/// ```
pub fn extract(values: impl Fn(&str) -> Vec<String>) -> Option<SpanContext> {
    let traceparent = TraceParent::parse_values(values(TRACEPARENT_HEADER)).ok()?;
    let trace_state = TraceState::parse_values(values(TRACESTATE_HEADER)).unwrap_or_default();
    Some(traceparent.to_span_context(trace_state.to_otel()))
}

/// [`extract`] from an OpenTelemetry [`Extractor`], through [`Extractor::get_all`] (whose
/// default implementation yields at most one value per header).
pub fn extract_from(extractor: &dyn Extractor) -> Option<SpanContext> {
    StrictW3cPropagator::new().extract_span_context(extractor)
}

/// Trims HTTP optional whitespace (`OWS = *( SP / HTAB )`) at both ends.
fn trim_ows(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}
