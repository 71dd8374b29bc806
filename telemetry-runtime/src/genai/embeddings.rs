//! [`EmbeddingsOutcome`]: what an embeddings call's return value says about its span.

use opentelemetry::Value;

use crate::span::SpanCore;

/// The outcome of an `embeddings` call: recorded on its span when the function's return value
/// (or its `Ok` value) implements it. Unlike the inference kinds' [`GenerationOutcome`],
/// nothing requires it: an embeddings fn may return any type, and one that implements this
/// trait adds `gen_ai.usage.input_tokens`, `gen_ai.response.model` and
/// `gen_ai.embeddings.dimension.count` to its span.
///
/// Implemented for async-openai's `CreateEmbeddingResponse` (feature `async-openai`) and for
/// an embedding vector (`Vec<f32>`, `Vec<f64>`: its dimension count) and a batch of them.
///
/// [`GenerationOutcome`]: crate::genai::GenerationOutcome
///
/// ```
/// use telemetry_runtime::genai::EmbeddingsOutcome;
///
/// struct Embedded { vectors: Vec<Vec<f32>>, tokens: u32, model: String }
///
/// impl EmbeddingsOutcome for Embedded {
///     fn input_tokens(&self) -> Option<u64> { Some(self.tokens.into()) }
///     fn response_model(&self) -> Option<&str> { Some(&self.model) }
///     fn dimension_count(&self) -> Option<u64> { self.vectors.first().map(|v| v.len() as u64) }
/// }
/// ```
pub trait EmbeddingsOutcome {
    /// `gen_ai.usage.input_tokens`: the tokens of the embedded input.
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    /// `gen_ai.response.model`: the model that answered.
    fn response_model(&self) -> Option<&str> {
        None
    }
    /// `gen_ai.embeddings.dimension.count`: the length of each vector.
    fn dimension_count(&self) -> Option<u64> {
        None
    }

    /// Records all of the above on the span, but for the keys in `given` (set by the
    /// function's arguments, which win). Called by the generated code.
    #[doc(hidden)]
    fn record_outcome(&self, span: &SpanCore, given: &[&str]) {
        let int = |v: u64| Value::I64(i64::try_from(v).unwrap_or(i64::MAX));
        let set = |key: &'static str, value: Option<Value>| {
            if value.is_some() && !given.contains(&key) {
                span.set(key, value);
            }
        };
        set("gen_ai.usage.input_tokens", self.input_tokens().map(int));
        set(
            "gen_ai.response.model",
            self.response_model().map(|m| Value::from(m.to_owned())),
        );
        set(
            "gen_ai.embeddings.dimension.count",
            self.dimension_count().map(int),
        );
    }
}

impl<T: EmbeddingsOutcome + ?Sized> EmbeddingsOutcome for &T {
    fn input_tokens(&self) -> Option<u64> {
        (**self).input_tokens()
    }
    fn response_model(&self) -> Option<&str> {
        (**self).response_model()
    }
    fn dimension_count(&self) -> Option<u64> {
        (**self).dimension_count()
    }
}

/// One vector: its length is the dimension count.
macro_rules! vectors {
    ($($t:ty),*) => {$(
        impl EmbeddingsOutcome for Vec<$t> {
            fn dimension_count(&self) -> Option<u64> {
                (!self.is_empty()).then_some(self.len() as u64)
            }
        }
        impl EmbeddingsOutcome for Vec<Vec<$t>> {
            fn dimension_count(&self) -> Option<u64> {
                self.first().and_then(EmbeddingsOutcome::dimension_count)
            }
        }
    )*};
}
vectors!(f32, f64);
