//! The GenAI built-in kinds, exported through the SDK: span name, span kind, every attribute
//! with its type, the outcome of the return value, status and events, legacy names.
#![cfg(feature = "sdk")]

mod common;

use std::borrow::Cow;

use common::*;
use opentelemetry::trace::SpanKind;
use telemetry_runtime::contracts::{
    Chat, CreateAgent, Embeddings, ExecuteTool, GenerateContent, InvokeAgent, Retrieval,
    TextCompletion,
};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;
use telemetry_runtime::span::ErrorType;

// ----- fixtures -------------------------------------------------------------------------

struct ChatRequest {
    model: String,
    max_tokens: u32,
    choices: usize,
    temperature: f64,
    top_p: f32,
    top_k: f64,
    stop: Vec<String>,
    seed: i64,
    stream: bool,
    conversation: String,
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "gpt-4o".into(),
        max_tokens: 256,
        choices: 2,
        temperature: 0.2,
        top_p: 0.5,
        top_k: 40.0,
        stop: vec!["\n\n".into(), "END".into()],
        seed: 42,
        stream: false,
        conversation: "conv-7".into(),
    }
}

#[derive(Clone, Debug)]
struct ChatResponse {
    id: Option<String>,
    model: Option<String>,
    input: Option<u64>,
    output: Option<u64>,
    reasons: Vec<&'static str>,
}

impl ChatResponse {
    fn full() -> Self {
        ChatResponse {
            id: Some("chatcmpl-123".into()),
            model: Some("gpt-4o-2024-08-06".into()),
            input: Some(31),
            output: Some(17),
            reasons: vec!["stop", "length"],
        }
    }
}

impl GenerationOutcome for ChatResponse {
    fn input_tokens(&self) -> Option<u64> {
        self.input
    }
    fn output_tokens(&self) -> Option<u64> {
        self.output
    }
    fn finish_reasons(&self) -> Vec<&str> {
        self.reasons.clone()
    }
    fn response_id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn response_model(&self) -> Option<&str> {
        self.model.as_deref()
    }
}

/// An error with a stable `error.type`.
#[derive(Debug)]
struct RateLimited {
    retry_after_s: u32,
}
impl std::fmt::Display for RateLimited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rate limited, retry after {} s", self.retry_after_s)
    }
}
impl ErrorType for RateLimited {
    fn error_type(&self) -> Cow<'static, str> {
        "rate_limited".into()
    }
    // Holds no content: recorded with capture off.
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        Some(self.to_string().into())
    }
}

// ----- chat -----------------------------------------------------------------------------

#[llm_span(
    kind = "chat",
    provider = "openai",
    model = req.model,
    max_tokens = req.max_tokens,
    choice_count = req.choices,
    temperature = req.temperature,
    top_p = req.top_p,
    top_k = req.top_k,
    stop_sequences = req.stop,
    frequency_penalty = 0.5,
    presence_penalty = -0.25,
    seed = req.seed,
    stream = req.stream,
    output_type = "text",
    conversation_id = req.conversation,
    server_address = "api.openai.com",
    server_port = 443,
)]
fn chat(req: &ChatRequest, response: ChatResponse) -> Result<ChatResponse, common::UpstreamError> {
    Ok(response)
}

#[test]
fn chat_records_name_kind_and_every_request_attribute_with_its_type() {
    let h = Harness::new();
    let out = chat(&request(), ChatResponse::full()).unwrap();
    assert_eq!(out.id.as_deref(), Some("chatcmpl-123"));

    let span = h.only_span();
    assert_eq!(span.name, "chat gpt-4o");
    assert_kind(&span, SpanKind::Client);
    assert_root(&span);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("gpt-4o")),
            ("gen_ai.request.max_tokens", i(256)),
            ("gen_ai.request.choice.count", i(2)),
            ("gen_ai.request.temperature", f(0.2)),
            ("gen_ai.request.top_p", f(0.5)),
            ("gen_ai.request.top_k", f(40.0)),
            ("gen_ai.request.stop_sequences", sa(&["\n\n", "END"])),
            ("gen_ai.request.frequency_penalty", f(0.5)),
            ("gen_ai.request.presence_penalty", f(-0.25)),
            ("gen_ai.request.seed", i(42)),
            ("gen_ai.request.stream", b(false)),
            ("gen_ai.output.type", s("text")),
            ("gen_ai.conversation.id", s("conv-7")),
            ("server.address", s("api.openai.com")),
            ("server.port", i(443)),
            // From the returned `GenerationOutcome`.
            ("gen_ai.usage.input_tokens", i(31)),
            ("gen_ai.usage.output_tokens", i(17)),
            ("gen_ai.response.finish_reasons", sa(&["stop", "length"])),
            ("gen_ai.response.id", s("chatcmpl-123")),
            ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
        ],
    );
    assert_types_follow_contract::<Chat>(&span);
}

