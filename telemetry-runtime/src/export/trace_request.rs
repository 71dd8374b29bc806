//! OTLP `ExportTraceServiceRequest` protobuf bytes, encoded straight from `SpanData`.
//!
//! `opentelemetry-otlp` turns a batch into `opentelemetry-proto` structs first (a `String`
//! per attribute key and value, a `Vec` per list) and then encodes them with `prost`. This
//! encoder writes the same bytes without the structs: the resource is encoded once, when it
//! is set; each span's size is computed once, then every field is written into one buffer
//! allocated to the request's exact size.
//!
//! The request is the one `opentelemetry_proto::transform::trace::tonic::
//! group_spans_by_resource_and_scope` builds: one `ResourceSpans` with the exporter's
//! resource, one `ScopeSpans` per instrumentation scope in the order the scopes first
//! appear in the batch, the spans in batch order; span flags carry the W3C trace flags and
//! the OTLP "has is-remote" and "is remote" bits of the parent (of a link: of the linked
//! context); the status is always written.

use std::time::{SystemTime, UNIX_EPOCH};

use opentelemetry::trace::{SpanId, SpanKind, Status, TraceState};
use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SpanData;

use super::protobuf::{
    Writer, delimited_len, fixed32_len, fixed64_len, key_len, str_len, uint_len, varint_len,
};

/// `SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK`.
const HAS_IS_REMOTE: u32 = 0x100;
/// `SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK`.
const IS_REMOTE: u32 = 0x200;

/// Encodes batches of spans of one resource into OTLP trace requests.
#[derive(Debug, Default)]
pub(crate) struct TraceRequestEncoder {
    /// The `resource` field of the `ResourceSpans`, key and length prefix included.
    resource: Vec<u8>,
    /// The `schema_url` field of the `ResourceSpans`, or nothing.
    resource_schema_url: Vec<u8>,
    /// Scratch: each span's message size, in batch order.
    span_lens: Vec<usize>,
    /// Scratch: each span's scope, an index into `scopes`.
    span_scopes: Vec<usize>,
}

impl TraceRequestEncoder {
    /// An encoder of spans of `resource`.
    #[cfg(test)]
    pub(crate) fn new(resource: &Resource) -> Self {
        let mut encoder = Self::default();
        encoder.set_resource(resource);
        encoder
    }

    /// Sets the resource every later request carries.
    pub(crate) fn set_resource(&mut self, resource: &Resource) {
        let body: usize = resource
            .iter()
            .map(|(key, value)| delimited_len(1, key_value_len(key.as_str(), value)))
            .sum();
        let mut w = Writer::with_capacity(delimited_len(1, body));
        w.delimited(1, body);
        for (key, value) in resource.iter() {
            write_key_value(&mut w, 1, key.as_str(), value);
        }
        self.resource = w.into_inner();
        let schema_url = resource.schema_url().unwrap_or_default();
        let mut w = Writer::with_capacity(str_len(3, schema_url));
        w.str(3, schema_url);
        self.resource_schema_url = w.into_inner();
    }

    /// The protobuf bytes of the `ExportTraceServiceRequest` holding `spans`.
    pub(crate) fn encode(&mut self, spans: &[SpanData]) -> Vec<u8> {
        self.span_lens.clear();
        self.span_scopes.clear();
        // First seen order, compared as the SDK's grouping compares them (whole scopes).
        let mut scopes: Vec<(&InstrumentationScope, usize)> = Vec::new();
        for span in spans {
            let len = span_len(span);
            let scope = &span.instrumentation_scope;
            let index = match scopes.iter().position(|(seen, _)| *seen == scope) {
                Some(index) => index,
                None => {
                    scopes.push((scope, scope_spans_header_len(scope)));
                    scopes.len() - 1
                }
            };
            scopes[index].1 += delimited_len(2, len);
            self.span_lens.push(len);
            self.span_scopes.push(index);
        }
        let resource_spans: usize = self.resource.len()
            + scopes
                .iter()
                .map(|(_, len)| delimited_len(2, *len))
                .sum::<usize>()
            + self.resource_schema_url.len();
        let mut w = Writer::with_capacity(delimited_len(1, resource_spans));
        w.delimited(1, resource_spans);
        w.raw(&self.resource);
        for (index, (scope, len)) in scopes.iter().enumerate() {
            w.delimited(2, *len);
            write_scope_spans_header(&mut w, scope);
            for ((span, span_len), _) in spans
                .iter()
                .zip(&self.span_lens)
                .zip(&self.span_scopes)
                .filter(|(_, span_scope)| **span_scope == index)
            {
                w.delimited(2, *span_len);
                write_span(&mut w, span);
            }
            w.str(3, scope.schema_url().unwrap_or_default());
        }
        w.raw(&self.resource_schema_url);
        w.into_inner()
    }
}

