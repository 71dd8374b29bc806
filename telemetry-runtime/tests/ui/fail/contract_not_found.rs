use telemetry_runtime::{SpanContract, llm_span};

#[derive(SpanContract)]
struct Lookup {
    #[attr(required)]
    name: String,
}

#[llm_span(contract = Lokup, name = "x")]
fn lookup() {}

#[llm_span(contract = Lookup, nme = "x")]
fn lookup2() {}

fn main() {}
