use telemetry_runtime::llm_span;

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", max_token = 5)]
fn chat() {}

#[llm_span(kind = "llm.decode", colour = "blue")]
fn decode() {}

fn main() {}
