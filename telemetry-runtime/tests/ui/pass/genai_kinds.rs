//! Every built-in GenAI kind with its required arguments.

use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;

struct Response {
    text: String,
    input: u32,
    output: u32,
}

impl GenerationOutcome for Response {
    fn input_tokens(&self) -> Option<u64> {
        Some(self.input.into())
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.output.into())
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec!["stop"]
    }
}

#[derive(Debug)]
struct ApiError;

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("api error")
    }
}

struct Request {
    model: String,
    max_tokens: u32,
    temperature: f64,
    stop: Vec<String>,
}

#[llm_span(
    kind = "chat",
    provider = "openai",
    model = req.model,
    max_tokens = req.max_tokens,
    temperature = req.temperature,
    top_p = 0.9,
    stop_sequences = req.stop,
    stream = false,
    seed = 42,
    server_address = "api.openai.com",
    server_port = 443,
    input_messages = "hello",
)]
fn chat(req: &Request) -> Result<Response, ApiError> {
    Ok(Response {
        text: format!("reply from {}", req.model),
        input: 3,
        output: 5,
    })
}

#[llm_span(kind = "text_completion", provider = "vllm", model = "llama-3-8b")]
fn complete(prompt: &str) -> Response {
    Response {
        text: prompt.to_uppercase(),
        input: 1,
        output: 1,
    }
}

#[llm_span(kind = "generate_content", provider = "gcp.gemini", model = model)]
async fn generate(model: &str) -> Result<Response, ApiError> {
    Ok(Response {
        text: model.to_owned(),
        input: 1,
        output: 2,
    })
}

#[llm_span(
    kind = "embeddings",
    provider = "openai",
    model = "text-embedding-3-small",
    dimension_count = 3usize
)]
fn embed(text: &str) -> Vec<f32> {
    vec![text.len() as f32; 3]
}

#[llm_span(
    kind = "retrieval",
    data_source_id = "kb-1",
    top_k = 5.0,
    query_text = "what is rust"
)]
fn retrieve(query: &str) -> Vec<String> {
    vec![query.to_owned()]
}

#[llm_span(kind = "execute_tool", tool_name = "get_weather", tool_call_id = id)]
fn execute_tool(id: &str) -> Result<String, ApiError> {
    Ok(format!("sunny ({id})"))
}

#[llm_span(
    kind = "invoke_agent",
    span_kind = "internal",
    provider = "openai",
    agent_name = "planner"
)]
async fn invoke_agent(task: &str) -> String {
    task.to_owned()
}

#[llm_span(kind = "create_agent", provider = "openai", agent_name = name, system_instructions = "be brief")]
fn create_agent(name: &str) -> u64 {
    name.len() as u64
}

fn main() {
    let req = Request {
        model: "gpt-4o".into(),
        max_tokens: 256,
        temperature: 0.2,
        stop: vec!["\n".into()],
    };
    assert_eq!(chat(&req).unwrap().text, "reply from gpt-4o");
    assert_eq!(complete("hi").text, "HI");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(generate("gemini")).unwrap().text, "gemini");
    assert_eq!(embed("abc").len(), 3);
    assert_eq!(retrieve("q"), ["q"]);
    assert_eq!(execute_tool("call_1").unwrap(), "sunny (call_1)");
    assert_eq!(rt.block_on(invoke_agent("plan")), "plan");
    assert_eq!(create_agent("bot"), 3);
}
