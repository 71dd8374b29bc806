//! Trace context in Kafka record headers (feature `rdkafka`, over rdkafka 0.39's header types).
//!
//! Two contexts travel in a record's headers, as in every CloudEvents transport binding:
//!
//! - the transport's context, in `traceparent` / `tracestate` / `baggage` headers
//!   ([`inject`], [`extract`]), as the messaging conventions propagate it;
//! - the event's creation context, in binary content mode the Distributed Tracing extension
//!   attributes with the Kafka binding's `ce_` prefix: `ce_traceparent` / `ce_tracestate`
//!   ([`set_creation_context`], [`creation_context`]).
//!
//! A header value that is not UTF-8, a repeated `traceparent` or a hostile value is ignored
//! per the W3C rules; nothing panics.
//!
//! ```
//! use rdkafka::message::{Headers, OwnedHeaders};
//! use telemetry_runtime::cloudevents::kafka;
//!
//! let headers = kafka::inject(OwnedHeaders::new()); // no span: nothing is written
//! assert_eq!(headers.count(), 0);
//! assert!(kafka::creation_context(&headers).is_none());
//! ```

use std::borrow::Cow;
use std::ops::ControlFlow;

use opentelemetry::Context;
use opentelemetry::propagation::Extractor as _;
use opentelemetry::trace::SpanContext;
use rdkafka::message::{Header, Headers, OwnedHeaders};

use crate::propagation::{
    Carrier, Extract, Inject, NotText, StrictW3cPropagator, ValueSink, ValueSource,
};

/// The header prefix of CloudEvents attributes in Kafka binary content mode.
pub const CE_PREFIX: &str = "ce_";

/// Kafka headers (any [`Headers`]: `OwnedHeaders`, `BorrowedHeaders`) as a carrier, the
/// headers named `prefix` + key. Every value of a key is seen; a value that is not UTF-8, or
/// a null value, is not text (an invalid value).
#[derive(Debug, Clone, Copy)]
pub struct RecordHeaders<'a, H: ?Sized> {
    headers: &'a H,
    prefix: &'static str,
}

impl<'a, H: Headers + ?Sized> RecordHeaders<'a, H> {
    /// The headers as they are named (`traceparent`).
    pub fn new(headers: &'a H) -> Self {
        Self {
            headers,
            prefix: "",
        }
    }

    /// The headers named `prefix` + key (`ce_traceparent` with [`CE_PREFIX`]).
    pub fn with_prefix(headers: &'a H, prefix: &'static str) -> Self {
        Self { headers, prefix }
    }
}

impl<H: Headers + ?Sized> ValueSource for RecordHeaders<'_, H> {
    const CARRIER: Carrier = Carrier::Header;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        let headers = self.headers;
        let _ = (0..headers.count())
            .filter_map(|i| headers.try_get(i))
            .filter(|header| {
                (header.key.strip_prefix(self.prefix))
                    .is_some_and(|rest| rest.eq_ignore_ascii_case(key))
            })
            .map(|header| {
                (header.value)
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .map(Cow::Borrowed)
                    .ok_or(NotText)
            })
            .try_for_each(each);
    }

    fn keys(&self) -> Vec<&str> {
        let headers = self.headers;
        (0..headers.count())
            .filter_map(|i| headers.try_get(i))
            .filter_map(|h| h.key.strip_prefix(self.prefix))
            .collect()
    }
}

/// The [`Extractor`](opentelemetry::propagation::Extractor) of Kafka headers
/// ([`RecordHeaders`]).
pub type HeaderExtractor<'a, H> = Extract<RecordHeaders<'a, H>>;

impl<'a, H: Headers + ?Sized> Extract<RecordHeaders<'a, H>> {
    /// Reads the headers as they are named (`traceparent`).
    pub fn new(headers: &'a H) -> Self {
        Extract(RecordHeaders::new(headers))
    }

    /// Reads the headers named `prefix` + key (`ce_traceparent` with [`CE_PREFIX`]).
    pub fn with_prefix(headers: &'a H, prefix: &'static str) -> Self {
        Extract(RecordHeaders::with_prefix(headers, prefix))
    }
}

/// [`OwnedHeaders`] being appended to, under `prefix` + key. Kafka headers can only grow:
/// write into headers that do not have the keys yet.
#[derive(Debug)]
pub struct AppendHeaders {
    headers: Option<OwnedHeaders>,
    prefix: &'static str,
}

impl ValueSink for AppendHeaders {
    fn insert_value(&mut self, key: &str, value: &str) {
        let name = format!("{}{key}", self.prefix);
        let headers = self.headers.take().unwrap_or_default();
        self.headers = Some(headers.insert(Header {
            key: &name,
            value: Some(value),
        }));
    }
}

/// The [`Injector`](opentelemetry::propagation::Injector) that appends to Kafka headers
/// ([`AppendHeaders`]).
pub type HeaderInjector = Inject<AppendHeaders>;

impl Inject<AppendHeaders> {
    /// Appends to `headers`, under `prefix` + key.
    pub fn new(headers: OwnedHeaders, prefix: &'static str) -> Self {
        Inject(AppendHeaders {
            headers: Some(headers),
            prefix,
        })
    }

    /// The headers, with what was injected.
    pub fn into_headers(self) -> OwnedHeaders {
        self.0.headers.unwrap_or_default()
    }
}

/// `headers` plus the current context (`traceparent`, `tracestate`, `baggage`), unless they
/// already have a `traceparent`.
pub fn inject(headers: OwnedHeaders) -> OwnedHeaders {
    if HeaderExtractor::new(&headers).get("traceparent").is_some() {
        return headers;
    }
    let mut injector = HeaderInjector::new(headers, "");
    super::inject_context(&Context::current(), &mut injector);
    injector.into_headers()
}

/// The transport context of a record's headers, on top of the current one.
pub fn extract<H: Headers + ?Sized>(headers: &H) -> Context {
    super::extract_context(&HeaderExtractor::new(headers))
}

/// The event's creation context from `ce_traceparent` / `ce_tracestate` (binary content
/// mode), parsed strictly.
pub fn creation_context<H: Headers + ?Sized>(headers: &H) -> Option<SpanContext> {
    StrictW3cPropagator::new()
        .extract_span_context(&HeaderExtractor::with_prefix(headers, CE_PREFIX))
}

/// `headers` plus `ce_traceparent` / `ce_tracestate` for `span_context`, unless they already
/// have a valid creation context (kept across hops, as the extension's rule says).
pub fn set_creation_context(headers: OwnedHeaders, span_context: &SpanContext) -> OwnedHeaders {
    if creation_context(&headers).is_some() {
        return headers;
    }
    let mut injector = HeaderInjector::new(headers, CE_PREFIX);
    super::trace_extension::write_creation_context(span_context, &mut injector);
    injector.into_headers()
}
