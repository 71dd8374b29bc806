//! The real async-openai 0.43 client against `examples/miniserve` (an OpenAI-compatible
//! server) on loopback, through `openai::TracedHttpService`, decoded from the real OTLP
//! receiver: the user's `#[llm_span]` over `client.chat().create(req)` compiles unchanged and
//! records the response's usage, id, model and finish reasons with their semconv types; the
//! HTTP CLIENT span of each request is its child and miniserve's SERVER span the child of
//! that; API errors, a rate limit and a dead port set a low-cardinality `error.type` and no
//! error text.

#[path = "../examples/miniserve/main.rs"]
#[allow(dead_code)]
mod miniserve;
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessage, ChatCompletionResponseStream, ChatCompletionStreamOptions,
    CreateChatCompletionRequest, CreateChatCompletionResponse,
};
use async_openai::types::embeddings::{
    CreateEmbeddingRequest, CreateEmbeddingResponse, EmbeddingInput,
};
use async_openai::types::responses::{CreateResponse, ResponseStream};
use futures_util::StreamExt as _;
use otlp_receiver::{Protocol, ReceivedSpan, Receiver};
use telemetry_runtime::llm_span;
use telemetry_runtime::openai::TracedHttpService;
use telemetry_runtime::outbound::reqwest_middleware::reqwest;

const WAIT: Duration = Duration::from_secs(20);
const MINISERVE_MODEL: &str = "miniserve-toy-1";
const PROMPT: &str = "CANARY-PROMPT-7731 tell me about tokenizers";

/// The function of the issue, unchanged.
#[llm_span(kind = "chat", provider = "openai", model = req.model)]
async fn chat(
    client: &Client<OpenAIConfig>,
    req: CreateChatCompletionRequest,
) -> Result<CreateChatCompletionResponse, OpenAIError> {
    client.chat().create(req).await
}

/// The request's parameters and the server without hand work: `request = &req`,
/// `client = client`.
#[llm_span(kind = "chat", provider = "openai", request = &req, client = client)]
async fn chat_with_parameters(
    client: &Client<OpenAIConfig>,
    req: CreateChatCompletionRequest,
) -> Result<CreateChatCompletionResponse, OpenAIError> {
    client.chat().create(req).await
}

/// The streaming call: the span stays open until the stream ends.
#[llm_span(kind = "chat", provider = "openai", request = &req)]
async fn chat_stream(
    client: &Client<OpenAIConfig>,
    req: CreateChatCompletionRequest,
) -> Result<ChatCompletionResponseStream, OpenAIError> {
    client.chat().create_stream(req).await
}

fn request(model: &str) -> CreateChatCompletionRequest {
    CreateChatCompletionRequest {
        model: model.to_owned(),
        messages: vec![ChatCompletionRequestUserMessage::from(PROMPT).into()],
        max_completion_tokens: Some(8),
        ..Default::default()
    }
}

fn client(base: &str) -> Client<OpenAIConfig> {
    Client::with_config(
        OpenAIConfig::new()
            .with_api_base(base)
            .with_api_key("sk-test"),
    )
    .with_http_service(TracedHttpService::new(reqwest::Client::new()))
}

/// An upstream that answers every request with 429 and an OpenAI error body.
async fn rate_limited_upstream() -> SocketAddr {
    use axum::http::StatusCode;
    let app = axum::Router::new().fallback(|| async {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [("content-type", "application/json")],
            r#"{"error":{"message":"Rate limit reached for CANARY-PROMPT-7731","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn children<'a>(spans: &'a [ReceivedSpan], parent: &ReceivedSpan) -> Vec<&'a ReceivedSpan> {
    spans
        .iter()
        .filter(|s| s.parent_span_id == parent.span_id)
        .collect()
}

/// What each test starts from: the receiver, and miniserve's options (its traces file in the
/// temporary directory), with `extra` variables set.
struct Setup {
    receiver: Receiver,
    options: miniserve::Options,
    traces_file: std::path::PathBuf,
    runtime: tokio::runtime::Runtime,
}

fn setup(label: &str, extra: &[(&str, &str)]) -> Setup {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
    ]);
    support::set_env(extra);
    let traces_file =
        std::env::temp_dir().join(format!("openai-{label}-test-{}.json", std::process::id()));
    let options = miniserve::Options::parse(vec![
        "--traces-file".into(),
        traces_file.display().to_string(),
    ])
    .unwrap();
    Setup {
        receiver,
        options,
        traces_file,
        runtime: tokio::runtime::Runtime::new().unwrap(),
    }
}

