use telemetry_runtime::{SpanContract, llm_span};

#[derive(SpanContract)]
struct Lookup;

#[llm_span(kind = "rerank", contract = Lookup)]
fn lookup() {}

fn main() {}
