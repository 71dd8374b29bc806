//! Running the body of a synchronous `#[llm_span]` fn: the generated code calls the body
//! itself when nothing records, and [`run_sync`] when a tracer is installed.

use super::core::SpanCore;

/// Gives the body closure of a sync fn its signature: it receives the span to start (`None`
/// when nothing records), and is `FnOnce`, so that it may return a borrow of what it captured
/// (`&mut self.field` from a `&mut self` method).
#[doc(hidden)]
#[inline(always)]
pub fn sync_body<R, F>(body: F) -> F
where
    F: FnOnce(Option<&mut SpanCore>) -> R,
{
    body
}

/// Runs `body` with a span it starts, then records what it returned and ends the span.
/// Kept out of line, so that the instrumented fn holds no span state when nothing records.
#[doc(hidden)]
#[inline(never)]
pub fn run_sync<R>(
    body: impl FnOnce(Option<&mut SpanCore>) -> R,
    record: impl FnOnce(&R, &SpanCore),
) -> R {
    let mut span = SpanCore::disabled();
    let ret = body(Some(&mut span));
    record(&ret, &span);
    span.finish();
    ret
}
