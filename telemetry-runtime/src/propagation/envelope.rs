//! The trace context of a message without headers (Redis pub/sub or streams, JSON message
//! dicts, job queues): a `_trace_context` map in the message itself.
//!
//! ```json
//! {
//!   "_trace_context": {
//!     "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
//!     "tracestate": "rojo=00f067aa0ba902b7",
//!     "baggage": "tenant=acme"
//!   },
//!   "prompt": "..."
//! }
//! ```
//!
//! [`Traced<T>`] wraps a serde message type: the body's fields stay at the top level
//! (`#[serde(flatten)]`) beside `_trace_context`. For a raw [`serde_json::Map`] (a message
//! dict whose shape the consumer does not know), [`inject_into_map`], [`extract_from_map`] and
//! [`take_from_map`] do the same.
//!
//! Values are written and read with the strict W3C propagators
//! ([`StrictW3cPropagator`](super::StrictW3cPropagator),
//! [`StrictBaggagePropagator`](super::StrictBaggagePropagator)): a message carries only a
//! valid `traceparent`, with the `sampled` and `random` flags; reading follows the header
//! rules. Whatever is under `_trace_context` never makes a message fail to decode and never
//! panics: a map missing (an older message), not a map, with values that are not strings,
//! invalid or repeated keys, is a message without a parent (a new trace starts), exactly as an
//! HTTP request with such headers would be.
//!
//! Reading `_trace_context` leniently needs a self-describing format (JSON, MessagePack, CBOR,
//! YAML...): the format is asked what the value is.

use std::borrow::Cow;
use std::fmt;
use std::ops::ControlFlow;

use opentelemetry::Context;
use opentelemetry::propagation::TextMapPropagator;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    BAGGAGE_HEADER, Carrier, Extract, Inject, NotText, TRACEPARENT_HEADER, TRACESTATE_HEADER,
    ValueSink, ValueSource, strict_w3c_propagators,
};

/// The key of the trace context map in a message: `_trace_context`.
pub const TRACE_CONTEXT_KEY: &str = "_trace_context";

/// Stands for a value that is not a string: it fails every parser (a `traceparent` or
/// `tracestate` holding it is invalid; as a baggage member it is skipped).
const NOT_A_STRING: &str = "\0";

/// The `_trace_context` map of a message: the `traceparent`, `tracestate` and `baggage` values
/// it holds, as received (keys matched without regard to ASCII case; a repeated key keeps
/// every value, so that two `traceparent`s are rejected as in HTTP).
///
/// It is a [`ValueSource`] and a [`ValueSink`] (an OpenTelemetry extractor and injector through
/// [`Extract`] and [`Inject`]); [`from_context`](Self::from_context)
/// and [`extract`](Self::extract) use the strict propagators.
///
/// ```
/// use telemetry_runtime::propagation::TraceContextMap;
/// use telemetry_runtime::opentelemetry::trace::TraceContextExt;
///
/// let map: TraceContextMap = serde_json::from_str(
///     r#"{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}"#,
/// ).unwrap();
/// let parent = map.extract();
/// assert!(parent.span().span_context().is_remote());
///
/// // Not a map, or nothing valid in it: no parent, and no error.
/// let map: TraceContextMap = serde_json::from_str("42").unwrap();
/// assert!(!map.extract().has_active_span());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceContextMap {
    traceparent: Vec<String>,
    tracestate: Vec<String>,
    baggage: Vec<String>,
}

