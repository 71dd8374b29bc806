use telemetry_runtime::llm_span;

#[llm_span(kind = "chat", provider = "openai", model = a, model = b)]
fn chat(a: &str, b: &str) {}

fn main() {}
