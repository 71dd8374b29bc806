//! The built-in span contracts: the GenAI semantic-conventions operations and the LLM
//! serving pipeline, generated from `telemetry-vocabulary`'s table. Each type is used by
//! `#[llm_span(kind = "...")]`; its handle type is what `handle = name` gives the function
//! body.

telemetry_macros::__builtin_contracts!();

impl LlmDecodeHandle<'_> {
    /// One decode step: counted, and its duration folded into `llm.decode.mean_step_ms`
    /// and `llm.decode.max_step_ms`. No span per step, no allocation.
    #[inline]
    pub fn step(&self) {
        self.span().step();
    }

    /// One decode step with its own child span `llm.decode.step`, for when per-step spans
    /// are wanted: the step is counted like [`step`](Self::step) when the returned guard
    /// drops, and the child span ends then.
    pub fn step_span(&self) -> DecodeStep<'_> {
        DecodeStep {
            parent: self.span(),
            child: self.span().child("llm.decode.step"),
        }
    }
}

/// One decode step with its own span; see [`LlmDecodeHandle::step_span`].
#[derive(Debug)]
#[must_use = "the step ends when this guard drops"]
pub struct DecodeStep<'a> {
    parent: &'a crate::span::SpanCore,
    child: crate::span::SpanCore,
}

impl DecodeStep<'_> {
    /// Makes the step span current on this thread until the guard drops.
    pub fn enter(&self) -> Option<opentelemetry::ContextGuard> {
        self.child.enter()
    }
}

impl Drop for DecodeStep<'_> {
    fn drop(&mut self) {
        self.child.end();
        self.parent.step();
    }
}
