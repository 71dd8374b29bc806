//! The PRODUCER span of an event being created and sent.

use std::borrow::Cow;
use std::future::Future;

use ::cloudevents::{AttributesReader as _, Event};
use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt as _};
use opentelemetry::{Context, ContextGuard};

use super::messaging::Messaging;
use super::process::event_attributes;
use super::trace_extension::set_creation_context;
use crate::span::{InSpan, SpanCore};

/// A running PRODUCER span `CloudEvents Create {type}`; see [`start_producer`]. Ends on
/// [`end`](Self::end), or when dropped (then marked cancelled, or panicked when unwinding).
#[derive(Debug)]
#[must_use = "the span ends when this guard drops"]
pub struct ProducerSpan {
    core: SpanCore,
}

impl ProducerSpan {
    /// The context of the span: inject it into the transport's headers
    /// ([`inject_context`](super::inject_context)) so the send nests under it. `None` when
    /// telemetry is off.
    pub fn context(&self) -> Option<Context> {
        self.core.context()
    }

    /// Makes the span current on this thread until the guard drops.
    pub fn enter(&self) -> Option<ContextGuard> {
        self.core.enter()
    }

    /// Runs `future` with the span's context attached at each poll.
    pub fn in_span<F: Future>(&self, future: F) -> InSpan<F> {
        InSpan::new(future, &self.core)
    }

    /// Marks the send failed: status ERROR, `error.type` the error's type name (for example
    /// `Error` for `async_nats::Error`), an `exception` event. Its `Display` text is recorded
    /// only when content capture includes spans (see [`ErrorType`](crate::span::ErrorType)).
    pub fn record_error<E: std::fmt::Display + ?Sized>(&self, error: &E) {
        self.core.record_error(
            Cow::Borrowed(crate::span::short_type_name(std::any::type_name::<E>())),
            None,
            crate::redaction::span_error_message(&error),
        );
    }

    /// Ends the span.
    pub fn end(self) {
        self.core.end();
    }
}

/// Opens a PRODUCER span `CloudEvents Create {type}` under the current context and writes its
/// context into `event`'s Distributed Tracing extension, unless the event already has a
/// creation context (which is kept: it was created earlier, this is another hop). Send the
/// event inside the span, then [`end`](ProducerSpan::end) it.
///
/// ```
/// use cloudevents::{EventBuilder, EventBuilderV10};
/// use telemetry_runtime::cloudevents::{Messaging, start_producer};
///
/// let mut event = EventBuilderV10::new()
///     .id("42")
///     .source("urn:example:orders")
///     .ty("order.created")
///     .build()
///     .unwrap();
/// let span = start_producer(&mut event, Messaging::new().system("nats").destination("orders"));
/// // ... publish `event` here ...
/// span.end();
/// ```
pub fn start_producer(event: &mut Event, messaging: Messaging) -> ProducerSpan {
    if !crate::span::is_enabled() {
        return ProducerSpan {
            core: SpanCore::disabled(),
        };
    }
    let builder = SpanBuilder::from_name(format!("CloudEvents Create {}", event.ty()))
        .with_kind(SpanKind::Producer)
        .with_attributes(event_attributes(event, "create", &messaging));
    let core = SpanCore::start_built(builder, &Context::current());
    if let Some(cx) = core.context() {
        set_creation_context(event, cx.span().span_context());
    }
    ProducerSpan { core }
}

/// Sends `event` with `send` inside a PRODUCER span ([`start_producer`]): the span covers the
/// send, so transport headers injected inside it ([`inject_context`](super::inject_context)
/// with [`Context::current`]) name it as the parent; an `Err` marks it failed.
///
/// ```
/// use cloudevents::{EventBuilder, EventBuilderV10};
/// use telemetry_runtime::cloudevents::{Messaging, publish};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let event = EventBuilderV10::new().id("42").source("urn:shop").ty("order.created").build().unwrap();
/// let mut outbox = Vec::new(); // a queue client in real code
/// let sink = &mut outbox;
/// let messaging = Messaging::new().system("redis").destination("orders");
/// publish(event, messaging, |event| async move {
///     sink.push(serde_json::to_string(&event)?); // structured mode
///     Ok::<_, serde_json::Error>(())
/// })
/// .await
/// .unwrap();
/// assert_eq!(outbox.len(), 1);
/// # });
/// ```
pub async fn publish<F, Fut, T, E>(mut event: Event, messaging: Messaging, send: F) -> Result<T, E>
where
    F: FnOnce(Event) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let span = start_producer(&mut event, messaging);
    let sending = {
        let _entered = span.enter();
        send(event)
    };
    let result = span.in_span(sending).await;
    if let Err(error) = &result {
        span.record_error(error);
    }
    span.end();
    result
}
