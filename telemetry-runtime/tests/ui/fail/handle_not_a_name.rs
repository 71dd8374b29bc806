use telemetry_runtime::llm_span;

#[llm_span(kind = "llm.decode", handle = 1)]
fn decode() {}

#[llm_span(kind = "llm.decode", handle = self.span)]
fn decode2() {}

#[llm_span(kind = "llm.decode", handle)]
fn decode3() {}

fn main() {}
