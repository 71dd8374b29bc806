//! The W3C Level 2 random-trace-id flag (`trace-flags` bit `0x02`, §3.2.2.5.2) on every span
//! this process starts: which flag a span started under a parent carries. The SDK span that
//! carries it is `span::flagged::FlaggedSpan`.
//!
//! "If the flag is set in the incoming `traceparent` header, it MUST also be set in all
//! outgoing `traceparent` headers which use the same `trace-id`", and the trace ids this
//! process generates are random, so traces it starts carry it. The SDK keeps a parent's
//! flags for a sampled child but not for a root span (flags start at zero) nor for a span the
//! sampler drops (flags reset): `FlaggedSpan` is the SDK span with its span context's
//! random bit set from its parent (or set, for a root), which is what children, carriers and
//! log records read. Exported root spans get the bit in `mark_exported_root`.

use opentelemetry::Context;
use opentelemetry::trace::TraceContextExt;

use super::TraceParent;

/// `trace-flags` with only the random bit.
pub(crate) const RANDOM: u8 = TraceParent::FLAG_RANDOM;

/// The random bit a span started under `parent` carries: its parent's, or set for a root.
#[inline]
pub(crate) fn inherited_random(parent: &Context) -> u8 {
    let parent = parent.span();
    let parent = parent.span_context();
    if parent.is_valid() {
        parent.trace_flags().to_u8() & RANDOM
    } else {
        RANDOM
    }
}