#[test]
fn chat_outcome_leaves_out_what_the_response_does_not_report() {
    let h = Harness::new();
    let sparse = ChatResponse {
        id: None,
        model: None,
        input: Some(5),
        output: None,
        reasons: vec![],
    };
    chat(&request(), sparse).unwrap();
    let span = h.only_span();
    assert_attr(&span, "gen_ai.usage.input_tokens", i(5));
    for key in [
        "gen_ai.usage.output_tokens",
        "gen_ai.response.finish_reasons",
        "gen_ai.response.id",
        "gen_ai.response.model",
    ] {
        assert_absent(&span, key);
    }
}

#[test]
fn chat_outcome_token_counts_saturate_instead_of_wrapping() {
    let h = Harness::new();
    let huge = ChatResponse {
        input: Some(u64::MAX),
        ..ChatResponse::full()
    };
    chat(&request(), huge).unwrap();
    let span = h.only_span();
    assert_attr(&span, "gen_ai.usage.input_tokens", i(i64::MAX));
}

#[llm_span(kind = "chat", provider = "anthropic", model = model)]
fn chat_plain(model: Option<&str>) -> ChatResponse {
    ChatResponse::full()
}

#[test]
fn chat_returning_the_response_directly_records_the_outcome() {
    let h = Harness::new();
    chat_plain(Some("claude-sonnet-4")).input.unwrap();
    let span = h.only_span();
    assert_eq!(span.name, "chat claude-sonnet-4");
    assert_attr(&span, "gen_ai.usage.input_tokens", i(31));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(17));
    assert_attr(
        &span,
        "gen_ai.response.finish_reasons",
        sa(&["stop", "length"]),
    );
    assert_ok(&span);
}

