//! The process parent: the context this process inherited from its parent process
//! (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`, read by `init()` through `process`), kept for the
//! rest of the process as the parent of its root spans.

use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, SpanKind, TraceContextExt};

use crate::global_slot::GlobalSlot;

struct Inherited {
    /// The remote parent (if valid) and the baggage.
    cx: Context,
    /// The remote parent, when `TRACEPARENT` was valid.
    parent: Option<SpanContext>,
}

static INHERITED: GlobalSlot<Inherited> = GlobalSlot::new();

/// The context this process inherited from its environment at `init()`: the remote parent
/// span from `TRACEPARENT` (and `TRACESTATE`) and the baggage from `BAGGAGE`. `None` when
/// `init()` has not run, found nothing valid, or was told not to read them.
///
/// Spans need nothing from it (their parent is set already, see the
/// [`process` module documentation](crate::process)); it is for code that wants the inherited baggage, or that
/// passes the context on by hand.
pub fn inherited() -> Option<&'static Context> {
    INHERITED.get().map(|inherited| &inherited.cx)
}

/// The parent context a span of `kind` should start with when `cx` has no valid span and the
/// process inherited a parent; `None` to keep `cx`. For `process::CommandExt`, `kind` is
/// `None`.
#[inline]
pub(crate) fn parent_for(cx: &Context, kind: Option<&SpanKind>) -> Option<Context> {
    let inherited = INHERITED.get()?;
    let parent = under(inherited.parent.as_ref()?, cx, kind)?;
    // A `TRACESTATE` with members OpenTelemetry cannot hold is forwarded whole from here on.
    Some(crate::propagation::with_received_trace_state(
        &inherited.cx,
        parent,
    ))
}

/// `cx` with `parent` as its span when it has no valid span of its own and `kind` is not
/// SERVER or CONSUMER: a request or a message that arrives without a context of its own is
/// not work the parent process asked for, so it starts its own trace (and its own request
/// id) rather than every request joining the trace of the process's launcher.
pub(crate) fn under(
    parent: &SpanContext,
    cx: &Context,
    kind: Option<&SpanKind>,
) -> Option<Context> {
    if matches!(kind, Some(SpanKind::Server | SpanKind::Consumer))
        || cx.span().span_context().is_valid()
    {
        return None;
    }
    Some(cx.with_remote_span_context(parent.clone()))
}

/// Installs the inherited context for the rest of the process (`init()` does, once).
pub(crate) fn install(cx: Context) {
    let span_context = cx.span().span_context().clone();
    let parent = span_context.is_valid().then_some(span_context);
    INHERITED.install(Inherited { cx, parent });
}
