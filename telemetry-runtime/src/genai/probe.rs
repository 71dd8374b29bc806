//! Outcome traits a built-in kind records when the return value implements them, and skips
//! (no compile error) when it does not: autoref specialisation at the instrumented fn, where
//! the return type is concrete. One module per trait, each with the same three names, which
//! the generated code uses.

/// [`EmbeddingsOutcome`](crate::genai::EmbeddingsOutcome), for the `embeddings` kind.
#[doc(hidden)]
pub mod embeddings {
    use crate::genai::EmbeddingsOutcome;
    use crate::span::SpanCore;

    /// The return value (or its `Ok` value), probed. `given` lists the attribute keys the
    /// function's arguments set, which the outcome leaves alone.
    pub struct Probe<'a, T: ?Sized>(pub &'a T);

    /// Chosen when the value implements the trait.
    pub trait Specific {
        fn record_probe(&self, span: &SpanCore, given: &[&str]);
    }

    impl<T: EmbeddingsOutcome + ?Sized> Specific for Probe<'_, T> {
        #[inline]
        fn record_probe(&self, span: &SpanCore, given: &[&str]) {
            self.0.record_outcome(span, given);
        }
    }

    /// Chosen otherwise: nothing to record.
    pub trait Fallback {
        fn record_probe(&self, span: &SpanCore, given: &[&str]);
    }

    impl<T: ?Sized> Fallback for &Probe<'_, T> {
        #[inline]
        fn record_probe(&self, _span: &SpanCore, _given: &[&str]) {}
    }
}