#[test]
fn the_async_openai_client_is_instrumented_end_to_end() {
    let Setup {
        receiver,
        options,
        traces_file,
        runtime,
    } = setup("client", &[]);
    let (ok, not_found, limited, dead, port) = runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let port = server.addr.port();
        let base = format!("http://{}/v1", server.addr);
        let mut with_parameters = request(MINISERVE_MODEL);
        with_parameters.temperature = Some(0.5);
        with_parameters.top_p = Some(0.25);
        let ok = chat_with_parameters(&client(&base), with_parameters).await;
        let not_found = chat(&client(&base), request("no-such-model")).await;
        // A 400: miniserve takes temperatures from 0 to 2.
        let mut too_hot = request("miniserve-too-hot");
        too_hot.model = MINISERVE_MODEL.to_owned();
        too_hot.temperature = Some(5.0);
        let invalid = chat_with_parameters(&client(&base), too_hot).await;
        assert!(
            matches!(&invalid, Err(OpenAIError::ApiError(e)) if e.status_code.as_u16() == 400),
            "{invalid:?}"
        );
        let limited_addr = rate_limited_upstream().await;
        let limited = chat(
            &client(&format!("http://{limited_addr}/v1")),
            request("gpt-4o"),
        )
        .await;
        // A port nothing listens on.
        let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dead = chat(
            &client(&format!("http://127.0.0.1:{dead_port}/v1")),
            request("gpt-4o"),
        )
        .await;
        server.shutdown().await;
        (ok, not_found, limited, dead, port)
    });
    let ok = ok.expect("miniserve answers");
    assert!(
        matches!(not_found, Err(OpenAIError::ApiError(_))),
        "{not_found:?}"
    );
    assert!(
        matches!(limited, Err(OpenAIError::ApiError(_))),
        "{limited:?}"
    );
    assert!(matches!(dead, Err(OpenAIError::Reqwest(_))), "{dead:?}");

    let spans = receiver.wait_for_spans(WAIT, |s| {
        s.iter().filter(|s| s.name.starts_with("chat ")).count() >= 5
    });
    // The client's spans (miniserve names its own span `chat <model>` too).
    let client_side = |s: &&ReceivedSpan| {
        s.attr("gen_ai.provider.name").and_then(|v| v.as_str()) == Some("openai")
    };
    let chat_span = |model: &str| -> &ReceivedSpan {
        spans
            .iter()
            .filter(client_side)
            // Not the 400's span, which has the same name.
            .filter(|s| {
                s.attr("gen_ai.request.temperature")
                    .and_then(|v| v.as_f64())
                    != Some(5.0)
            })
            .find(|s| s.name == format!("chat {model}"))
            .unwrap_or_else(|| panic!("no chat {model} in {spans:#?}"))
    };

    // The answered request: the response's outcome, with semconv types.
    let span = chat_span(MINISERVE_MODEL);
    assert_eq!(span.kind, "CLIENT");
    let usage = ok.usage.as_ref().expect("usage");
    assert_eq!(
        span.attr("gen_ai.usage.input_tokens").unwrap().as_i64(),
        Some(i64::from(usage.prompt_tokens))
    );
    assert_eq!(
        span.attr("gen_ai.usage.output_tokens").unwrap().as_i64(),
        Some(i64::from(usage.completion_tokens))
    );
    assert_eq!(
        span.attr("gen_ai.response.id").unwrap().as_str(),
        Some(ok.id.as_str())
    );
    assert_eq!(
        span.attr("gen_ai.response.model").unwrap().as_str(),
        Some(ok.model.as_str())
    );
    let reasons: Vec<_> = span
        .attr("gen_ai.response.finish_reasons")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert!(reasons == ["length"] || reasons == ["stop"], "{reasons:?}");
    assert_eq!(
        span.attr("gen_ai.provider.name").unwrap().as_str(),
        Some("openai")
    );
    assert_eq!(
        span.attr("gen_ai.operation.name").unwrap().as_str(),
        Some("chat")
    );
    assert!(span.attr("error.type").is_none());
    // From the client's api base (`client = client`).
    assert_eq!(
        span.attr("server.address").unwrap().as_str(),
        Some("127.0.0.1")
    );
    assert_eq!(
        span.attr("server.port").unwrap().as_i64(),
        Some(i64::from(port))
    );
    // From the request (`request = &req`), with their semconv types.
    assert_eq!(
        span.attr("gen_ai.request.model").unwrap().as_str(),
        Some(MINISERVE_MODEL)
    );
    assert_eq!(
        span.attr("gen_ai.request.max_tokens").unwrap().as_i64(),
        Some(8)
    );
    assert_eq!(
        span.attr("gen_ai.request.temperature").unwrap().as_f64(),
        Some(0.5)
    );
    assert_eq!(
        span.attr("gen_ai.request.top_p").unwrap().as_f64(),
        Some(0.25)
    );

    // Under it, the HTTP CLIENT span of the request; under that, miniserve's SERVER span.
    let http: Vec<_> = children(&spans, span)
        .into_iter()
        .filter(|s| s.kind == "CLIENT")
        .collect();
    assert_eq!(http.len(), 1, "one HTTP request: {spans:#?}");
    let http = http[0];
    assert_eq!(
        http.attr("http.request.method").unwrap().as_str(),
        Some("POST")
    );
    assert_eq!(
        http.attr("http.response.status_code").unwrap().as_i64(),
        Some(200)
    );
    let server: Vec<_> = children(&spans, http)
        .into_iter()
        .filter(|s| s.kind == "SERVER")
        .collect();
    assert_eq!(server.len(), 1, "the upstream joined the trace: {spans:#?}");
    assert_eq!(server[0].name, "POST /v1/chat/completions");
    assert_eq!(server[0].trace_id, span.trace_id);

    // Errors: the API's code, the transport kind; no error text with capture off.
    let failed = chat_span("no-such-model");
    assert_eq!(
        failed.attr("error.type").unwrap().as_str(),
        Some("model_not_found")
    );
    let invalid = spans
        .iter()
        .filter(client_side)
        .find(|s| {
            s.name == format!("chat {MINISERVE_MODEL}")
                && s.attr("gen_ai.request.temperature")
                    .and_then(|v| v.as_f64())
                    == Some(5.0)
        })
        .expect("the 400's span");
    assert_eq!(
        invalid.attr("error.type").unwrap().as_str(),
        Some("invalid_value")
    );
    assert_eq!(invalid.status_code, "ERROR");
    assert_eq!(
        invalid.status_message,
        "the API answered 400 (invalid_value)"
    );
    let limited_spans: Vec<_> = spans.iter().filter(|s| s.name == "chat gpt-4o").collect();
    assert_eq!(limited_spans.len(), 2);
    let types: Vec<_> = limited_spans
        .iter()
        .map(|s| s.attr("error.type").unwrap().as_str().unwrap().to_owned())
        .collect();
    assert!(
        types.contains(&"rate_limit_exceeded".to_owned()),
        "{types:?}"
    );
    assert!(types.contains(&"connect".to_owned()), "{types:?}");
    for span in &spans {
        let text = format!("{span:?}");
        assert!(
            !text.contains("CANARY-PROMPT-7731"),
            "prompt text exported: {text}"
        );
    }
    let _ = std::fs::remove_file(traces_file);
}

