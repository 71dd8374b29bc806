use telemetry_runtime::llm_span;

#[llm_span(
    kind = "chat",
    provider = "openai",
    model = "gpt-4o",
    max_tokens = "many",
    temperature = 1,
    stream = "yes"
)]
fn chat() {}

fn main() {}

#[llm_span(
    kind = "chat",
    provider = "openai",
    model = 4,
    max_tokens = "256",
    seed = 7.0,
    stop_sequences = "\n"
)]
fn chat2() {}
