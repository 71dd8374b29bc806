//! async-openai's chat completion stream as [`KeepOpen`]: the `chat` span stays open until
//! the stream ends, with the chunk count, the time to the first chunk, the usage of the final
//! chunk (when the request asked for it with `stream_options.include_usage`), the finish
//! reasons, the response id and model; dropped early, the span ends as cancelled.

use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionResponseStream, CompletionUsage, CreateChatCompletionStreamResponse,
};
use futures_core::Stream;

use super::outcome::{cached, finish_reason, reasoning};
use crate::genai::GenerationOutcome;
use crate::genai::content::OutputMessage;
use crate::redaction::content_policy::spans_carry_content;
use crate::span::{ErrorType, KeepOpen, SpanCore};

/// What the chunks said about the response, recorded when the stream ends.
#[derive(Default)]
struct Collected {
    id: Option<String>,
    model: Option<String>,
    finish_reasons: Vec<&'static str>,
    usage: Option<CompletionUsage>,
    /// The text of each choice, by index: kept only when content capture lets content into
    /// spans (`None` otherwise), for `gen_ai.output.messages`.
    texts: Option<Vec<(String, &'static str)>>,
}

impl Collected {
    fn new() -> Self {
        Collected {
            texts: spans_carry_content().then(Vec::new),
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
        if let Some(texts) = &mut self.texts {
            for choice in &chunk.choices {
                let Ok(index) = usize::try_from(choice.index) else {
                    continue;
                };
                // Indexes come from the provider: at most one entry per choice seen so far.
                if index > texts.len() {
                    continue;
                }
                if index == texts.len() {
                    texts.push((String::new(), "stop"));
                }
                let (text, reason) = &mut texts[index];
                if let Some(delta) = &choice.delta.content {
                    text.push_str(delta);
                }
                if let Some(finish) = choice.finish_reason {
                    *reason = finish_reason(finish);
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
        (self.texts.iter().flatten())
            .map(|(text, reason)| OutputMessage::assistant(text.clone(), *reason))
            .collect()
    }
}

/// The stream, with the span it keeps open.
struct ChatStream {
    inner: ChatCompletionResponseStream,
    span: SpanCore,
    collected: Collected,
    done: bool,
}

impl Stream for ChatStream {
    type Item = Result<CreateChatCompletionStreamResponse, OpenAIError>;

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
            Poll::Ready(Some(Ok(chunk))) => {
                this.span.chunk(0);
                this.collected.add(chunk);
            }
            Poll::Ready(Some(Err(error))) => {
                this.span
                    .record_error(error.error_type(), error.safe_message(), None);
            }
            Poll::Ready(None) => {
                this.done = true;
                this.collected.record_outcome(&this.span);
                this.span.finish();
            }
            Poll::Pending => {}
        }
        polled
    }
}

impl KeepOpen for ChatCompletionResponseStream {
    fn keep_open(self, span: SpanCore) -> Self {
        if !span.is_active() {
            return self;
        }
        Box::pin(ChatStream {
            inner: self,
            span,
            collected: Collected::new(),
            done: false,
        })
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
