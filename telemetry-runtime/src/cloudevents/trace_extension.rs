//! The CloudEvents Distributed Tracing extension: `traceparent` and `tracestate` extension
//! attributes holding the event's creation context, read and written with the strict W3C
//! parsers.

use ::cloudevents::Event;
use opentelemetry::Context;
use opentelemetry::propagation::{Injector, TextMapPropagator as _};
use opentelemetry::trace::{SpanContext, TraceContextExt as _};

use crate::propagation::{Extract, Inject, StrictW3cPropagator};
use crate::scope::{ExtensionSink, ExtensionSource};

/// The extension attribute holding the creation context's `traceparent`.
pub const TRACEPARENT_EXTENSION: &str = "traceparent";
/// The extension attribute holding the creation context's `tracestate`.
pub const TRACESTATE_EXTENSION: &str = "tracestate";

/// The creation context of `event`: its Distributed Tracing extension, parsed strictly (an
/// invalid `traceparent` is none; an invalid `tracestate` is dropped, the `traceparent` kept).
/// The span context is remote; reserved trace-flag bits are cleared.
///
/// ```
/// use telemetry_runtime::cloudevents::{Event, creation_context};
/// use cloudevents::{EventBuilder, EventBuilderV10};
///
/// let event: Event = EventBuilderV10::new()
///     .id("1")
///     .source("urn:test")
///     .ty("order.created")
///     .extension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
///     .build()
///     .unwrap();
/// let cx = creation_context(&event).unwrap();
/// assert_eq!(cx.trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// ```
pub fn creation_context(event: &Event) -> Option<SpanContext> {
    StrictW3cPropagator::new().extract_span_context(&Extract(event as &dyn ExtensionSource))
}

/// Writes `span_context` as the event's creation context, unless the event already has a
/// valid one: the creation context is set once, by the first producer, and kept across hops.
/// An invalid `traceparent` already there is replaced (it is no context), and with it any
/// `tracestate`. Returns whether the extension was written.
pub fn set_creation_context(event: &mut Event, span_context: &SpanContext) -> bool {
    if creation_context(event).is_some() || !span_context.is_valid() {
        return false;
    }
    event.remove_extension(TRACESTATE_EXTENSION);
    write_creation_context(span_context, &mut Inject(event as &mut dyn ExtensionSink))
}

/// Writes `span_context` as `traceparent` / `tracestate` through `carrier`, with the strict
/// propagator's rules (reserved flag bits cleared, no `tracestate` when empty). Returns
/// whether there was a valid context to write.
pub(super) fn write_creation_context(
    span_context: &SpanContext,
    carrier: &mut dyn Injector,
) -> bool {
    if !span_context.is_valid() {
        return false;
    }
    let cx = Context::new().with_remote_span_context(span_context.clone());
    StrictW3cPropagator::new().inject_context(&cx, carrier);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::cloudevents::{EventBuilder, EventBuilderV10};
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState as OtelTraceState};

    const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn event() -> Event {
        EventBuilderV10::new()
            .id("1")
            .source("urn:test")
            .ty("t")
            .build()
            .unwrap()
    }

    fn local(trace: u128, span: u64) -> SpanContext {
        SpanContext::new(
            TraceId::from(trace),
            SpanId::from(span),
            TraceFlags::SAMPLED,
            false,
            OtelTraceState::from_key_value([("vendor", "v1")]).unwrap(),
        )
    }

    #[test]
    fn written_once_and_kept_across_hops() {
        let mut e = event();
        assert!(set_creation_context(&mut e, &local(7, 9)));
        let first = creation_context(&e).unwrap();
        assert_eq!(first.trace_id(), TraceId::from(7u128));
        assert_eq!(first.span_id(), SpanId::from(9u64));
        assert!(first.is_remote());
        assert_eq!(first.trace_state().header(), "vendor=v1");
        // A second producer does not overwrite it.
        assert!(!set_creation_context(&mut e, &local(8, 10)));
        assert_eq!(creation_context(&e).unwrap().span_id(), SpanId::from(9u64));
    }

    #[test]
    fn hostile_values_are_no_context_and_get_replaced() {
        for bad in [
            "",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",
            &"9".repeat(100_000),
        ] {
            let mut e = event();
            e.set_extension(TRACEPARENT_EXTENSION, bad);
            e.set_extension(TRACESTATE_EXTENSION, "a=b");
            assert!(creation_context(&e).is_none(), "{bad:?}");
            assert!(set_creation_context(&mut e, &local(7, 9)));
            assert_eq!(
                creation_context(&e).unwrap().trace_id(),
                TraceId::from(7u128)
            );
            assert_eq!(
                e.extension(TRACESTATE_EXTENSION)
                    .map(ToString::to_string)
                    .as_deref(),
                Some("vendor=v1")
            );
        }
        // A non-string extension value is no context either.
        let mut e = event();
        e.set_extension(TRACEPARENT_EXTENSION, 42i64);
        assert!(creation_context(&e).is_none());
    }

    #[test]
    fn an_invalid_tracestate_is_dropped_and_the_traceparent_kept() {
        let mut e = event();
        e.set_extension(TRACEPARENT_EXTENSION, TP);
        e.set_extension(TRACESTATE_EXTENSION, "not a list member,=,");
        let cx = creation_context(&e).unwrap();
        assert_eq!(cx.span_id().to_string(), "00f067aa0ba902b7");
        assert_eq!(cx.trace_state().header(), "");
    }

    #[test]
    fn reserved_flag_bits_are_cleared() {
        let mut e = event();
        e.set_extension(
            TRACEPARENT_EXTENSION,
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
        );
        assert_eq!(creation_context(&e).unwrap().trace_flags().to_u8(), 0x03);
    }
}
