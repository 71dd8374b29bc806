//! async-openai's chat completion stream as [`KeepOpen`]: the `chat` span stays open until
//! the stream ends, with the chunk count, the time to the first chunk, the usage of the final
//! chunk (when the request asked for it with `stream_options.include_usage`), the finish
//! reasons, the response id and model, and (with content capture on) the streamed text and
//! tool calls as `gen_ai.output.messages`; dropped early, the span ends as cancelled.

use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionResponseStream, CompletionUsage, CreateChatCompletionStreamResponse,
};
use futures_core::Stream;

use super::content::arguments;
use super::outcome::{cached, finish_reason, reasoning};
use crate::genai::GenerationOutcome;
use crate::genai::content::{OutputMessage, Part};
use crate::redaction::content_policy::{max_bytes, spans_carry_content};
use crate::span::{ErrorType, KeepOpen, SpanCore};

/// Most choices, and tool calls per choice, whose content a stream keeps: indexes come from
/// the provider.
const MAX_STREAMED_ITEMS: usize = 128;

/// What the chunks said about the response, recorded when the stream ends.
#[derive(Default)]
struct Collected {
    id: Option<String>,
    model: Option<String>,
    finish_reasons: Vec<&'static str>,
    usage: Option<CompletionUsage>,
    /// The content of each choice, by index: kept only when content capture lets content
    /// into spans (`None` otherwise), for `gen_ai.output.messages`.
    choices: Option<Vec<StreamedChoice>>,
}

/// One choice's content, assembled from its deltas, each text at most the capture limit.
struct StreamedChoice {
    text: String,
    finish_reason: &'static str,
    tool_calls: Vec<StreamedToolCall>,
}

/// A tool call, assembled from its deltas: the id and name come once, the arguments in
/// pieces.
#[derive(Default)]
struct StreamedToolCall {
    id: String,
    name: String,
    arguments: String,
}

/// `piece` appended to `text` while `text` stays within `max` bytes (cut on a character
/// boundary): a long answer costs the capture limit, not its length.
fn push_bounded(text: &mut String, piece: &str, max: usize) {
    let room = max.saturating_sub(text.len());
    if piece.len() <= room {
        text.push_str(piece);
    } else {
        let mut end = room;
        while !piece.is_char_boundary(end) {
            end -= 1;
        }
        text.push_str(&piece[..end]);
    }
}

/// The entry `index` of `items`, created when it is the next one; `None` for an index that
/// skips ahead or goes past [`MAX_STREAMED_ITEMS`].
fn entry<T>(items: &mut Vec<T>, index: u32, new: impl FnOnce() -> T) -> Option<&mut T> {
    let index = usize::try_from(index).ok()?;
    if index == items.len() && index < MAX_STREAMED_ITEMS {
        items.push(new());
    }
    items.get_mut(index)
}

impl Collected {
    fn new() -> Self {
        Collected {
            choices: spans_carry_content().then(Vec::new),
            ..Collected::default()
        }
    }

    fn add(&mut self, chunk: &CreateChatCompletionStreamResponse) {
        if self.id.is_none() {
            self.id = Some(chunk.id.clone());
            self.model = Some(chunk.model.clone());
        }
        let reasons = chunk.choices.iter().filter_map(|c| c.finish_reason);
        self.finish_reasons.extend(reasons.map(finish_reason));
        if let Some(usage) = &chunk.usage {
            self.usage = Some(usage.clone());
        }
        let Some(choices) = &mut self.choices else {
            return;
        };
        let max = max_bytes();
        for choice in &chunk.choices {
            let Some(streamed) = entry(choices, choice.index, || StreamedChoice {
                text: String::new(),
                finish_reason: "stop",
                tool_calls: Vec::new(),
            }) else {
                continue;
            };
            if let Some(delta) = &choice.delta.content {
                push_bounded(&mut streamed.text, delta, max);
            }
            if let Some(finish) = choice.finish_reason {
                streamed.finish_reason = finish_reason(finish);
            }
            for call in choice.delta.tool_calls.iter().flatten() {
                let Some(assembled) = entry(&mut streamed.tool_calls, call.index, Default::default)
                else {
                    continue;
                };
                if let Some(id) = &call.id {
                    push_bounded(&mut assembled.id, id, max);
                }
                if let Some(function) = &call.function {
                    if let Some(name) = &function.name {
                        push_bounded(&mut assembled.name, name, max);
                    }
                    if let Some(arguments) = &function.arguments {
                        push_bounded(&mut assembled.arguments, arguments, max);
                    }
                }
            }
        }
    }
}

impl GenerationOutcome for Collected {
    fn input_tokens(&self) -> Option<u64> {
        self.usage.as_ref().map(|u| u64::from(u.prompt_tokens))
    }
    fn output_tokens(&self) -> Option<u64> {
        self.usage.as_ref().map(|u| u64::from(u.completion_tokens))
    }
    fn cache_read_input_tokens(&self) -> Option<u64> {
        cached(self.usage.as_ref())
    }
    fn reasoning_output_tokens(&self) -> Option<u64> {
        reasoning(self.usage.as_ref())
    }
    fn finish_reasons(&self) -> Vec<&str> {
        self.finish_reasons.clone()
    }
    fn response_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn response_model(&self) -> Option<&str> {
        self.model.as_deref()
    }
    fn output_messages(&self) -> Vec<OutputMessage> {
        (self.choices.iter().flatten())
            .map(|choice| {
                let mut parts = Vec::with_capacity(1 + choice.tool_calls.len());
                if !choice.text.is_empty() || choice.tool_calls.is_empty() {
                    parts.push(Part::text(choice.text.clone()));
                }
                parts.extend(choice.tool_calls.iter().map(|call| {
                    Part::tool_call(
                        call.id.clone(),
                        call.name.clone(),
                        arguments(&call.arguments),
                    )
                }));
                OutputMessage::new("assistant", parts, choice.finish_reason)
            })
            .collect()
    }
}