#[test]
fn a_streamed_chat_keeps_its_span_open_until_the_stream_ends() {
    let Setup {
        receiver,
        options,
        traces_file,
        runtime,
    } = setup("stream", &[]);
    let (chunks, usage) = runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let client = client(&format!("http://{}/v1", server.addr));
        let mut streamed = request(MINISERVE_MODEL);
        streamed.stream = Some(true);
        streamed.stream_options = Some(ChatCompletionStreamOptions {
            include_usage: Some(true),
            ..Default::default()
        });
        let mut stream = chat_stream(&client, streamed.clone())
            .await
            .expect("stream");
        let mut chunks = 0;
        let mut usage = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.expect("chunk");
            chunks += 1;
            usage = chunk.usage.or(usage);
        }
        // Dropped after the first chunk: cancelled.
        let mut early = chat_stream(&client, streamed).await.expect("stream");
        let _ = early.next().await;
        drop(early);
        server.shutdown().await;
        (chunks, usage.expect("the final chunk has usage"))
    });

    let spans = receiver.wait_for_spans(WAIT, |s| {
        s.iter()
            .filter(|s| s.attr("gen_ai.provider.name").and_then(|v| v.as_str()) == Some("openai"))
            .count()
            >= 2
    });
    let ours: Vec<_> = spans
        .iter()
        .filter(|s| s.attr("gen_ai.provider.name").and_then(|v| v.as_str()) == Some("openai"))
        .collect();
    let full = ours
        .iter()
        .find(|s| s.attr("error.type").is_none())
        .expect("the stream read to its end");
    assert_eq!(
        full.attr("gen_ai.request.stream").unwrap().as_bool(),
        Some(true)
    );
    assert_eq!(
        full.attr("llm.response.chunks").unwrap().as_i64(),
        Some(chunks)
    );
    let first = full
        .attr("gen_ai.response.time_to_first_chunk")
        .unwrap()
        .as_f64()
        .unwrap();
    let took = (full.end_unix_nano - full.start_unix_nano) as f64 / 1e9;
    assert!(
        first > 0.0 && first <= took,
        "time to first chunk {first} s of {took} s"
    );
    assert_eq!(
        full.attr("gen_ai.usage.input_tokens").unwrap().as_i64(),
        Some(i64::from(usage.prompt_tokens))
    );
    assert_eq!(
        full.attr("gen_ai.usage.output_tokens").unwrap().as_i64(),
        Some(i64::from(usage.completion_tokens))
    );
    let reasons = full
        .attr("gen_ai.response.finish_reasons")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(reasons.len(), 1);
    assert!(full.attr("gen_ai.response.id").is_some());
    // The span covered the whole stream: miniserve's SERVER span ended inside it.
    let http = spans
        .iter()
        .find(|s| s.parent_span_id == full.span_id && s.kind == "CLIENT")
        .expect("the HTTP CLIENT span under the chat span");
    let server = spans
        .iter()
        .find(|s| s.parent_span_id == http.span_id && s.kind == "SERVER")
        .expect("miniserve's SERVER span under it");
    assert!(server.end_unix_nano <= full.end_unix_nano);

    let cancelled = ours
        .iter()
        .find(|s| s.attr("error.type").is_some())
        .expect("the stream dropped early");
    assert_eq!(
        cancelled.attr("error.type").unwrap().as_str(),
        Some("cancelled")
    );
    assert_eq!(
        cancelled.attr("llm.response.chunks").unwrap().as_i64(),
        Some(1)
    );
    let _ = std::fs::remove_file(traces_file);
}

