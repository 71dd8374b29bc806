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

use async_nats::{HeaderMap, HeaderName, HeaderValue, Message};
use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector};

/// An [`Injector`] over NATS headers: sets (replaces) a header. A name or value NATS cannot
/// carry (a line break, a `:` in the name) is skipped: never a panic.
#[derive(Debug)]
pub struct HeaderInjector<'a>(pub &'a mut HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (key.parse::<HeaderName>(), value.parse::<HeaderValue>()) {
            self.0.insert(name, value);
        }
    }
}

/// An [`Extractor`] over NATS headers that yields every value of a header (two
/// `traceparent` values are invalid, and a new trace starts).
#[derive(Debug, Clone, Copy)]
pub struct HeaderExtractor<'a>(pub &'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(HeaderValue::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(name, _)| name.as_ref()).collect()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let values: Vec<&str> = self.0.get_all(key).map(HeaderValue::as_str).collect();
        (!values.is_empty()).then_some(values)
    }
}

/// Writes the current context into `headers` (replacing propagation headers already there).
pub fn inject(headers: &mut HeaderMap) {
    super::inject_context(&Context::current(), &mut HeaderInjector(headers));
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
        Some(headers) => super::extract_context(&HeaderExtractor(headers)),
        None => Context::current(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::TraceContextExt as _;

    const TP: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn injector_skips_what_nats_cannot_carry() {
        let mut headers = HeaderMap::new();
        let mut injector = HeaderInjector(&mut headers);
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
        let cx = super::super::extract_context(&HeaderExtractor(&headers));
        assert_eq!(
            cx.span().span_context().trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        headers.append("traceparent", TP);
        let cx = super::super::extract_context(&HeaderExtractor(&headers));
        assert!(!cx.span().span_context().is_valid());
    }
}
