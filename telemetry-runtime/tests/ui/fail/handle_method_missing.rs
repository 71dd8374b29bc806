use telemetry_runtime::llm_span;

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", handle = span)]
async fn chat() {
    span.step();
    span.set_max_token(&5);
}

fn main() {}
