use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;

struct Prompt {
    model: String,
    text: String,
}

struct Answer;

impl GenerationOutcome for Answer {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

// `Prompt` is not a request type: the error is on the expression, and says what reads.
#[llm_span(kind = "chat", provider = "openai", request = &prompt)]
fn chat(prompt: &Prompt) -> Answer {
    let _ = (&prompt.model, &prompt.text);
    Answer
}

// A kind without request parameters.
#[llm_span(kind = "decode", request = &prompt)]
fn decode(prompt: &Prompt) {
    let _ = prompt;
}

fn main() {}
