//! [`HeapSize`]: what a queued item costs in memory, approximately (its struct plus the text
//! and lists it owns), so that every queue and buffer is bounded in bytes as well as in items.
//! Estimated once, when the item is queued; counted back when it is exported or dropped.

use opentelemetry::logs::AnyValue;
use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::logs::SdkLogRecord;
use opentelemetry_sdk::trace::SpanData;

/// Bytes an item holds, struct and owned data.
pub(crate) trait HeapSize {
    /// The estimate.
    fn heap_size(&self) -> usize;
}

fn value_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.as_str().len(),
        Value::Array(Array::String(items)) => items.iter().map(|s| s.as_str().len() + 24).sum(),
        Value::Array(Array::Bool(items)) => items.len(),
        Value::Array(Array::I64(items)) => items.len() * 8,
        Value::Array(Array::F64(items)) => items.len() * 8,
        _ => 0,
    }
}

fn attributes_size(attributes: &[KeyValue]) -> usize {
    attributes
        .iter()
        .map(|kv| std::mem::size_of::<KeyValue>() + kv.key.as_str().len() + value_size(&kv.value))
        .sum()
}

impl HeapSize for SpanData {
    fn heap_size(&self) -> usize {
        let events: usize = (self.events.events.iter())
            .map(|e| std::mem::size_of_val(e) + e.name.len() + attributes_size(&e.attributes))
            .sum();
        let links: usize = (self.links.links.iter())
            .map(|l| std::mem::size_of_val(l) + attributes_size(&l.attributes))
            .sum();
        std::mem::size_of::<SpanData>()
            + self.name.len()
            + attributes_size(&self.attributes)
            + events
            + links
    }
}

impl HeapSize for (SdkLogRecord, InstrumentationScope) {
    fn heap_size(&self) -> usize {
        let (record, _scope) = self;
        let attributes: usize = (record.attributes_iter())
            .map(|(k, v)| 64 + k.as_str().len() + any_value_size(v))
            .sum();
        std::mem::size_of::<Self>() + record.body().map_or(0, any_value_size) + attributes
    }
}

/// Bytes of a log record value.
pub(crate) fn any_value_size(value: &AnyValue) -> usize {
    match value {
        AnyValue::String(s) => s.as_str().len(),
        AnyValue::Bytes(b) => b.len(),
        AnyValue::ListAny(items) => items.iter().map(|v| 32 + any_value_size(v)).sum(),
        AnyValue::Map(map) => map
            .iter()
            .map(|(k, v)| 48 + k.as_str().len() + any_value_size(v))
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status};
    use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
    use std::time::SystemTime;

    #[test]
    fn a_span_costs_its_struct_and_the_text_it_holds() {
        let mut span = SpanData {
            span_context: SpanContext::empty_context(),
            parent_span_id: SpanId::INVALID,
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: "chat".into(),
            start_time: SystemTime::UNIX_EPOCH,
            end_time: SystemTime::UNIX_EPOCH,
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("s").build(),
        };
        let empty = span.heap_size();
        assert!(empty >= std::mem::size_of::<SpanData>());
        span.attributes
            .push(KeyValue::new("big", "x".repeat(1 << 20)));
        assert!(span.heap_size() >= empty + (1 << 20));
        assert!(span.heap_size() < empty + (1 << 20) + 256);
    }
}
