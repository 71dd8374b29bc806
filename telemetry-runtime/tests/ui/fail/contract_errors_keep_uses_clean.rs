// A contract with an error is still emitted from its valid fields: the spans that use it
// raise no errors of their own, only the derive's error is reported.
use telemetry_runtime::{SpanContract, llm_span};

#[derive(SpanContract)]
#[contract(kind = "cache.lookup", name = "cache.lookup {cache.name}")]
pub struct CacheLookup {
    #[attr(key = "cache.name", required)]
    name: String,
    #[attr(key = "cache.hits")]
    hits: std::time::Duration,
}

#[llm_span(contract = CacheLookup, name = "sessions")]
fn lookup(key: &str) -> Option<String> {
    Some(key.to_owned())
}

fn main() {
    let _ = lookup("k");
}
