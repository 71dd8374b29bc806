use telemetry_runtime::llm_span;

#[llm_span(kind = "invoke_agent", provider = "openai", span_kind = "interal")]
fn agent() {}

#[llm_span(kind = "invoke_agent", provider = "openai", span_kind = Internal)]
fn agent2() {}

fn main() {}
