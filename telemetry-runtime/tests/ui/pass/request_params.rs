use telemetry_runtime::genai::{GenAiRequest, GenerationOutcome, RequestParams};
use telemetry_runtime::llm_span;

struct MyRequest {
    model: String,
    max_tokens: u32,
}

impl GenAiRequest for MyRequest {
    fn request_params(&self) -> RequestParams<'_> {
        let mut params = RequestParams::default();
        params.model = Some(&self.model);
        params.max_tokens = Some(self.max_tokens.into());
        params
    }
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

// By reference or by value: the request is only borrowed, the body keeps it.
#[llm_span(kind = "chat", provider = "openai", request = &req)]
async fn chat(req: MyRequest) -> Answer {
    drop(req);
    Answer
}

#[llm_span(kind = "text_completion", provider = "openai", request = req, max_tokens = 3)]
fn complete(req: MyRequest) -> Answer {
    drop(req);
    Answer
}

fn main() {
    let _ = chat(MyRequest { model: "m".into(), max_tokens: 1 });
    let _ = complete(MyRequest { model: "m".into(), max_tokens: 1 });
}
