use telemetry_runtime::genai::content::InputMessage;
use telemetry_runtime::llm_span;

#[llm_span(kind = "chat", provider = "openai", model = messages)]
fn chat(messages: Vec<InputMessage>) {}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", conversation_id = json)]
fn chat_json(json: serde_json::Value) {}

fn main() {}