#[test]
fn chat_without_a_model_value_is_named_after_the_operation_alone() {
    let h = Harness::new();
    chat_plain(None);
    let span = h.only_span();
    assert_eq!(span.name, "chat");
    assert_absent(&span, "gen_ai.request.model");
    assert_attr(&span, "gen_ai.operation.name", s("chat"));
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
fn chat_failing(text: &str) -> Result<ChatResponse, common::UpstreamError> {
    Err(common::UpstreamError(text.into()))
}

#[test]
fn chat_error_sets_status_error_type_and_exception_event_but_no_usage() {
    let h = Harness::new();
    let err = chat_failing("503 from https://api.openai.com/v1/chat").unwrap_err();
    assert_eq!(err.0, "503 from https://api.openai.com/v1/chat");
    // Capture off: the error's text is content, so neither the event nor the status has it.
    let span = h.only_span();
    assert_error(&span, "UpstreamError", None);
    assert_eq!(span.status, opentelemetry::trace::Status::error(""));
    h.exporter.reset();
    common::capture_error_text();
    chat_failing("503 from https://api.openai.com/v1/chat").unwrap_err();
    let span = h.only_span();
    assert_error(
        &span,
        "UpstreamError",
        Some("upstream said: 503 from https://api.openai.com/v1/chat"),
    );
    // error.type is the low-cardinality type name, never the message.
    assert!(!str_attr(&span, "error.type").contains("503"));
    assert_absent(&span, "gen_ai.usage.input_tokens");
    assert_absent(&span, "gen_ai.response.finish_reasons");
    assert_attr(&span, "gen_ai.operation.name", s("chat"));
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
async fn chat_rate_limited() -> Result<ChatResponse, RateLimited> {
    Err(RateLimited { retry_after_s: 20 })
}

#[test]
fn chat_error_implementing_error_type_uses_its_value() {
    let h = Harness::new();
    current_thread().block_on(chat_rate_limited()).unwrap_err();
    let span = h.only_span();
    assert_error(
        &span,
        "rate_limited",
        Some("rate limited, retry after 20 s"),
    );
    assert_eq!(
        span.status,
        opentelemetry::trace::Status::error("rate limited, retry after 20 s")
    );
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", handle = span)]
async fn chat_with_late_usage() -> Result<ChatResponse, common::UpstreamError> {
    tokio::task::yield_now().await;
    span.set_cache_read_input_tokens(&12u64);
    span.set_cache_creation_input_tokens(&3u16);
    span.set_reasoning_output_tokens(&9usize);
    span.set_server_address("eu.api.openai.com");
    span.set_server_port(&8443u16);
    Ok(ChatResponse::full())
}

#[test]
fn chat_handle_records_usage_known_mid_way_as_integers() {
    let h = Harness::new();
    current_thread().block_on(chat_with_late_usage()).unwrap();
    let span = h.only_span();
    assert_attr(&span, "gen_ai.usage.cache_read.input_tokens", i(12));
    assert_attr(&span, "gen_ai.usage.cache_creation.input_tokens", i(3));
    assert_attr(&span, "gen_ai.usage.reasoning.output_tokens", i(9));
    assert_attr(&span, "server.address", s("eu.api.openai.com"));
    assert_attr(&span, "server.port", i(8443));
    assert_attr(&span, "gen_ai.usage.input_tokens", i(31));
    assert_types_follow_contract::<Chat>(&span);
    assert_ok(&span);
}

// ----- text_completion, generate_content --------------------------------------------------

#[llm_span(
    kind = "text_completion",
    provider = "vllm",
    model = "llama-3-8b",
    max_tokens = 64u64,
    temperature = 0.0
)]
fn complete(prompt: &str) -> ChatResponse {
    ChatResponse {
        id: Some(format!("cmpl-{}", prompt.len())),
        ..ChatResponse::full()
    }
}

#[test]
fn text_completion_span() {
    let h = Harness::new();
    complete("once upon a time");
    let span = h.only_span();
    assert_eq!(span.name, "text_completion llama-3-8b");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("text_completion")),
            ("gen_ai.provider.name", s("vllm")),
            ("gen_ai.request.model", s("llama-3-8b")),
            ("gen_ai.request.max_tokens", i(64)),
            ("gen_ai.request.temperature", f(0.0)),
            ("gen_ai.usage.input_tokens", i(31)),
            ("gen_ai.usage.output_tokens", i(17)),
            ("gen_ai.response.finish_reasons", sa(&["stop", "length"])),
            ("gen_ai.response.id", s("cmpl-16")),
            ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
        ],
    );
    assert_types_follow_contract::<TextCompletion>(&span);
}

#[llm_span(
    kind = "generate_content",
    provider = "gcp.gemini",
    model = model,
    top_k = 3.0,
    seed = 7u32
)]
async fn generate(model: String) -> Result<ChatResponse, common::UpstreamError> {
    tokio::task::yield_now().await;
    Ok(ChatResponse {
        reasons: vec!["STOP"],
        ..ChatResponse::full()
    })
}

#[test]
fn generate_content_span_from_an_async_fn() {
    let h = Harness::new();
    current_thread()
        .block_on(generate("gemini-2.5-flash".into()))
        .unwrap();
    let span = h.only_span();
    assert_eq!(span.name, "generate_content gemini-2.5-flash");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("generate_content")),
            ("gen_ai.provider.name", s("gcp.gemini")),
            ("gen_ai.request.model", s("gemini-2.5-flash")),
            ("gen_ai.request.top_k", f(3.0)),
            ("gen_ai.request.seed", i(7)),
            ("gen_ai.usage.input_tokens", i(31)),
            ("gen_ai.usage.output_tokens", i(17)),
            ("gen_ai.response.finish_reasons", sa(&["STOP"])),
            ("gen_ai.response.id", s("chatcmpl-123")),
            ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
        ],
    );
    assert_types_follow_contract::<GenerateContent>(&span);
}

// ----- embeddings, retrieval --------------------------------------------------------------

