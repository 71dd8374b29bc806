use telemetry_runtime::llm_span;

struct Request {
    name: String,
    max_tokens: u32,
    temperature: f64,
}

#[llm_span(kind = "chat", provider = "openai", model = req.name, max_tokens = req.name, temperature = req.max_tokens)]
fn chat(req: &Request) {}

#[llm_span(kind = "chat", provider = "openai", model = req.max_tokens, stop_sequences = req.name, stream = req.temperature)]
fn chat2(req: &Request) {}

fn main() {}