/// `ScopeSpans` without its spans: the scope (always written) and the schema URL.
fn scope_spans_header_len(scope: &InstrumentationScope) -> usize {
    delimited_len(1, scope_len(scope)) + str_len(3, scope.schema_url().unwrap_or_default())
}

/// Writes the `scope` field of a `ScopeSpans` (its `schema_url` comes after the spans).
fn write_scope_spans_header(w: &mut Writer, scope: &InstrumentationScope) {
    w.delimited(1, scope_len(scope));
    w.str(1, scope.name());
    w.str(2, scope.version().unwrap_or_default());
    for kv in scope.attributes() {
        write_key_value(w, 3, kv.key.as_str(), &kv.value);
    }
}

fn scope_len(scope: &InstrumentationScope) -> usize {
    str_len(1, scope.name())
        + str_len(2, scope.version().unwrap_or_default())
        + attributes_len(3, scope.attributes())
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
}

fn kind(kind: &SpanKind) -> u64 {
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

fn flags(trace_flags: u8, remote: bool) -> u32 {
    u32::from(trace_flags) | HAS_IS_REMOTE | if remote { IS_REMOTE } else { 0 }
}

/// The W3C `tracestate` header of a context; empty (no allocation) for the usual empty state.
fn trace_state(state: &TraceState) -> String {
    if *state == TraceState::NONE {
        String::new()
    } else {
        state.header()
    }
}

fn status(status: &Status) -> (u64, &str) {
    match status {
        Status::Unset => (0, ""),
        Status::Ok => (1, ""),
        Status::Error { description } => (2, description),
    }
}

fn status_len(status: &Status) -> usize {
    let (code, message) = self::status(status);
    str_len(2, message) + uint_len(3, code)
}

fn span_len(span: &SpanData) -> usize {
    let context = &span.span_context;
    let mut len = delimited_len(1, 16) + delimited_len(2, 8);
    len += str_len(3, &trace_state(context.trace_state()));
    if span.parent_span_id != SpanId::INVALID {
        len += delimited_len(4, 8);
    }
    len += str_len(5, &span.name);
    len += uint_len(6, kind(&span.span_kind));
    len += fixed64_len(7, nanos(span.start_time));
    len += fixed64_len(8, nanos(span.end_time));
    len += attributes_len(9, &span.attributes);
    len += uint_len(10, u64::from(span.dropped_attributes_count));
    for event in span.events.iter() {
        len += delimited_len(11, event_len(event));
    }
    len += uint_len(12, u64::from(span.events.dropped_count));
    for link in span.links.iter() {
        len += delimited_len(13, link_len(link));
    }
    len += uint_len(14, u64::from(span.links.dropped_count));
    len += delimited_len(15, status_len(&span.status));
    len += fixed32_len(
        16,
        flags(context.trace_flags().to_u8(), span.parent_span_is_remote),
    );
    len
}

fn event_len(event: &opentelemetry::trace::Event) -> usize {
    fixed64_len(1, nanos(event.timestamp))
        + str_len(2, &event.name)
        + attributes_len(3, &event.attributes)
        + uint_len(4, u64::from(event.dropped_attributes_count))
}

fn link_len(link: &opentelemetry::trace::Link) -> usize {
    let context = &link.span_context;
    delimited_len(1, 16)
        + delimited_len(2, 8)
        + str_len(3, &trace_state(context.trace_state()))
        + attributes_len(4, &link.attributes)
        + uint_len(5, u64::from(link.dropped_attributes_count))
        + fixed32_len(6, flags(context.trace_flags().to_u8(), context.is_remote()))
}

fn write_span(w: &mut Writer, span: &SpanData) {
    let context = &span.span_context;
    w.bytes(1, &context.trace_id().to_bytes());
    w.bytes(2, &context.span_id().to_bytes());
    w.str(3, &trace_state(context.trace_state()));
    if span.parent_span_id != SpanId::INVALID {
        w.bytes(4, &span.parent_span_id.to_bytes());
    }
    w.str(5, &span.name);
    w.uint(6, kind(&span.span_kind));
    w.fixed64_nonzero(7, nanos(span.start_time));
    w.fixed64_nonzero(8, nanos(span.end_time));
    for kv in &span.attributes {
        write_key_value(w, 9, kv.key.as_str(), &kv.value);
    }
    w.uint(10, u64::from(span.dropped_attributes_count));
    for event in span.events.iter() {
        w.delimited(11, event_len(event));
        w.fixed64_nonzero(1, nanos(event.timestamp));
        w.str(2, &event.name);
        for kv in &event.attributes {
            write_key_value(w, 3, kv.key.as_str(), &kv.value);
        }
        w.uint(4, u64::from(event.dropped_attributes_count));
    }
    w.uint(12, u64::from(span.events.dropped_count));
    for link in span.links.iter() {
        let context = &link.span_context;
        w.delimited(13, link_len(link));
        w.bytes(1, &context.trace_id().to_bytes());
        w.bytes(2, &context.span_id().to_bytes());
        w.str(3, &trace_state(context.trace_state()));
        for kv in &link.attributes {
            write_key_value(w, 4, kv.key.as_str(), &kv.value);
        }
        w.uint(5, u64::from(link.dropped_attributes_count));
        w.fixed32_nonzero(6, flags(context.trace_flags().to_u8(), context.is_remote()));
    }
    w.uint(14, u64::from(span.links.dropped_count));
    let (code, message) = status(&span.status);
    w.delimited(15, status_len(&span.status));
    w.str(2, message);
    w.uint(3, code);
    w.fixed32_nonzero(
        16,
        flags(context.trace_flags().to_u8(), span.parent_span_is_remote),
    );
}

/// The `KeyValue` fields of tag `tag` holding `attributes`.
fn attributes_len<'a>(tag: u32, attributes: impl IntoIterator<Item = &'a KeyValue>) -> usize {
    attributes
        .into_iter()
        .map(|kv| delimited_len(tag, key_value_len(kv.key.as_str(), &kv.value)))
        .sum()
}