#[test]
fn with_content_capture_on_the_messages_are_on_the_span() {
    let Setup {
        receiver,
        options,
        traces_file,
        runtime,
    } = setup(
        "content",
        &[(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "SPAN_ONLY",
        )],
    );
    let answer = runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let client = client(&format!("http://{}/v1", server.addr));
        let mut req = request(MINISERVE_MODEL);
        req.messages.insert(
            0,
            async_openai::types::chat::ChatCompletionRequestSystemMessage::from("be brief").into(),
        );
        let answer = chat_with_parameters(&client, req.clone())
            .await
            .expect("answer");
        // The same, streamed: the text of the chunks is the output message.
        req.stream = Some(true);
        let mut stream = chat_stream(&client, req).await.expect("stream");
        let mut streamed = String::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.expect("chunk");
            for choice in &chunk.choices {
                streamed.push_str(choice.delta.content.as_deref().unwrap_or_default());
            }
        }
        server.shutdown().await;
        (answer, streamed)
    });
    let (answer, streamed) = answer;
    let ours = |s: &&ReceivedSpan| {
        s.attr("gen_ai.provider.name").and_then(|v| v.as_str()) == Some("openai")
    };
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().filter(ours).count() >= 2);
    let streamed_span = spans
        .iter()
        .filter(ours)
        .find(|s| s.attr("gen_ai.request.stream").and_then(|v| v.as_bool()) == Some(true))
        .expect("the streamed chat");
    let streamed_output: serde_json::Value = serde_json::from_str(
        streamed_span
            .attr("gen_ai.output.messages")
            .expect("streamed output messages")
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(streamed_output[0]["parts"][0]["content"], streamed.as_str());
    assert!(!streamed.is_empty());
    let span = spans
        .iter()
        .filter(ours)
        .find(|s| s.attr("gen_ai.request.stream").is_none())
        .unwrap();
    let json = |key: &str| -> serde_json::Value {
        let text = span
            .attr(key)
            .unwrap_or_else(|| panic!("no {key}"))
            .as_str()
            .unwrap();
        serde_json::from_str(text).unwrap()
    };
    let input = json("gen_ai.input.messages");
    assert_eq!(input[0]["role"], "user");
    assert_eq!(input[0]["parts"][0]["content"], PROMPT);
    assert_eq!(
        json("gen_ai.system_instructions"),
        serde_json::json!([{"type": "text", "content": "be brief"}])
    );
    let output = json("gen_ai.output.messages");
    assert_eq!(output[0]["role"], "assistant");
    assert_eq!(
        output[0]["parts"][0]["content"].as_str(),
        answer.choices[0].message.content.as_deref()
    );
    let _ = std::fs::remove_file(traces_file);
}