impl TraceContextMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The map describing `cx`: its span's `traceparent` and `tracestate` and its baggage,
    /// written by the strict propagators. Empty when `cx` has no valid span and no baggage.
    pub fn from_context(cx: &Context) -> Self {
        let mut map = Self::new();
        super::CarrierPropagator::new().inject_context(cx, &mut Inject(&mut map));
        map
    }

    /// The map describing the current context ([`Context::current`]).
    pub fn current() -> Self {
        Context::map_current(Self::from_context)
    }

    /// Whether the map holds nothing.
    pub fn is_empty(&self) -> bool {
        self.traceparent.is_empty() && self.tracestate.is_empty() && self.baggage.is_empty()
    }

    /// The `traceparent` value, when there is exactly one string value.
    pub fn traceparent(&self) -> Option<&str> {
        single(&self.traceparent)
    }

    /// The `tracestate` value, when there is exactly one string value.
    pub fn tracestate(&self) -> Option<&str> {
        single(&self.tracestate)
    }

    /// The `baggage` value, when there is exactly one string value.
    pub fn baggage(&self) -> Option<&str> {
        single(&self.baggage)
    }

    /// The context the map describes, on top of an empty context: a remote parent span when
    /// it holds exactly one valid `traceparent`, and the valid baggage members. Nothing valid:
    /// an empty context (the consumer starts a new trace).
    pub fn extract(&self) -> Context {
        self.extract_with_context(&Context::new())
    }

    /// [`extract`](Self::extract) on top of `cx`: its values are kept unless the map replaces
    /// them.
    pub fn extract_with_context(&self, cx: &Context) -> Context {
        strict_w3c_propagators().extract_with_context(cx, &Extract(self))
    }

    /// The map as a JSON object (`traceparent`, `tracestate`, `baggage`, each present only
    /// when set).
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in self.entries() {
            out.insert(key.to_owned(), Value::String(value));
        }
        out
    }

    /// The map read from a JSON value, leniently: anything but an object is an empty map;
    /// a value that is not a string counts as an invalid value.
    pub fn from_json(value: &Value) -> Self {
        let mut map = Self::new();
        if let Value::Object(object) = value {
            for (key, value) in object {
                map.push(key, value.as_str().unwrap_or(NOT_A_STRING));
            }
        }
        map
    }

    fn values_mut(&mut self, key: &str) -> Option<&mut Vec<String>> {
        if key.eq_ignore_ascii_case(TRACEPARENT_HEADER) {
            Some(&mut self.traceparent)
        } else if key.eq_ignore_ascii_case(TRACESTATE_HEADER) {
            Some(&mut self.tracestate)
        } else if key.eq_ignore_ascii_case(BAGGAGE_HEADER) {
            Some(&mut self.baggage)
        } else {
            None
        }
    }

    fn values(&self, key: &str) -> Option<&[String]> {
        if key.eq_ignore_ascii_case(TRACEPARENT_HEADER) {
            Some(&self.traceparent)
        } else if key.eq_ignore_ascii_case(TRACESTATE_HEADER) {
            Some(&self.tracestate)
        } else if key.eq_ignore_ascii_case(BAGGAGE_HEADER) {
            Some(&self.baggage)
        } else {
            None
        }
        .filter(|values| !values.is_empty())
        .map(Vec::as_slice)
    }

    /// Keeps `value` under `key` when `key` is one of the three; other keys are ignored.
    fn push(&mut self, key: &str, value: &str) {
        if let Some(values) = self.values_mut(key) {
            values.push(value.to_owned());
        }
    }

    /// What is written out: one `traceparent` only when there is exactly one (several cannot
    /// be combined); `tracestate` and `baggage` values combined with `,` as in HTTP. A value
    /// that was not a string is never written: it makes the whole `tracestate` invalid, so
    /// none is written, and it is skipped among the `baggage` values, as members are.
    fn entries(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let traceparent = single(&self.traceparent).map(|v| (TRACEPARENT_HEADER, v.to_owned()));
        let tracestate = (!self.tracestate.is_empty()
            && !self.tracestate.iter().any(|v| v == NOT_A_STRING))
        .then(|| (TRACESTATE_HEADER, self.tracestate.join(",")));
        let strings: Vec<&str> = (self.baggage.iter())
            .filter(|v| *v != NOT_A_STRING)
            .map(String::as_str)
            .collect();
        let baggage = (!strings.is_empty()).then(|| (BAGGAGE_HEADER, strings.join(",")));
        traceparent.into_iter().chain(tracestate).chain(baggage)
    }
}

fn single(values: &[String]) -> Option<&str> {
    match values {
        [one] if one != NOT_A_STRING => Some(one),
        _ => None,
    }
}

