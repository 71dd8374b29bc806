//! The `_trace_context` envelope of messages without headers: arbitrary JSON (the fuzz
//! input as text) read as a message. Never a panic; whatever is read back is a valid
//! context whose map round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::opentelemetry::trace::TraceContextExt as _;
use telemetry_runtime::propagation::{TraceContextMap, envelope};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let map = TraceContextMap::from_json(&value);
    let cx = map.extract();
    let span = cx.span().span_context().clone();
    if span.is_valid() {
        // A valid parent came from a traceparent that is kept as given.
        assert!(map.traceparent().is_some());
    }
    // What is written out reads back as the same context, and holds no value that was not
    // a string in the input.
    let json = map.to_json();
    for value in json.values() {
        assert!(!value.as_str().unwrap_or_default().contains('\0') || data.contains(&0));
    }
    let again = TraceContextMap::from_json(&serde_json::Value::Object(json));
    assert_eq!(again.traceparent(), map.traceparent());
    let (a, b) = (again.extract(), cx);
    assert_eq!(a.span().span_context(), b.span().span_context());
    if let serde_json::Value::Object(mut message) = value {
        let _ = envelope::extract_from_map(&message);
        let _ = envelope::take_from_map(&mut message);
        assert!(!message.contains_key(telemetry_runtime::propagation::TRACE_CONTEXT_KEY));
    }
});