/// Embeddings: `CreateEmbeddingResponse` is the `embeddings` kind's outcome.
#[llm_span(kind = "embeddings", provider = "openai", request = &req, client = client)]
async fn embed(
    client: &Client<OpenAIConfig>,
    req: CreateEmbeddingRequest,
) -> Result<CreateEmbeddingResponse, OpenAIError> {
    client.embeddings().create(req).await
}

#[test]
fn an_embeddings_call_records_usage_model_and_dimension_count() {
    let Setup {
        receiver,
        options,
        traces_file,
        runtime,
    } = setup("embeddings", &[]);
    let (ok, unknown, port) = runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let base = format!("http://{}/v1", server.addr);
        let request = |model: &str| CreateEmbeddingRequest {
            model: model.to_owned(),
            input: EmbeddingInput::StringArray(vec![PROMPT.to_owned(), "spans and traces".into()]),
            ..Default::default()
        };
        let ok = embed(&client(&base), request("miniserve-hash-embed")).await;
        let unknown = embed(&client(&base), request("text-embedding-3-small")).await;
        let port = server.addr.port();
        server.shutdown().await;
        (ok, unknown, port)
    });
    let ok = ok.expect("miniserve embeds");
    assert_eq!(ok.data.len(), 2);
    assert!(
        matches!(unknown, Err(OpenAIError::ApiError(_))),
        "{unknown:?}"
    );

    let spans = receiver.wait_for_spans(WAIT, |s| {
        s.iter()
            .filter(|s| s.name.starts_with("embeddings "))
            .count()
            >= 3
    });
    let client_span = |model: &str| {
        spans
            .iter()
            .find(|s| {
                s.name == format!("embeddings {model}")
                    && s.attr("gen_ai.provider.name").and_then(|v| v.as_str()) == Some("openai")
            })
            .unwrap_or_else(|| panic!("no embeddings {model} span in {spans:#?}"))
    };
    let span = client_span("miniserve-hash-embed");
    assert_eq!(span.kind, "CLIENT");
    assert_eq!(
        span.attr("gen_ai.operation.name").unwrap().as_str(),
        Some("embeddings")
    );
    assert_eq!(
        span.attr("gen_ai.usage.input_tokens").unwrap().as_i64(),
        Some(i64::from(ok.usage.prompt_tokens))
    );
    assert!(ok.usage.prompt_tokens > 0);
    assert_eq!(
        span.attr("gen_ai.response.model").unwrap().as_str(),
        Some("miniserve-hash-embed")
    );
    assert_eq!(
        span.attr("gen_ai.embeddings.dimension.count")
            .unwrap()
            .as_i64(),
        Some(64)
    );
    assert_eq!(
        span.attr("server.port").unwrap().as_i64(),
        Some(i64::from(port))
    );
    assert!(span.attr("error.type").is_none());

    // The server side: miniserve's own embeddings span, whose `Vec<Vec<f32>>` gives the
    // dimension count, under its SERVER span, under the client's HTTP span.
    let http = spans
        .iter()
        .find(|s| s.parent_span_id == span.span_id && s.kind == "CLIENT")
        .expect("the HTTP CLIENT span");
    let server = spans
        .iter()
        .find(|s| s.parent_span_id == http.span_id && s.kind == "SERVER")
        .expect("miniserve's SERVER span");
    assert_eq!(server.name, "POST /v1/embeddings");
    let inner = spans
        .iter()
        .find(|s| s.parent_span_id == server.span_id)
        .expect("miniserve's embeddings span");
    assert_eq!(inner.name, "embeddings miniserve-hash-embed");
    assert_eq!(
        inner.attr("gen_ai.provider.name").unwrap().as_str(),
        Some("miniserve")
    );
    assert_eq!(
        inner
            .attr("gen_ai.embeddings.dimension.count")
            .unwrap()
            .as_i64(),
        Some(64)
    );
    assert!(
        inner.attr("gen_ai.usage.input_tokens").is_none(),
        "a vector has no usage"
    );

    // An error answer has no outcome: its error type and nothing of a response.
    let failed = client_span("text-embedding-3-small");
    assert_eq!(
        failed.attr("error.type").unwrap().as_str(),
        Some("model_not_found")
    );
    assert!(failed.attr("gen_ai.embeddings.dimension.count").is_none());
    assert!(failed.attr("gen_ai.response.model").is_none());
    // Capture is off: the input text is in no span.
    let bytes = support::exported_bytes(&receiver);
    assert_eq!(support::occurrences(&bytes, "CANARY-PROMPT-7731"), 0);
    let _ = std::fs::remove_file(traces_file);
}

