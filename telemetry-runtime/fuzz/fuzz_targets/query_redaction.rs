//! `url.query` redaction: arbitrary text as a query string. Never a panic; a credential
//! value never survives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::__fuzz::redact_query;

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let redacted = redact_query(&query);
    // A canary behind a credential key never survives, wherever the input puts it.
    let hostile = format!("{query}&api_key=CANARY-7f3a&x=1");
    assert!(!redact_query(&hostile).contains("CANARY-7f3a"), "{hostile}");
    // Redaction is stable: redacting again changes nothing.
    assert_eq!(redact_query(&redacted), redacted);
});