#[llm_span(
    kind = "embeddings",
    provider = "openai",
    model = "text-embedding-3-small",
    encoding_formats = ["float", "base64"],
    input_tokens = texts.len() * 4,
    dimension_count = 1536u32,
    response_model = "text-embedding-3-small-v2",
    server_address = "api.openai.com",
    server_port = 443u16,
)]
fn embed(texts: &[&str]) -> Vec<Vec<f32>> {
    texts.iter().map(|_| vec![0.0; 4]).collect()
}

#[test]
fn embeddings_span() {
    let h = Harness::new();
    assert_eq!(embed(&["a", "b", "c"]).len(), 3);
    let span = h.only_span();
    assert_eq!(span.name, "embeddings text-embedding-3-small");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("embeddings")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("text-embedding-3-small")),
            ("gen_ai.request.encoding_formats", sa(&["float", "base64"])),
            ("gen_ai.usage.input_tokens", i(12)),
            ("gen_ai.embeddings.dimension.count", i(1536)),
            ("gen_ai.response.model", s("text-embedding-3-small-v2")),
            ("server.address", s("api.openai.com")),
            ("server.port", i(443)),
        ],
    );
    assert_types_follow_contract::<Embeddings>(&span);
}

#[llm_span(
    kind = "retrieval",
    data_source_id = source,
    provider = "pinecone",
    model = "rerank-v3",
    top_k = 5.0,
    server_address = "kb.internal",
    server_port = 6333,
)]
async fn retrieve(source: &str, query: &str) -> Vec<String> {
    vec![format!("{source}: {query}")]
}

#[test]
fn retrieval_span() {
    let h = Harness::new();
    let docs = current_thread().block_on(retrieve("kb-docs", "rust spans"));
    assert_eq!(docs, ["kb-docs: rust spans"]);
    let span = h.only_span();
    assert_eq!(span.name, "retrieval kb-docs");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("retrieval")),
            ("gen_ai.data_source.id", s("kb-docs")),
            ("gen_ai.provider.name", s("pinecone")),
            ("gen_ai.request.model", s("rerank-v3")),
            ("gen_ai.request.top_k", f(5.0)),
            ("server.address", s("kb.internal")),
            ("server.port", i(6333)),
        ],
    );
    assert_types_follow_contract::<Retrieval>(&span);
}

// ----- execute_tool -------------------------------------------------------------------------

#[llm_span(
    kind = "execute_tool",
    tool_name = "get_weather",
    tool_call_id = call_id,
    tool_description = "Current weather for a city",
    tool_type = "function",
)]
fn get_weather(call_id: &str, city: &str) -> Result<String, RateLimited> {
    if city.is_empty() {
        return Err(RateLimited { retry_after_s: 1 });
    }
    Ok(format!("sunny in {city}"))
}

#[test]
fn execute_tool_span_is_internal_and_named_after_the_tool() {
    let h = Harness::new();
    assert_eq!(get_weather("call_abc", "Paris").unwrap(), "sunny in Paris");
    let span = h.only_span();
    assert_eq!(span.name, "execute_tool get_weather");
    assert_kind(&span, SpanKind::Internal);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("execute_tool")),
            ("gen_ai.tool.name", s("get_weather")),
            ("gen_ai.tool.call.id", s("call_abc")),
            ("gen_ai.tool.description", s("Current weather for a city")),
            ("gen_ai.tool.type", s("function")),
        ],
    );
    assert_types_follow_contract::<ExecuteTool>(&span);
}

#[test]
fn execute_tool_error() {
    let h = Harness::new();
    get_weather("call_abc", "").unwrap_err();
    let span = h.only_span();
    assert_eq!(span.name, "execute_tool get_weather");
    assert_error(&span, "rate_limited", Some("rate limited, retry after 1 s"));
}

// ----- agents -------------------------------------------------------------------------------

#[llm_span(
    kind = "invoke_agent",
    provider = "openai",
    agent_name = "planner",
    agent_id = "asst_5j66",
    agent_description = "Plans the trip",
    agent_version = "2.1.0",
    model = "gpt-4o",
    conversation_id = conversation,
    data_source_id = "kb-trips",
    max_tokens = 1024,
    temperature = 0.7,
    server_address = "api.openai.com",
    server_port = 443,
    handle = span,
)]
async fn invoke_planner(conversation: &str) -> String {
    tokio::task::yield_now().await;
    span.set_input_tokens(&120u32);
    span.set_output_tokens(&80u32);
    span.set_finish_reasons(&["stop"]);
    format!("plan for {conversation}")
}