/// The Responses API, streamed: the span stays open until the events end, its outcome from
/// the final `response.completed` event.
#[llm_span(kind = "chat", provider = "openai", request = &req, client = client)]
async fn respond_stream(
    client: &Client<OpenAIConfig>,
    req: CreateResponse,
) -> Result<ResponseStream, OpenAIError> {
    client.responses().create_stream(req).await
}

/// An upstream that answers `POST /v1/responses` with the Responses API's event stream: a
/// created event, two text deltas (the second after a pause), the completed response.
async fn responses_upstream() -> SocketAddr {
    use axum::response::sse::{Event, Sse};
    let response = |status: &str, output: serde_json::Value| {
        serde_json::json!({
            "id": "resp_42", "object": "response", "created_at": 1, "model": "gpt-4.1-2025",
            "status": status, "output": output, "parallel_tool_calls": true, "tools": [],
            "usage": {"input_tokens": 12, "input_tokens_details": {"cached_tokens": 4},
                      "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 1},
                      "total_tokens": 17}
        })
    };
    let events = vec![
        serde_json::json!({"type": "response.created", "sequence_number": 0,
                           "response": response("in_progress", serde_json::json!([]))}),
        serde_json::json!({"type": "response.output_text.delta", "sequence_number": 1,
                           "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Sunny "}),
        serde_json::json!({"type": "response.output_text.delta", "sequence_number": 2,
                           "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "today."}),
        serde_json::json!({"type": "response.completed", "sequence_number": 3,
        "response": response("completed", serde_json::json!([
            {"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
             "content": [{"type": "output_text", "text": "Sunny today.", "annotations": []}]}
        ]))}),
    ];
    let app = axum::Router::new().route(
        "/v1/responses",
        axum::routing::post(move || {
            let events = events.clone();
            async move {
                let stream = futures_util::stream::iter(events.into_iter().enumerate()).then(
                    |(i, event)| async move {
                        if i == 2 {
                            tokio::time::sleep(Duration::from_millis(30)).await;
                        }
                        Ok::<_, std::convert::Infallible>(Event::default().data(event.to_string()))
                    },
                );
                Sse::new(stream)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

#[test]
fn a_streamed_responses_call_keeps_its_span_open_and_records_the_final_response() {
    let Setup {
        receiver,
        traces_file,
        runtime,
        ..
    } = setup(
        "responses",
        &[(
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            "SPAN_ONLY",
        )],
    );
    let (events, consumed_at) = runtime.block_on(async {
        let guard = telemetry_runtime::builder()
            .default_service_name("responses-client")
            .init()
            .unwrap();
        let addr = responses_upstream().await;
        let req: CreateResponse = serde_json::from_value(serde_json::json!({
            "model": "gpt-4.1", "instructions": "Be brief.", "input": "Weather in Paris?",
            "max_output_tokens": 64
        }))
        .unwrap();
        let mut stream = respond_stream(&client(&format!("http://{addr}/v1")), req)
            .await
            .expect("the stream opens");
        let mut events = Vec::new();
        while let Some(event) = stream.next().await {
            events.push(event.expect("an event"));
        }
        let consumed_at = std::time::SystemTime::now();
        drop(stream);
        drop(guard);
        (events, consumed_at)
    });
    assert_eq!(events.len(), 4);
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "chat gpt-4.1"));
    let span = spans.iter().find(|s| s.name == "chat gpt-4.1").unwrap();
    assert_eq!(span.kind, "CLIENT");
    let int = |key: &str| span.attr(key).and_then(|v| v.as_i64());
    assert_eq!(int("llm.response.chunks"), Some(4));
    assert_eq!(int("gen_ai.usage.input_tokens"), Some(12));
    assert_eq!(int("gen_ai.usage.output_tokens"), Some(5));
    assert_eq!(int("gen_ai.usage.cache_read.input_tokens"), Some(4));
    assert_eq!(int("gen_ai.usage.reasoning.output_tokens"), Some(1));
    assert_eq!(int("gen_ai.request.max_tokens"), Some(64));
    assert_eq!(
        span.attr("gen_ai.response.id").unwrap().as_str(),
        Some("resp_42")
    );
    assert_eq!(
        span.attr("gen_ai.response.model").unwrap().as_str(),
        Some("gpt-4.1-2025")
    );
    let reasons = span
        .attr("gen_ai.response.finish_reasons")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(
        reasons
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<Vec<_>>(),
        ["stop"]
    );
    // The span ended with the stream, after the pause between the deltas.
    let ended = std::time::UNIX_EPOCH + Duration::from_nanos(span.end_unix_nano);
    assert!(ended <= consumed_at);
    assert!(
        span.end_unix_nano - span.start_unix_nano >= 30_000_000,
        "the span covers the stream"
    );
    // Content capture is on: the request's and the response's content.
    let json = |key: &str| -> serde_json::Value {
        serde_json::from_str(span.attr(key).unwrap().as_str().unwrap()).unwrap()
    };
    assert_eq!(
        json("gen_ai.system_instructions")[0]["content"],
        "Be brief."
    );
    assert_eq!(
        json("gen_ai.input.messages")[0]["parts"][0]["content"],
        "Weather in Paris?"
    );
    assert_eq!(
        json("gen_ai.output.messages")[0]["parts"][0]["content"],
        "Sunny today."
    );
    let _ = std::fs::remove_file(traces_file);
}
