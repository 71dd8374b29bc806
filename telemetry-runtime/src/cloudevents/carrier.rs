//! Injecting and extracting the trace context through any carrier, with the strict W3C
//! propagators (traceparent, tracestate, baggage), whether or not `init()` installed them as
//! the global propagator.

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};

use crate::propagation::{Inject, strict_w3c_propagators};

/// Writes `cx`'s span context into `carrier` (`traceparent`, `tracestate`), and its baggage
/// (`baggage`) when [`forwards_baggage`](crate::propagation::forwards_baggage). Nothing is
/// written for a context without a valid span context or baggage.
pub fn inject_context(cx: &Context, carrier: &mut dyn Injector) {
    crate::propagation::CarrierPropagator::new().inject_context(cx, carrier);
}

/// The context in `carrier`, on top of the current one: a remote parent when the carrier
/// has exactly one valid `traceparent`, its baggage when it has valid members. Invalid values
/// are ignored per the W3C rules.
pub fn extract_context(carrier: &dyn Extractor) -> Context {
    strict_w3c_propagators().extract(carrier)
}

/// Writes `cx`'s span context and baggage into HTTP headers (replacing values there): the
/// transport's context of an event sent over HTTP, beside the event's own `ce-traceparent`
/// (binary mode) or `traceparent` attribute (structured mode).
pub fn inject_http_headers(cx: &Context, headers: &mut http::HeaderMap) {
    inject_context(cx, &mut Inject(headers));
}
