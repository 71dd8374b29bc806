//! `X-Request-ID` validation: arbitrary bytes as one or more header values. Never a panic;
//! the client's id is taken exactly when it sent one valid value, else the trace id is.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use telemetry_runtime::http::{RequestId, RequestIdSource};
use telemetry_runtime::opentelemetry::trace::TraceId;

fuzz_target!(|data: &[u8]| {
    let _ = RequestId::is_valid(data);
    let mut headers = HeaderMap::new();
    let mut sent = Vec::new();
    for part in data.split(|b| *b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(part) {
            headers.append("x-request-id", value);
            sent.push(part);
        }
    }
    let trace_id = TraceId::from_bytes([7; 16]);
    let id = RequestId::for_request(&headers, trace_id);
    assert!(RequestId::is_valid(id.as_str().as_bytes()));
    match id.source() {
        RequestIdSource::Client => {
            // Only one header value, valid, taken as sent.
            assert_eq!(sent.len(), 1);
            assert!(RequestId::is_valid(sent[0]));
            assert_eq!(id.as_str().as_bytes(), sent[0]);
        }
        _ => {
            assert!(sent.len() != 1 || !RequestId::is_valid(sent[0]));
            assert_eq!(id.as_str(), trace_id.to_string());
        }
    }
    assert_eq!(id.header_value().as_bytes(), id.as_str().as_bytes());
});
