use telemetry_runtime::llm_span;

#[llm_span(provider = "openai", model = "gpt-4o")]
fn chat() {}

#[llm_span]
fn bare() {}

fn main() {}
