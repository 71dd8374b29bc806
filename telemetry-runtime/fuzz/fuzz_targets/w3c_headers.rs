//! Feeds arbitrary bytes to the W3C header parsers of `telemetry_runtime::propagation`.
//!
//! The input, as lossy UTF-8, is split at the first two `\n` into a `traceparent`, a
//! `tracestate` and a `baggage` value; `\r` inside the last two splits them into several
//! header values. Beyond "never panics", it checks that whatever parses round-trips and
//! stays within the limits.
//!
//! Run with `cargo +nightly fuzz run w3c_headers` from `telemetry-runtime/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::propagation::{
    BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS, Baggage, TRACESTATE_MAX_MEMBERS, TraceParent,
    TraceState, extract,
};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let mut parts = input.splitn(3, '\n');
    let traceparent = parts.next().unwrap_or_default();
    let tracestate: Vec<&str> = parts.next().unwrap_or_default().split('\r').collect();
    let baggage: Vec<&str> = parts.next().unwrap_or_default().split('\r').collect();

    if let Ok(parsed) = TraceParent::parse(traceparent) {
        assert_eq!(TraceParent::parse(&parsed.to_header()), Ok(parsed));
    }

    if let Ok(parsed) = TraceState::parse_values(&tracestate) {
        assert!(parsed.len() <= TRACESTATE_MAX_MEMBERS);
        assert_eq!(TraceState::parse(&parsed.to_header()), Ok(parsed.clone()));
        // Repeated keys keep their first entry: no key twice, every key valid (Level 2).
        let mut keys = std::collections::HashSet::new();
        for (key, value) in parsed.iter() {
            assert!(keys.insert(key), "{key} twice");
            assert!(TraceState::is_valid_key(key) && TraceState::is_valid_value(value));
        }
        let _ = TraceState::from_otel(&parsed.to_otel());
    }

    let parsed = Baggage::parse_values(&baggage);
    let header = parsed.to_header();
    assert!(parsed.len() <= BAGGAGE_MAX_MEMBERS);
    assert!(header.len() <= BAGGAGE_MAX_BYTES);
    assert_eq!(Baggage::parse(&header), parsed);
    let _ = Baggage::from_otel(&parsed.to_otel());

    let span_context = extract(|name| match name {
        "traceparent" => vec![traceparent.to_owned()],
        "tracestate" => tracestate.iter().map(|v| (*v).to_owned()).collect(),
        _ => Vec::new(),
    });
    if let Some(span_context) = span_context {
        assert!(span_context.is_valid());
    }
});