/// What a kept-open stream learns from its items, recorded on the span when it ends.
pub(super) trait StreamOutcome<T>: Send + 'static {
    /// One item of the stream (the span, for what an item itself says failed).
    fn add(&mut self, item: &T, span: &SpanCore);
    /// Records what was learned, as the stream ends.
    fn record(&self, span: &SpanCore);
}

/// An async-openai stream (`Result<T, OpenAIError>` items), with the span it keeps open:
/// each item a chunk, an error recorded, the outcome when it ends; dropped early, the span
/// ends as cancelled.
pub(super) struct KeptOpen<T, O> {
    inner: Pin<Box<dyn Stream<Item = Result<T, OpenAIError>> + Send>>,
    span: SpanCore,
    outcome: O,
    done: bool,
}

impl<T: 'static, O: StreamOutcome<T>> KeptOpen<T, O> {
    /// `inner`, holding `span` until it ends (as it is when the span records nothing).
    pub(super) fn wrap(
        inner: Pin<Box<dyn Stream<Item = Result<T, OpenAIError>> + Send>>,
        span: SpanCore,
        outcome: O,
    ) -> Pin<Box<dyn Stream<Item = Result<T, OpenAIError>> + Send>> {
        if !span.is_active() {
            return inner;
        }
        Box::pin(KeptOpen {
            inner,
            span,
            outcome,
            done: false,
        })
    }
}

// Nothing of it is pinned in place: the inner stream is boxed, the rest moves freely.
impl<T, O> Unpin for KeptOpen<T, O> {}

impl<T, O: StreamOutcome<T>> Stream for KeptOpen<T, O> {
    type Item = Result<T, OpenAIError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        let polled = {
            // Whatever the inner stream logs or calls is inside the span.
            let _entered = this.span.enter();
            this.inner.as_mut().poll_next(cx)
        };
        match &polled {
            Poll::Ready(Some(Ok(item))) => {
                this.span.chunk(0);
                this.outcome.add(item, &this.span);
            }
            Poll::Ready(Some(Err(error))) => {
                this.span
                    .record_error(error.error_type(), error.safe_message(), None);
            }
            Poll::Ready(None) => {
                this.done = true;
                this.outcome.record(&this.span);
                this.span.finish();
            }
            Poll::Pending => {}
        }
        polled
    }
}

impl StreamOutcome<CreateChatCompletionStreamResponse> for Collected {
    fn add(&mut self, chunk: &CreateChatCompletionStreamResponse, _span: &SpanCore) {
        Collected::add(self, chunk);
    }
    fn record(&self, span: &SpanCore) {
        self.record_outcome(span);
    }
}

impl KeepOpen for ChatCompletionResponseStream {
    fn keep_open(self, span: SpanCore) -> Self {
        KeptOpen::wrap(self, span, Collected::new())
    }
}

/// The stream reports its outcome when it ends ([`KeepOpen`]), not when it is returned.
impl GenerationOutcome for ChatCompletionResponseStream {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::genai::content::ContentValue;
    use crate::genai::content::schemas::validator;

    fn chunk(choices: Value) -> CreateChatCompletionStreamResponse {
        serde_json::from_value(json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
            "model": "gpt-4o", "choices": choices
        }))
        .unwrap()
    }

    fn capturing() -> Collected {
        Collected {
            choices: Some(Vec::new()),
            ..Collected::default()
        }
    }

    #[test]
    fn streamed_tool_calls_are_assembled_from_their_deltas() {
        let mut collected = capturing();
        for choices in [
            json!([{"index": 0, "delta": {"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
            ]}}]),
            json!([{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}}]),
            json!([{"index": 0, "delta": {"tool_calls": [
                {"index": 0, "function": {"arguments": "\"Paris\"}"}},
                {"index": 1, "id": "call_2", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
            ]}}]),
            // An index that skips ahead is not a call of this stream.
            json!([{"index": 0, "delta": {"tool_calls": [{"index": 7, "id": "x", "function": {"name": "n"}}]}}]),
            json!([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]),
        ] {
            collected.add(&chunk(choices));
        }
        let messages = collected.output_messages();
        let json: Value =
            serde_json::from_str(&messages.as_slice().to_content_json(1 << 20)).unwrap();
        assert_eq!(
            json,
            json!([{"role": "assistant", "finish_reason": "tool_calls", "parts": [
                {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}},
                {"type": "tool_call", "id": "call_2", "name": "get_time", "arguments": {}}
            ]}])
        );
        let errors: Vec<String> = validator("gen-ai-output-messages.json")
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn streamed_text_and_hostile_indexes_stay_bounded() {
        let mut collected = capturing();
        let long = "é".repeat(crate::config::DEFAULT_MAX_CONTENT_BYTES);
        for _ in 0..3 {
            collected.add(&chunk(json!([{"index": 0, "delta": {"content": long}}])));
        }
        // Choices arrive one index after another; a provider counting up forever is cut.
        for index in 1..1000 {
            collected.add(&chunk(json!([{"index": index, "delta": {"content": "x"}}])));
        }
        let choices = collected.choices.as_ref().unwrap();
        assert_eq!(choices.len(), MAX_STREAMED_ITEMS);
        assert!(choices[0].text.len() <= max_bytes());
        assert!(
            choices[0].text.len() + 2 > max_bytes(),
            "cut on a character boundary"
        );
        assert!(!collected.output_messages().is_empty());
    }
}
