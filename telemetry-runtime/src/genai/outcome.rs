//! What a generation's return value reports to its span.

use opentelemetry::{Array, StringValue, Value};

use crate::span::SpanCore;

/// The outcome a `chat`, `text_completion` or `generate_content` span needs from the value
/// the function returns (the `Ok` value of a `Result`): token usage, and optionally finish
/// reasons, response id and model.
///
/// ```
/// use telemetry_runtime::genai::GenerationOutcome;
///
/// struct ChatResponse { id: String, prompt_tokens: u32, completion_tokens: u32 }
///
/// impl GenerationOutcome for ChatResponse {
///     fn input_tokens(&self) -> Option<u64> { Some(self.prompt_tokens.into()) }
///     fn output_tokens(&self) -> Option<u64> { Some(self.completion_tokens.into()) }
///     fn response_id(&self) -> Option<&str> { Some(&self.id) }
///     fn finish_reasons(&self) -> Vec<&str> { vec!["stop"] }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not report the outcome of a GenAI generation span",
    label = "the value this function returns must implement `GenerationOutcome`",
    note = "implement `telemetry_runtime::genai::GenerationOutcome` for `{Self}`: it reports the usage tokens (and optionally finish reasons, response id and model) the span records",
    note = "for a type of another crate, return a type of your own that holds it, and implement the trait for that"
)]
pub trait GenerationOutcome {
    /// `gen_ai.usage.input_tokens`.
    fn input_tokens(&self) -> Option<u64>;
    /// `gen_ai.usage.output_tokens`.
    fn output_tokens(&self) -> Option<u64>;
    /// `gen_ai.response.finish_reasons`.
    fn finish_reasons(&self) -> Vec<&str> {
        Vec::new()
    }
    /// `gen_ai.response.id`.
    fn response_id(&self) -> Option<&str> {
        None
    }
    /// `gen_ai.response.model`.
    fn response_model(&self) -> Option<&str> {
        None
    }
    /// `gen_ai.usage.cache_read.input_tokens`: input tokens served from the provider's cache.
    fn cache_read_input_tokens(&self) -> Option<u64> {
        None
    }
    /// `gen_ai.usage.reasoning.output_tokens`: output tokens spent on reasoning.
    fn reasoning_output_tokens(&self) -> Option<u64> {
        None
    }
    /// `gen_ai.output.messages`: asked for only when content capture lets content into
    /// spans. None by default.
    fn output_messages(&self) -> Vec<crate::genai::content::OutputMessage> {
        Vec::new()
    }

    /// Records all of the above on the span. Called by the generated code.
    #[doc(hidden)]
    fn record_outcome(&self, span: &SpanCore) {
        let int = |v: u64| Some(Value::I64(i64::try_from(v).unwrap_or(i64::MAX)));
        if let Some(n) = self.input_tokens() {
            span.set("gen_ai.usage.input_tokens", int(n));
        }
        if let Some(n) = self.output_tokens() {
            span.set("gen_ai.usage.output_tokens", int(n));
        }
        if let Some(n) = self.cache_read_input_tokens() {
            span.set("gen_ai.usage.cache_read.input_tokens", int(n));
        }
        if let Some(n) = self.reasoning_output_tokens() {
            span.set("gen_ai.usage.reasoning.output_tokens", int(n));
        }
        if crate::redaction::content_policy::spans_carry_content() {
            let messages = self.output_messages();
            if !messages.is_empty()
                && let Some(json) = crate::genai::capture::for_span(messages.as_slice())
            {
                span.set("gen_ai.output.messages", Some(Value::from(json)));
            }
        }
        let reasons = self.finish_reasons();
        if !reasons.is_empty() {
            let reasons = reasons
                .into_iter()
                .map(|r| StringValue::from(r.to_owned()))
                .collect();
            span.set(
                "gen_ai.response.finish_reasons",
                Some(Value::Array(Array::String(reasons))),
            );
        }
        if let Some(id) = self.response_id() {
            span.set("gen_ai.response.id", Some(Value::from(id.to_owned())));
        }
        if let Some(model) = self.response_model() {
            span.set("gen_ai.response.model", Some(Value::from(model.to_owned())));
        }
    }
}

impl<T: GenerationOutcome + ?Sized> GenerationOutcome for &T {
    fn input_tokens(&self) -> Option<u64> {
        (**self).input_tokens()
    }
    fn output_tokens(&self) -> Option<u64> {
        (**self).output_tokens()
    }
    fn finish_reasons(&self) -> Vec<&str> {
        (**self).finish_reasons()
    }
    fn response_id(&self) -> Option<&str> {
        (**self).response_id()
    }
    fn response_model(&self) -> Option<&str> {
        (**self).response_model()
    }
    fn cache_read_input_tokens(&self) -> Option<u64> {
        (**self).cache_read_input_tokens()
    }
    fn reasoning_output_tokens(&self) -> Option<u64> {
        (**self).reasoning_output_tokens()
    }
    fn output_messages(&self) -> Vec<crate::genai::content::OutputMessage> {
        (**self).output_messages()
    }
}