impl ValueSink for TraceContextMap {
    fn insert_value(&mut self, key: &str, value: &str) {
        if let Some(values) = self.values_mut(key) {
            *values = vec![value.to_owned()];
        }
    }
}

impl ValueSource for TraceContextMap {
    const CARRIER: Carrier = Carrier::Header;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        let _ = (self.values(key).unwrap_or_default().iter())
            .map(|value| match value.as_str() {
                NOT_A_STRING => Err(NotText),
                text => Ok(Cow::Borrowed(text)),
            })
            .try_for_each(each);
    }

    fn keys(&self) -> Vec<&str> {
        [
            (TRACEPARENT_HEADER, &self.traceparent),
            (TRACESTATE_HEADER, &self.tracestate),
            (BAGGAGE_HEADER, &self.baggage),
        ]
        .into_iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(key, _)| key)
        .collect()
    }
}

impl Serialize for TraceContextMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries: Vec<_> = self.entries().collect();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, value) in &entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for TraceContextMap {
    /// Never fails on content: a value that is not a map is an empty map; entries that are
    /// not strings count as invalid values; other keys are ignored.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientMap)
    }
}

/// Reads any value as a [`TraceContextMap`]: a map gives its entries, anything else nothing.
struct LenientMap;

impl<'de> Visitor<'de> for LenientMap {
    type Value = TraceContextMap;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a trace context map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = TraceContextMap::new();
        while let Some(key) = access.next_key::<LenientString>()? {
            match key.0 {
                Some(key) if map.values_mut(&key).is_some() => {
                    let value = access.next_value::<LenientString>()?;
                    map.push(&key, value.0.as_deref().unwrap_or(NOT_A_STRING));
                }
                _ => {
                    access.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        while access.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TraceContextMap::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, access: A) -> Result<Self::Value, A::Error> {
        use de::VariantAccess;
        let (IgnoredAny, variant) = access.variant::<IgnoredAny>()?;
        variant.newtype_variant::<IgnoredAny>()?;
        Ok(TraceContextMap::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
        Ok(TraceContextMap::new())
    }
}

/// A string, or `None` for any other value (which is consumed and ignored).
struct LenientString(Option<String>);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LenientString(Some(v)))
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                // Formats without a string type (MessagePack `bin`) may give UTF-8 bytes.
                Ok(LenientString(
                    std::str::from_utf8(v).ok().map(str::to_owned),
                ))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientString(None))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientString(None))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }

            fn visit_enum<A: de::EnumAccess<'de>>(self, a: A) -> Result<Self::Value, A::Error> {
                use de::VariantAccess;
                let (IgnoredAny, variant) = a.variant::<IgnoredAny>()?;
                variant.newtype_variant::<IgnoredAny>()?;
                Ok(LenientString(None))
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LenientString(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The `_trace_context` entry of a [`Traced`] message, flattened into it: serialised as one
/// entry (none when empty); deserialised from every `_trace_context` entry of the message,
/// so that a repeated key is seen (and rejected) rather than a decode error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Entry(TraceContextMap);

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let empty = self.0.is_empty();
        let mut map = serializer.serialize_map(Some(usize::from(!empty)))?;
        if !empty {
            map.serialize_entry(TRACE_CONTEXT_KEY, &self.0)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Entry, A::Error> {
                let mut found: Option<TraceContextMap> = None;
                let mut repeated = false;
                while let Some(key) = access.next_key::<LenientString>()? {
                    if key.0.as_deref() == Some(TRACE_CONTEXT_KEY) {
                        let map = access.next_value::<TraceContextMap>()?;
                        repeated |= found.replace(map).is_some();
                    } else {
                        access.next_value::<IgnoredAny>()?;
                    }
                }
                // Two `_trace_context` entries: which one is right cannot be told.
                Ok(Entry(if repeated {
                    TraceContextMap::new()
                } else {
                    found.unwrap_or_default()
                }))
            }
        }
        // A struct with one field: in a flattened position, serde hands over exactly the
        // entries with that key (all of them), and leaves the rest to the body.
        deserializer.deserialize_struct("TraceContextEntry", &[TRACE_CONTEXT_KEY], V)
    }
}