#[test]
fn invoke_agent_span_is_a_client_span_named_after_the_agent() {
    let h = Harness::new();
    current_thread().block_on(invoke_planner("conv-1"));
    let span = h.only_span();
    assert_eq!(span.name, "invoke_agent planner");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.agent.name", s("planner")),
            ("gen_ai.agent.id", s("asst_5j66")),
            ("gen_ai.agent.description", s("Plans the trip")),
            ("gen_ai.agent.version", s("2.1.0")),
            ("gen_ai.request.model", s("gpt-4o")),
            ("gen_ai.conversation.id", s("conv-1")),
            ("gen_ai.data_source.id", s("kb-trips")),
            ("gen_ai.request.max_tokens", i(1024)),
            ("gen_ai.request.temperature", f(0.7)),
            ("server.address", s("api.openai.com")),
            ("server.port", i(443)),
            ("gen_ai.usage.input_tokens", i(120)),
            ("gen_ai.usage.output_tokens", i(80)),
            ("gen_ai.response.finish_reasons", sa(&["stop"])),
        ],
    );
    assert_types_follow_contract::<InvokeAgent>(&span);
}

#[llm_span(kind = "invoke_agent", span_kind = "internal", provider = "local", agent_name = name)]
fn invoke_local_agent(name: &str) -> usize {
    name.len()
}

#[test]
fn invoke_agent_with_span_kind_internal() {
    let h = Harness::new();
    assert_eq!(invoke_local_agent("researcher"), 10);
    let span = h.only_span();
    assert_eq!(span.name, "invoke_agent researcher");
    assert_kind(&span, SpanKind::Internal);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("invoke_agent")),
            ("gen_ai.provider.name", s("local")),
            ("gen_ai.agent.name", s("researcher")),
        ],
    );
}

#[llm_span(kind = "invoke_agent", provider = "openai")]
fn invoke_anonymous_agent() {}

#[test]
fn invoke_agent_without_a_name_is_named_after_the_operation() {
    let h = Harness::new();
    invoke_anonymous_agent();
    let span = h.only_span();
    assert_eq!(span.name, "invoke_agent");
    assert_absent(&span, "gen_ai.agent.name");
}

#[llm_span(
    kind = "create_agent",
    provider = "openai",
    agent_name = name,
    agent_id = "asst_1",
    agent_description = "Books flights",
    agent_version = "1",
    model = "gpt-4o-mini",
    server_address = "api.openai.com",
    server_port = 443,
)]
fn create_agent(name: &str) -> Result<u64, common::UpstreamError> {
    Ok(name.len() as u64)
}

#[test]
fn create_agent_span() {
    let h = Harness::new();
    assert_eq!(create_agent("booker").unwrap(), 6);
    let span = h.only_span();
    assert_eq!(span.name, "create_agent booker");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("create_agent")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.agent.name", s("booker")),
            ("gen_ai.agent.id", s("asst_1")),
            ("gen_ai.agent.description", s("Books flights")),
            ("gen_ai.agent.version", s("1")),
            ("gen_ai.request.model", s("gpt-4o-mini")),
            ("server.address", s("api.openai.com")),
            ("server.port", i(443)),
        ],
    );
    assert_types_follow_contract::<CreateAgent>(&span);
}

// ----- legacy names -------------------------------------------------------------------------

#[test]
fn legacy_names_are_off_by_default() {
    let h = Harness::new();
    chat(&request(), ChatResponse::full()).unwrap();
    embed(&["x"]);
    for span in h.spans() {
        for key in [
            "gen_ai.system",
            "llm.usage.prompt_tokens",
            "llm.usage.completion_tokens",
        ] {
            assert_absent(&span, key);
        }
    }
}

#[test]
fn legacy_names_duplicate_provider_and_usage_when_enabled() {
    let h = Harness::new();
    telemetry_runtime::span::set_legacy_names(true);
    chat(&request(), ChatResponse::full()).unwrap();
    let span = h.only_span();
    assert_attr(&span, "gen_ai.provider.name", s("openai"));
    assert_attr(&span, "gen_ai.system", s("openai"));
    assert_attr(&span, "gen_ai.usage.input_tokens", i(31));
    assert_attr(&span, "llm.usage.prompt_tokens", i(31));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(17));
    assert_attr(&span, "llm.usage.completion_tokens", i(17));
}

