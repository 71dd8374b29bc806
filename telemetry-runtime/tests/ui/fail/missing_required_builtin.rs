use telemetry_runtime::llm_span;

#[llm_span(kind = "chat", provider = "openai", max_tokens = 5)]
fn chat() {}

#[llm_span(kind = "http.handler")]
fn handler() {}

fn main() {}
