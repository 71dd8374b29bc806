use telemetry_runtime::llm_span;

#[derive(Debug)]
struct ApiError;

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
fn chat() -> Result<String, ApiError> {
    Ok(String::new())
}

#[llm_span(kind = "text_completion", provider = "openai", model = "gpt-4o")]
async fn complete() -> Vec<u8> {
    Vec::new()
}

fn main() {}
