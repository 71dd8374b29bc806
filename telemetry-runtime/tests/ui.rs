//! Compile-time behaviour of `#[llm_span]` and `#[derive(SpanContract)]`: what compiles, and
//! the error a user sees when it does not (`tests/ui/fail/*.stderr`).
//!
//! Regenerate the expected output after changing a message with
//! `TRYBUILD=overwrite cargo test -p telemetry-runtime --test ui`, then read every `.stderr`.
#![cfg(feature = "sdk")]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