/// A message with its trace context: the body's fields at the top level and the context
/// under [`TRACE_CONTEXT_KEY`] (absent when there is none).
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use telemetry_runtime::propagation::Traced;
/// use telemetry_runtime::opentelemetry::trace::TraceContextExt;
///
/// #[derive(Serialize, Deserialize)]
/// struct Job { prompt: String }
///
/// // Producer: `Traced::new` takes the current context (the producer's span).
/// let json = serde_json::to_string(&Traced::new(Job { prompt: "hi".into() })).unwrap();
///
/// // Consumer: the body, and the parent context for the consumer's span.
/// let message: Traced<Job> = serde_json::from_str(&json).unwrap();
/// let (job, parent) = message.into_parts();
/// assert_eq!(job.prompt, "hi");
/// # let _ = parent;
///
/// // A message from before tracing: no `_trace_context`, still decoded; no parent.
/// let old: Traced<Job> = serde_json::from_str(r#"{"prompt": "hello"}"#).unwrap();
/// assert!(!old.context().has_active_span());
/// ```
///
/// The body must be a map-like type (a struct, a map) without `deny_unknown_fields`, as for
/// any `#[serde(flatten)]` field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Traced<T> {
    // First: it takes its entries before the body sees the rest.
    #[serde(flatten)]
    trace_context: Entry,
    /// The message itself.
    #[serde(flatten)]
    pub body: T,
}

impl<T> Traced<T> {
    /// `body` with the current context ([`Context::current`]): the producer's span becomes
    /// the consumer's parent.
    pub fn new(body: T) -> Self {
        Self::with_map(body, TraceContextMap::current())
    }

    /// `body` with the context `cx`.
    pub fn with_context(body: T, cx: &Context) -> Self {
        Self::with_map(body, TraceContextMap::from_context(cx))
    }

    /// `body` with a trace context map as given.
    pub fn with_map(body: T, map: TraceContextMap) -> Self {
        Traced {
            trace_context: Entry(map),
            body,
        }
    }

    /// `body` without trace context (as an older producer sends it).
    pub fn untraced(body: T) -> Self {
        Self::with_map(body, TraceContextMap::new())
    }

    /// The trace context map as received.
    pub fn trace_context(&self) -> &TraceContextMap {
        &self.trace_context.0
    }

    /// The parent context the message carries ([`TraceContextMap::extract`]): empty when
    /// there is none or it is invalid.
    pub fn context(&self) -> Context {
        self.trace_context.0.extract()
    }

    /// The body and the parent context.
    pub fn into_parts(self) -> (T, Context) {
        let cx = self.context();
        (self.body, cx)
    }
}

/// Writes the current context into `message` under [`TRACE_CONTEXT_KEY`] (replacing what
/// was there); with no valid span and no baggage, removes the key.
pub fn inject_into_map(message: &mut Map<String, Value>) {
    Context::map_current(|cx| inject_context_into_map(cx, message));
}

/// [`inject_into_map`] with the context `cx`.
pub fn inject_context_into_map(cx: &Context, message: &mut Map<String, Value>) {
    let map = TraceContextMap::from_context(cx);
    if map.is_empty() {
        message.remove(TRACE_CONTEXT_KEY);
    } else {
        message.insert(TRACE_CONTEXT_KEY.to_owned(), Value::Object(map.to_json()));
    }
}

/// The parent context `message` carries under [`TRACE_CONTEXT_KEY`]; empty when the key is
/// missing or holds nothing valid.
pub fn extract_from_map(message: &Map<String, Value>) -> Context {
    message
        .get(TRACE_CONTEXT_KEY)
        .map(|value| TraceContextMap::from_json(value).extract())
        .unwrap_or_default()
}

/// [`extract_from_map`], removing the key, so the handler sees the message as it was before
/// the context was added.
pub fn take_from_map(message: &mut Map<String, Value>) -> Context {
    message
        .remove(TRACE_CONTEXT_KEY)
        .map(|value| TraceContextMap::from_json(&value).extract())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
