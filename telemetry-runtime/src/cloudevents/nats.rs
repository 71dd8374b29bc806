//! Trace context in NATS message headers (feature `nats`, async-nats 0.50): `traceparent`,
//! `tracestate` and `baggage` headers, as for HTTP.
//!
//! ```no_run
//! # async fn run(client: async_nats::Client, message: async_nats::Message) -> Result<(), async_nats::Error> {
//! use telemetry_runtime::cloudevents::nats;
//!
//! // Publisher: the current context into the message's headers.
//! client.publish_with_headers("orders", nats::headers(), "{}".into()).await?;
//!
//! // Subscriber: the message's context, to attach while handling it.
//! let _attached = nats::extract(&message).attach();
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::ops::ControlFlow;

use async_nats::{HeaderMap, HeaderName, HeaderValue, Message};
use opentelemetry::Context;

use crate::propagation::{Carrier, Extract, Inject, NotText, ValueSink, ValueSource};

/// The [`Injector`](opentelemetry::propagation::Injector) of NATS headers: sets (replaces) a
/// header. A name or value NATS cannot carry (a line break, a `:` in the name) is skipped:
/// never a panic. Build it as `Inject(&mut headers)`.
pub type HeaderInjector<'a> = Inject<&'a mut HeaderMap>;

/// The [`Extractor`](opentelemetry::propagation::Extractor) of NATS headers, every value of a
/// header seen (two `traceparent` values are invalid, and a new trace starts). Build it as
/// `Extract(&headers)`.
pub type HeaderExtractor<'a> = Extract<&'a HeaderMap>;

impl ValueSource for HeaderMap {
    const CARRIER: Carrier = Carrier::Header;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        let _ = self
            .get_all(key)
            .map(|value| Ok(Cow::Borrowed(value.as_str())))
            .try_for_each(each);
    }

    fn keys(&self) -> Vec<&str> {
        self.iter().map(|(name, _)| name.as_ref()).collect()
    }
}

impl ValueSink for HeaderMap {
    fn insert_value(&mut self, key: &str, value: &str) {
        if let (Ok(name), Ok(value)) = (key.parse::<HeaderName>(), value.parse::<HeaderValue>()) {
            self.insert(name, value);
        }
    }
}

/// Writes the current context into `headers` (replacing propagation headers already there).
pub fn inject(headers: &mut HeaderMap) {
    super::inject_context(&Context::current(), &mut Inject(headers));
}

/// New headers holding the current context, for `publish_with_headers`.
pub fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    inject(&mut headers);
    headers
}

/// The context a received message carries, on top of the current one (the current context
/// itself when the message has no headers or no valid `traceparent`).
pub fn extract(message: &Message) -> Context {
    match &message.headers {
        Some(headers) => super::extract_context(&Extract(headers)),
        None => Context::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::propagation::Injector as _;
    use opentelemetry::trace::TraceContextExt as _;

    const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn injector_skips_what_nats_cannot_carry() {
        let mut headers = HeaderMap::new();
        let mut injector = Inject(&mut headers);
        injector.set("traceparent", TP.to_owned());
        injector.set("bad:name", "v".to_owned());
        injector.set("x-line", "a\r\nb".to_owned());
        injector.set("x-é", "v".to_owned());
        assert_eq!(headers.len(), 1);
        assert_eq!(headers.get("traceparent").unwrap().as_str(), TP);
    }

    #[test]
    fn one_traceparent_is_a_parent_two_are_not() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", TP);
        let cx = super::super::extract_context(&Extract(&headers));
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        headers.append("traceparent", TP);
        let cx = super::super::extract_context(&Extract(&headers));
        assert!(!cx.span().span_context().is_valid());
    }
}
