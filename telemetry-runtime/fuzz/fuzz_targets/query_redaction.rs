//! `url.query` redaction: arbitrary text as a query string. Never a panic; a credential
//! value never survives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use telemetry_runtime::__fuzz::redact_query;

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let redacted = redact_query(&query);
    // A canary behind a credential key never survives, wherever the input puts it (the
    // input may hold the same text elsewhere, in places that are not credentials).
    const CANARY: &str = "CANARY-7f3a";
    let hostile = format!("{query}&api_key={CANARY}&x=1");
    let before = redact_query(&query).matches(CANARY).count();
    assert_eq!(
        redact_query(&hostile).matches(CANARY).count(),
        before,
        "{hostile}"
    );
    // Redaction is stable: redacting again changes nothing.
    assert_eq!(redact_query(&redacted), redacted);
});
