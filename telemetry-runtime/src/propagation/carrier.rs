//! One carrier abstraction for every transport: read every value of a key
//! ([`ValueSource`]), write a key ([`ValueSink`]).
//!
//! HTTP and NATS headers, Kafka record headers, W3C baggage, CloudEvents extension
//! attributes, the `_trace_context` map of envelopes and the `TRACEPARENT` environment of a
//! child process all implement it. The trace context goes through it with [`Extract`] and
//! [`Inject`] (the OpenTelemetry [`Extractor`] and [`Injector`] of any carrier), and the
//! readers and writers of `CommonAttributes` with `scope::optional` / `required` / `insert`,
//! so every transport is read the same way: all values of a key (two `traceparent` values are
//! invalid, not the first of them), a value that is not text is an invalid value rather than
//! a missing one, and a value the carrier cannot hold is skipped, never a panic.

use std::borrow::Cow;
use std::ops::ControlFlow;

use http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::{Extractor, Injector};

/// Which kind of carrier a value was read from, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Carrier {
    /// An HTTP (or message) header.
    #[default]
    Header,
    /// A W3C baggage member.
    Baggage,
    /// A CloudEvents extension attribute.
    Extension,
}

impl Carrier {
    /// What a value of this carrier is called in a sentence.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Carrier::Header => "header",
            Carrier::Baggage => "baggage member",
            Carrier::Extension => "CloudEvents extension",
        }
    }
}

/// A value a carrier holds that is not text (a header value that is not UTF-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotText;

/// Where values are read from: every value of a key, in order.
pub trait ValueSource {
    /// Which kind of carrier this is, for the errors.
    const CARRIER: Carrier;

    /// Calls `each` with every value of `key`, in order, until it breaks. Keys compare as the
    /// carrier compares them (HTTP header names without regard to case).
    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    );

    /// The keys the carrier holds, for propagators that look keys up by prefix (the W3C ones
    /// do not). None by default.
    fn keys(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// Where values are written to.
pub trait ValueSink {
    /// Sets `key` to `value`, replacing what was there; a key or value the carrier cannot hold
    /// is skipped, never a panic.
    fn insert_value(&mut self, key: &str, value: &str);
}

impl<T: ValueSource + ?Sized> ValueSource for &T {
    const CARRIER: Carrier = T::CARRIER;

    #[inline]
    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        (**self).for_each_value(key, each);
    }

    fn keys(&self) -> Vec<&str> {
        (**self).keys()
    }
}

impl<T: ValueSink + ?Sized> ValueSink for &mut T {
    #[inline]
    fn insert_value(&mut self, key: &str, value: &str) {
        (**self).insert_value(key, value);
    }
}

/// The OpenTelemetry [`Extractor`] of any [`ValueSource`]: `Extract(&headers)`.
///
/// Every value of a key is seen (`get_all`), so two `traceparent` headers are two and a new
/// trace starts. A value that is not text, or that the carrier only has in another form (a
/// CloudEvents extension that is an integer), reads as an empty, invalid value rather than as
/// a missing one.
#[derive(Debug, Clone, Copy)]
pub struct Extract<C>(pub C);

/// A value as an extractor lends it.
fn lent<'a>(value: Result<Cow<'a, str>, NotText>) -> &'a str {
    match value {
        Ok(Cow::Borrowed(text)) => text,
        Ok(Cow::Owned(_)) | Err(NotText) => "",
    }
}

impl<C: ValueSource> Extractor for Extract<C> {
    fn get(&self, key: &str) -> Option<&str> {
        let mut first = None;
        self.0.for_each_value(key, &mut |value| {
            first = Some(lent(value));
            ControlFlow::Break(())
        });
        first
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let mut values = Vec::new();
        self.0.for_each_value(key, &mut |value| {
            values.push(lent(value));
            ControlFlow::Continue(())
        });
        (!values.is_empty()).then_some(values)
    }
}

/// The OpenTelemetry [`Injector`] of any [`ValueSink`]: `Inject(&mut headers)`.
#[derive(Debug)]
pub struct Inject<C>(pub C);

impl<C: ValueSink> Injector for Inject<C> {
    fn set(&mut self, key: &str, value: String) {
        self.0.insert_value(key, &value);
    }
}

impl ValueSource for HeaderMap {
    const CARRIER: Carrier = Carrier::Header;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        let _ = self
            .get_all(key)
            .iter()
            .map(|value| {
                std::str::from_utf8(value.as_bytes())
                    .map(Cow::Borrowed)
                    .map_err(|_| NotText)
            })
            .try_for_each(each);
    }

    fn keys(&self) -> Vec<&str> {
        self.keys().map(HeaderName::as_str).collect()
    }
}

impl ValueSink for HeaderMap {
    fn insert_value(&mut self, key: &str, value: &str) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::strict_w3c_propagators;
    use opentelemetry::propagation::TextMapPropagator;
    use opentelemetry::trace::TraceContextExt;

    const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn one_traceparent_is_extracted_two_are_not() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        let cx = strict_w3c_propagators().extract(&Extract(&headers));
        assert!(cx.span().span_context().is_remote());

        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        let cx = strict_w3c_propagators().extract(&Extract(&headers));
        assert!(!cx.span().span_context().is_valid());
    }

    #[test]
    fn a_value_that_is_not_text_still_counts() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        headers.append("traceparent", HeaderValue::from_bytes(b"\xff").unwrap());
        let extract = Extract(&headers);
        assert_eq!(extract.get_all("traceparent").unwrap(), [TRACEPARENT, ""]);
        let cx = strict_w3c_propagators().extract(&extract);
        assert!(!cx.span().span_context().is_valid());
    }

    #[test]
    fn injector_skips_what_http_cannot_carry() {
        let mut headers = HeaderMap::new();
        let mut injector = Inject(&mut headers);
        injector.set("traceparent", "00-a-b-01".to_owned());
        injector.set("traceparent", "00-c-d-01".to_owned());
        injector.set("bad name", "v".to_owned());
        injector.set("x-line", "a\r\nb".to_owned());
        assert_eq!(headers.len(), 1);
        assert_eq!(headers["traceparent"], "00-c-d-01");
    }

    #[test]
    fn keys_and_missing_values() {
        let mut headers = HeaderMap::new();
        headers.insert("tracestate", HeaderValue::from_static("a=1"));
        let extract = Extract(&headers);
        assert_eq!(extract.keys(), ["tracestate"]);
        assert_eq!(extract.get("traceparent"), None);
        assert_eq!(extract.get_all("traceparent"), None);
        assert_eq!(extract.get("TraceState"), Some("a=1"));
    }
}