/// The body of a `KeyValue`: the key and the `AnyValue` (always written).
fn key_value_len(key: &str, value: &Value) -> usize {
    str_len(1, key) + delimited_len(2, any_value_len(value))
}

fn write_key_value(w: &mut Writer, tag: u32, key: &str, value: &Value) {
    w.delimited(tag, key_value_len(key, value));
    w.str(1, key);
    w.delimited(2, any_value_len(value));
    write_any_value(w, value);
}

/// The body of an `AnyValue`: one member of its `value` oneof, written even when empty.
fn any_value_len(value: &Value) -> usize {
    match value {
        Value::Bool(_) => key_len(2) + 1,
        Value::I64(v) => key_len(3) + varint_len(*v as u64),
        Value::F64(_) => key_len(4) + 8,
        Value::String(s) => delimited_len(1, s.as_str().len()),
        Value::Array(array) => delimited_len(5, array_len(array)),
        // A kind of value newer than this encoder: its text, as a string.
        other => delimited_len(1, other.as_str().len()),
    }
}

fn write_any_value(w: &mut Writer, value: &Value) {
    match value {
        Value::Bool(v) => w.varint(2, u64::from(*v)),
        Value::I64(v) => w.varint(3, *v as u64),
        Value::F64(v) => w.fixed64(4, v.to_bits()),
        Value::String(s) => w.string(1, s.as_str()),
        Value::Array(array) => {
            w.delimited(5, array_len(array));
            write_array(w, array);
        }
        other => w.string(1, &other.as_str()),
    }
}

/// The body of an `ArrayValue`: one `AnyValue` field per element.
fn array_len(array: &Array) -> usize {
    match array {
        Array::Bool(values) => values.len() * delimited_len(1, key_len(2) + 1),
        Array::I64(values) => values
            .iter()
            .map(|v| delimited_len(1, key_len(3) + varint_len(*v as u64)))
            .sum(),
        Array::F64(values) => values.len() * delimited_len(1, key_len(4) + 8),
        Array::String(values) => values
            .iter()
            .map(|v| delimited_len(1, delimited_len(1, v.as_str().len())))
            .sum(),
        // A kind of array newer than this encoder: empty.
        _ => 0,
    }
}

