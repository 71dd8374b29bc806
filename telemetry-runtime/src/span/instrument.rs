//! Futures and streams that run inside a contract span.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_core::Stream;
use opentelemetry::Context;

use super::core::SpanCore;

pin_project_lite::pin_project! {
    /// A future polled with its span's context attached, so spans and log lines created while
    /// it runs nest under the span. Never holds the context across an `.await` of its own.
    pub struct InSpan<F> {
        #[pin]
        inner: F,
        cx: Option<Context>,
    }
}

impl<F> InSpan<F> {
    /// Runs `inner` in `span`'s context (as is, when the span does not record).
    pub fn new(inner: F, span: &SpanCore) -> Self {
        InSpan {
            inner,
            cx: span.context(),
        }
    }
}

impl<F: Future> Future for InSpan<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _guard = this.cx.as_ref().map(|cx| cx.clone().attach());
        this.inner.poll(task)
    }
}

/// How many output tokens a streamed chunk carries, for `gen_ai.usage.output_tokens` of a
/// streaming span. Chunks that do not implement it count zero tokens.
pub trait ChunkTokens {
    /// Output tokens in this chunk.
    fn output_tokens(&self) -> u64;
}

impl<T: ChunkTokens> ChunkTokens for Option<T> {
    fn output_tokens(&self) -> u64 {
        self.as_ref().map_or(0, ChunkTokens::output_tokens)
    }
}

impl<T: ChunkTokens, E> ChunkTokens for Result<T, E> {
    fn output_tokens(&self) -> u64 {
        self.as_ref().map_or(0, ChunkTokens::output_tokens)
    }
}

/// Autoref probe the generated code uses to read [`ChunkTokens`] when implemented.
#[doc(hidden)]
pub struct TokenProbe<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
pub trait ViaChunkTokens {
    fn tokens_of(&self) -> u64;
}
impl<T: ChunkTokens + ?Sized> ViaChunkTokens for &TokenProbe<'_, T> {
    fn tokens_of(&self) -> u64 {
        self.0.output_tokens()
    }
}
#[doc(hidden)]
pub trait ViaNoTokens {
    fn tokens_of(&self) -> u64;
}
impl<T: ?Sized> ViaNoTokens for TokenProbe<'_, T> {
    fn tokens_of(&self) -> u64 {
        0
    }
}

pin_project_lite::pin_project! {
    /// A stream whose span stays open until it ends (span ended normally) or is dropped early
    /// (span ended as cancelled). Records the time to the first chunk, the chunk count and the
    /// output tokens; allocates nothing per chunk.
    pub struct SpanStream<S: Stream> {
        #[pin]
        inner: S,
        span: SpanCore,
        tokens: fn(&S::Item) -> u64,
        done: bool,
    }
}

impl<S: Stream> SpanStream<S> {
    /// Wraps `inner`; `tokens` tells the output tokens of one item.
    pub fn new(inner: S, span: SpanCore, tokens: fn(&S::Item) -> u64) -> Self {
        SpanStream {
            inner,
            span,
            tokens,
            done: false,
        }
    }
}

impl<S: Stream> Stream for SpanStream<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<S::Item>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let polled = {
            let _guard = this.span.enter();
            this.inner.poll_next(task)
        };
        match &polled {
            Poll::Ready(Some(item)) => this.span.chunk((this.tokens)(item)),
            Poll::Ready(None) => {
                *this.done = true;
                this.span.finish();
            }
            Poll::Pending => {}
        }
        polled
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
