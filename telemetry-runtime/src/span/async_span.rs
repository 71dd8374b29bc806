//! [`AsyncSpan`]: the span of an instrumented `async fn`, on the heap while it records, so
//! that the fn's future is only a pointer larger when nothing is installed.

use std::ops::Deref;

use super::core::SpanCore;

/// The span an instrumented `async fn` holds across its `.await`s: nothing (a null pointer)
/// when no tracer was installed at its start, else its [`SpanCore`] in a box. A span's state
/// is some 600 bytes, which every future holding it inline would carry even when telemetry is
/// off; boxed, that is one allocation per recorded span instead.
#[derive(Debug, Default)]
pub struct AsyncSpan(Option<Box<SpanCore>>);

/// What a span that is not recorded reads as.
static DISABLED: SpanCore = SpanCore::disabled();

impl AsyncSpan {
    /// A span that records nothing.
    #[inline(always)]
    pub const fn disabled() -> Self {
        AsyncSpan(None)
    }

    /// The span to start: boxed here, started in place by the caller.
    #[inline]
    pub fn enable(&mut self) -> &mut SpanCore {
        self.0.insert(Box::new(SpanCore::disabled()))
    }

    /// Ends the span now (see [`SpanCore::finish`]).
    #[inline]
    pub fn finish(&mut self) {
        if let Some(span) = &mut self.0 {
            span.finish();
        }
    }
}

impl Deref for AsyncSpan {
    type Target = SpanCore;

    #[inline]
    fn deref(&self) -> &SpanCore {
        self.0.as_deref().unwrap_or(&DISABLED)
    }
}

/// A span the generated code hands to a return value that keeps it open ([`KeepOpen`]).
///
/// [`KeepOpen`]: super::KeepOpen
#[doc(hidden)]
pub trait TakeSpan {
    /// The span, leaving a disabled one in its place.
    fn take_span(&mut self) -> SpanCore;
}

impl TakeSpan for SpanCore {
    #[inline]
    fn take_span(&mut self) -> SpanCore {
        std::mem::replace(self, SpanCore::disabled())
    }
}

impl TakeSpan for AsyncSpan {
    #[inline]
    fn take_span(&mut self) -> SpanCore {
        self.0.take().map_or_else(SpanCore::disabled, |span| *span)
    }
}