fn write_array(w: &mut Writer, array: &Array) {
    match array {
        Array::Bool(values) => {
            for v in values {
                w.delimited(1, key_len(2) + 1);
                w.varint(2, u64::from(*v));
            }
        }
        Array::I64(values) => {
            for v in values {
                w.delimited(1, key_len(3) + varint_len(*v as u64));
                w.varint(3, *v as u64);
            }
        }
        Array::F64(values) => {
            for v in values {
                w.delimited(1, key_len(4) + 8);
                w.fixed64(4, v.to_bits());
            }
        }
        Array::String(values) => {
            for v in values {
                w.delimited(1, delimited_len(1, v.as_str().len()));
                w.string(1, v.as_str());
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::Duration;

    use opentelemetry::trace::{Event, Link, SpanContext, TraceFlags, TraceId, TraceState};
    use opentelemetry::{KeyValue, StringValue};
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
    use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
    use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
    use prost::Message;

    use super::*;

    /// What `opentelemetry-otlp`'s gRPC exporter sends for the same batch.
    fn reference(spans: &[SpanData], resource: &Resource) -> Vec<u8> {
        ExportTraceServiceRequest {
            resource_spans: group_spans_by_resource_and_scope(
                spans.to_vec(),
                &ResourceAttributesWithSchema::from(resource),
            ),
        }
        .encode_to_vec()
    }

    fn assert_same(spans: &[SpanData], resource: &Resource) {
        let ours = TraceRequestEncoder::new(resource).encode(spans);
        let reference = reference(spans, resource);
        let decoded = ExportTraceServiceRequest::decode(ours.as_slice()).expect("decodes");
        let expected = ExportTraceServiceRequest::decode(reference.as_slice()).unwrap();
        // Field for field first (a readable diff), then byte for byte.
        assert_eq!(decoded, expected);
        assert_eq!(ours, reference);
    }

    fn context(trace: u128, span: u64, flags: u8, remote: bool, state: &str) -> SpanContext {
        SpanContext::new(
            TraceId::from(trace),
            SpanId::from(span),
            TraceFlags::new(flags),
            remote,
            state.parse::<TraceState>().unwrap(),
        )
    }

    fn scope(name: &'static str) -> InstrumentationScope {
        InstrumentationScope::builder(name).build()
    }

    fn span(name: &'static str, scope: InstrumentationScope) -> SpanData {
        let start = UNIX_EPOCH + Duration::from_nanos(1_764_000_000_123_456_789);
        SpanData {
            span_context: context(
                0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c,
                0xb7ad_6b71_6920_3331,
                1,
                false,
                "",
            ),
            parent_span_id: SpanId::from(0x00f0_67aa_0ba9_02b7),
            parent_span_is_remote: false,
            span_kind: SpanKind::Client,
            name: Cow::Borrowed(name),
            start_time: start,
            end_time: start + Duration::from_micros(1530),
            attributes: vec![
                KeyValue::new("gen_ai.operation.name", "chat"),
                KeyValue::new("gen_ai.provider.name", "openai"),
                KeyValue::new("gen_ai.request.model", "gpt-4o-mini"),
                KeyValue::new("gen_ai.request.max_tokens", 256),
                KeyValue::new("gen_ai.request.temperature", 0.7),
                KeyValue::new("server.port", 443),
            ],
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: scope,
        }
    }

    fn resource() -> Resource {
        Resource::builder_empty()
            .with_service_name("gateway")
            .with_attributes([
                KeyValue::new("service.version", "1.4.2"),
                KeyValue::new("deployment.environment.name", "prod"),
                KeyValue::new("host.cpu.count", 8),
            ])
            .build()
    }

    #[test]
    fn a_chat_span_encodes_as_opentelemetry_proto_and_prost_do() {
        assert_same(
            &[span("chat gpt-4o-mini", scope("telemetry-runtime"))],
            &resource(),
        );
    }

    #[test]
    fn a_batch_of_many_spans_matches() {
        let spans: Vec<SpanData> = (0..600)
            .map(|i| {
                let mut s = span("chat", scope("telemetry-runtime"));
                s.span_context = context(i as u128 + 1, i + 1, 1, false, "");
                s.attributes.push(KeyValue::new("i", i as i64));
                s
            })
            .collect();
        assert_same(&spans, &resource());
    }

    #[test]
    fn an_empty_batch_is_one_resource_without_scopes() {
        assert_same(&[], &resource());
        assert_same(&[], &Resource::builder_empty().build());
    }

    #[test]
    fn scopes_are_grouped_in_first_seen_order_with_their_version_attributes_and_schema() {
        let versioned = InstrumentationScope::builder("my-lib")
            .with_version("2.1.0")
            .with_schema_url("https://opentelemetry.io/schemas/1.41.0")
            .with_attributes([KeyValue::new("lib.feature", "streaming")])
            .build();
        let spans = [
            span("a", scope("first")),
            span("b", versioned.clone()),
            span("c", scope("first")),
            span("d", scope("")),
            span("e", versioned),
        ];
        assert_same(&spans, &resource());
    }

    #[test]
    fn every_field_and_value_kind_matches() {
        let mut full = span("", scope("telemetry-runtime"));
        full.span_context = context(
            u128::MAX,
            u64::MAX,
            0,
            false,
            "vendor=opaque,congo=t61rcWkgMzE",
        );
        full.parent_span_id = SpanId::INVALID;
        full.parent_span_is_remote = true;
        full.span_kind = SpanKind::Server;
        full.status = Status::error("upstream timed out");
        full.dropped_attributes_count = 3;
        full.attributes.extend([
            KeyValue::new("empty", ""),
            KeyValue::new("", "empty key"),
            KeyValue::new("negative", -1_i64),
            KeyValue::new("min", i64::MIN),
            KeyValue::new("zero", 0_i64),
            KeyValue::new("zero.f", 0.0),
            KeyValue::new("false", false),
            KeyValue::new("true", true),
            KeyValue::new("unicode", "héllo ✓ 日本"),
            KeyValue::new("long", "x".repeat(70_000)),
            KeyValue::new("bools", Value::Array(vec![true, false].into())),
            KeyValue::new("ints", Value::Array(vec![0_i64, -5, 300].into())),
            KeyValue::new("floats", Value::Array(vec![1.5, -0.0].into())),
            KeyValue::new(
                "strings",
                Value::Array(vec![StringValue::from("a"), StringValue::from("")].into()),
            ),
            KeyValue::new("empty.array", Value::Array(Vec::<i64>::new().into())),
        ]);
        let mut event_attributes = vec![KeyValue::new("exception.type", "Timeout")];
        event_attributes.push(KeyValue::new("exception.escaped", false));
        let mut events = SpanEvents::default();
        events.events = vec![
            Event::new("exception", full.start_time, event_attributes, 1),
            Event::new("", UNIX_EPOCH, vec![], 0),
            Event::new(
                "before epoch",
                UNIX_EPOCH - Duration::from_secs(5),
                vec![],
                0,
            ),
        ];
        events.dropped_count = 2;
        full.events = events;
        let mut links = SpanLinks::default();
        links.links = vec![
            Link::new(
                context(7, 9, 1, true, "k=v"),
                vec![KeyValue::new("messaging.batch.message_count", 4)],
                5,
            ),
            Link::new(context(8, 10, 0, false, ""), vec![], 0),
        ];
        links.dropped_count = 6;
        full.links = links;

        let mut ok = span("ok", scope("telemetry-runtime"));
        ok.status = Status::Ok;
        ok.span_kind = SpanKind::Internal;
        ok.end_time = UNIX_EPOCH;
        let mut producer = span("send", scope("telemetry-runtime"));
        producer.span_kind = SpanKind::Producer;
        producer.status = Status::error("");
        let mut consumer = span("receive", scope("telemetry-runtime"));
        consumer.span_kind = SpanKind::Consumer;
        consumer.parent_span_is_remote = true;

        let resource = Resource::builder_empty()
            .with_schema_url(
                [KeyValue::new("service.name", "svc")],
                "https://example.com/s",
            )
            .build();
        assert_same(&[full, ok, producer, consumer], &resource);
    }

    #[test]
    fn not_a_number_is_written_bit_for_bit() {
        // NaN is not equal to itself field for field: bytes only.
        let mut with_nan = span("chat", scope("telemetry-runtime"));
        with_nan.attributes.push(KeyValue::new("nan", f64::NAN));
        with_nan.attributes.push(KeyValue::new(
            "inf",
            Value::Array(vec![f64::INFINITY, f64::NAN].into()),
        ));
        let resource = resource();
        let spans = [with_nan];
        assert_eq!(
            TraceRequestEncoder::new(&resource).encode(&spans),
            reference(&spans, &resource)
        );
    }

    #[test]
    fn set_resource_replaces_the_resource_of_later_requests() {
        let spans = [span("chat", scope("telemetry-runtime"))];
        // One instance: a resource's attributes are written in its map's order.
        let resource = resource();
        let mut encoder = TraceRequestEncoder::new(&Resource::builder_empty().build());
        encoder.set_resource(&resource);
        assert_eq!(encoder.encode(&spans), reference(&spans, &resource));
        // The scratch buffers are reused: a second batch encodes the same way.
        assert_eq!(encoder.encode(&spans), reference(&spans, &resource));
    }
}