#[test]
fn legacy_names_cover_start_attributes_and_handle_setters() {
    let h = Harness::new();
    telemetry_runtime::span::set_legacy_names(true);
    embed(&["a", "b"]);
    current_thread().block_on(invoke_planner("conv-2"));
    let embed_span = h.span("embeddings text-embedding-3-small");
    assert_attr(&embed_span, "gen_ai.system", s("openai"));
    assert_attr(&embed_span, "llm.usage.prompt_tokens", i(8));
    let agent = h.span("invoke_agent planner");
    assert_attr(&agent, "gen_ai.system", s("openai"));
    assert_attr(&agent, "llm.usage.prompt_tokens", i(120));
    assert_attr(&agent, "llm.usage.completion_tokens", i(80));
}

#[test]
fn legacy_names_switched_off_again_stop() {
    let h = Harness::new();
    telemetry_runtime::span::set_legacy_names(true);
    telemetry_runtime::span::set_legacy_names(false);
    chat(&request(), ChatResponse::full()).unwrap();
    let span = h.only_span();
    assert_absent(&span, "gen_ai.system");
    assert_absent(&span, "llm.usage.prompt_tokens");
}

// ----- request = ... ----------------------------------------------------------------------

struct OwnRequest {
    model: String,
    max_tokens: u32,
    stop: Vec<String>,
}

impl telemetry_runtime::genai::GenAiRequest for OwnRequest {
    fn request_params(&self) -> telemetry_runtime::genai::RequestParams<'_> {
        let mut p = telemetry_runtime::genai::RequestParams::default();
        p.model = Some(&self.model);
        p.max_tokens = Some(self.max_tokens.into());
        p.temperature = Some(0.75);
        p.stop_sequences = self.stop.iter().map(String::as_str).collect();
        p.seed = Some(7);
        p.choice_count = Some(1);
        p.output_type = Some("json");
        p
    }
}

#[llm_span(kind = "chat", provider = "openai", request = &req)]
fn chat_from_request(req: &OwnRequest) -> ChatResponse {
    assert_eq!(req.max_tokens, 64, "the body still has the request");
    ChatResponse::full()
}

#[llm_span(kind = "chat", provider = "openai", request = req, model = "explicit", max_tokens = 5)]
fn chat_request_and_arguments(req: OwnRequest) -> ChatResponse {
    drop(req);
    ChatResponse::full()
}

fn own_request() -> OwnRequest {
    OwnRequest {
        model: "gpt-4o-mini".into(),
        max_tokens: 64,
        stop: vec!["END".into()],
    }
}

#[test]
fn request_fills_the_request_attributes_with_their_types_and_names_the_span() {
    let h = Harness::new();
    chat_from_request(&own_request());
    let span = h.only_span();
    assert_eq!(span.name, "chat gpt-4o-mini");
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("gpt-4o-mini")),
            ("gen_ai.request.max_tokens", i(64)),
            ("gen_ai.request.temperature", f(0.75)),
            ("gen_ai.request.stop_sequences", sa(&["END"])),
            ("gen_ai.request.seed", i(7)),
            ("gen_ai.request.choice.count", i(1)),
            ("gen_ai.output.type", s("json")),
            ("gen_ai.usage.input_tokens", i(31)),
            ("gen_ai.usage.output_tokens", i(17)),
            ("gen_ai.response.finish_reasons", sa(&["stop", "length"])),
            ("gen_ai.response.id", s("chatcmpl-123")),
            ("gen_ai.response.model", s("gpt-4o-2024-08-06")),
        ],
    );
}

#[test]
fn arguments_given_one_by_one_win_over_the_request() {
    let h = Harness::new();
    chat_request_and_arguments(own_request());
    let span = h.only_span();
    assert_eq!(span.name, "chat explicit");
    assert_attr(&span, "gen_ai.request.model", s("explicit"));
    assert_attr(&span, "gen_ai.request.max_tokens", i(5));
    assert_attr(&span, "gen_ai.request.temperature", f(0.75));
    let models = span
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str() == "gen_ai.request.model")
        .count();
    assert_eq!(models, 1, "one value per key");
}
