use telemetry_runtime::llm_span;

#[llm_span(kind = "chta", provider = "openai", model = "gpt-4o")]
fn chat() {}

#[llm_span(kind = "sql.query")]
fn query() {}

fn main() {}
