//! The gateway's HTTP side: an OpenAI-compatible `POST /v1/chat/completions` that forwards
//! each request to the upstreams in order through async-openai, failing over to the next one
//! when an upstream answers 429 or 5xx or cannot be reached.
//!
//! Span tree of one request (the gateway's part; each upstream adds its own under the HTTP
//! CLIENT span of the attempt that reached it):
//!
//! ```text
//! POST /v1/chat/completions SERVER          (http::TelemetryLayer)
//! ├─ chat miniserve-toy-1 CLIENT ✗          (#[llm_span], attempt 1: error.type=rate_limit_exceeded)
//! │  └─ POST CLIENT                          (openai::TracedHttpService: traceparent to upstream-a)
//! └─ chat miniserve-toy-1 CLIENT            (attempt 2, usage and finish reasons)
//!    └─ POST CLIENT                          (to upstream-b)
//! ```
//!
//! Every attempt also records `gen_ai.client.operation.duration` (with its `error.type` when
//! it failed) and, when it answered, `gen_ai.client.token.usage`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionResponseStream, CreateChatCompletionRequest, CreateChatCompletionResponse,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt as _;
use serde_json::{Value, json};
use telemetry_runtime::genai::metrics::{self as genai_metrics, GenAiMetricAttributes, TokenType};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::llm_span;
use telemetry_runtime::openai::TracedHttpService;
use telemetry_runtime::outbound::reqwest_middleware::reqwest;
use telemetry_runtime::span::ErrorType as _;
use telemetry_runtime::tracing::{info, warn};

/// `gen_ai.provider.name` of the upstreams: they speak the OpenAI API.
const PROVIDER: &str = "openai";

/// One upstream: an OpenAI-compatible server.
pub struct Upstream {
    /// Its name in the gateway's logs (`upstream-a`).
    pub name: String,
    /// Its `server.address` and `server.port`.
    host: String,
    port: u16,
    client: Client<OpenAIConfig>,
}

impl Upstream {
    /// An upstream at `api_base` (`http://127.0.0.1:8081/v1`), called through a traced client:
    /// an HTTP CLIENT span per request and the caller's `traceparent`.
    pub fn new(name: impl Into<String>, api_base: &str) -> Result<Upstream, String> {
        let url = reqwest::Url::parse(api_base)
            .map_err(|e| format!("upstream {api_base}: {e} (expected http://HOST:PORT/v1)"))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(80);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let client = Client::with_config(
            OpenAIConfig::new()
                .with_api_base(api_base)
                .with_api_key("sk-gateway"),
        )
        .with_http_service(TracedHttpService::new(http));
        Ok(Upstream {
            name: name.into(),
            host,
            port,
            client,
        })
    }
}

/// The routes: the chat endpoint inside the telemetry layer, `/metrics` (Prometheus) and
/// `/health` outside it.
pub fn router(upstreams: Vec<Upstream>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .layer(TelemetryLayer::new())
        .route("/metrics", get(telemetry_runtime::prometheus::axum_handler))
        .route("/health", get(|| async { "ok\n" }))
        .with_state(Arc::new(upstreams))
}

/// One attempt, plain: the `chat` CLIENT span with the request's parameters, the upstream's
/// address, and the response's usage, id, model and finish reasons.
#[llm_span(kind = "chat", provider = "openai", request = req, client = client)]
async fn chat(
    client: &Client<OpenAIConfig>,
    req: &CreateChatCompletionRequest,
) -> Result<CreateChatCompletionResponse, OpenAIError> {
    client.chat().create(req.clone()).await
}

/// One attempt, streamed: the span stays open until the stream ends (chunks, time to first
/// chunk, the final chunk's usage).
#[llm_span(kind = "chat", provider = "openai", request = req, client = client)]
async fn chat_stream(
    client: &Client<OpenAIConfig>,
    req: &CreateChatCompletionRequest,
) -> Result<ChatCompletionResponseStream, OpenAIError> {
    client.chat().create_stream(req.clone()).await
}

/// Whether the next upstream should get the request: a rate limit, a server error, or no
/// answer at all. Any other error is the client's and is answered as it is.
fn fail_over(error: &OpenAIError) -> bool {
    match error {
        OpenAIError::ApiError(response) => {
            response.status_code == StatusCode::TOO_MANY_REQUESTS
                || response.status_code.is_server_error()
        }
        other => matches!(&*other.error_type(), "connect" | "timeout"),
    }
}

/// The metric dimensions of one attempt.
fn attempt_attributes(
    upstream: &Upstream,
    req: &CreateChatCompletionRequest,
) -> GenAiMetricAttributes {
    GenAiMetricAttributes::new("chat", PROVIDER)
        .request_model(req.model.clone())
        .server(upstream.host.clone(), upstream.port)
}

async fn chat_completions(State(upstreams): State<Arc<Vec<Upstream>>>, body: Bytes) -> Response {
    let req: CreateChatCompletionRequest = match serde_json::from_slice(&body) {
        Ok(req) => req,
        Err(e) => {
            warn!(error.type = "invalid_request", "request rejected");
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "invalid_request",
                &format!("not a chat completion request: {e}"),
            );
        }
    };
    let streamed = req.stream == Some(true);
    let mut last_error = None;
    for (attempt, upstream) in upstreams.iter().enumerate() {
        let started = Instant::now();
        let attrs = attempt_attributes(upstream, &req);
        let outcome = if streamed {
            chat_stream(&upstream.client, &req)
                .await
                .map(Answer::Stream)
        } else {
            chat(&upstream.client, &req)
                .await
                .map(|r| Answer::Json(Box::new(r)))
        };
        match outcome {
            Ok(answer) => {
                info!(
                    gen_ai.request.model = req.model.as_str(),
                    gateway.upstream = upstream.name.as_str(),
                    gateway.attempt = attempt + 1,
                    "forwarded"
                );
                return answer.into_response(attrs, started);
            }
            Err(e) => {
                let error_type = e.error_type();
                genai_metrics::record_client_operation_duration(
                    &attrs.error_type(error_type.clone()),
                    started.elapsed(),
                );
                let retry = fail_over(&e);
                let next = retry && attempt + 1 < upstreams.len();
                warn!(
                    error.type = &*error_type,
                    gateway.upstream = upstream.name.as_str(),
                    gateway.attempt = attempt + 1,
                    "{}",
                    if next { "upstream failed, trying the next one" } else { "upstream failed" }
                );
                last_error = Some(e);
                if !retry {
                    break;
                }
            }
        }
    }
    match last_error {
        Some(OpenAIError::ApiError(response)) => {
            let status = StatusCode::from_u16(response.status_code.as_u16())
                .unwrap_or(StatusCode::BAD_GATEWAY);
            (
                status,
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                json!({ "error": response.api_error }).to_string(),
            )
                .into_response()
        }
        Some(e) => error_response(
            StatusCode::BAD_GATEWAY,
            "upstream_error",
            &e.error_type(),
            "no upstream answered",
        ),
        None => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_error",
            "no_upstream",
            "no upstream is configured",
        ),
    }
}

/// What a successful attempt answered.
enum Answer {
    Json(Box<CreateChatCompletionResponse>),
    Stream(ChatCompletionResponseStream),
}

impl Answer {
    /// The response to the gateway's client, and the attempt's metrics. A stream is relayed
    /// chunk by chunk as server-sent events; its metrics are recorded when it ends.
    fn into_response(self, attrs: GenAiMetricAttributes, started: Instant) -> Response {
        match self {
            Answer::Json(response) => {
                record_success(
                    &attrs,
                    &response.model,
                    response
                        .usage
                        .as_ref()
                        .map(|u| (u.prompt_tokens, u.completion_tokens)),
                    started,
                );
                (
                    StatusCode::OK,
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    serde_json::to_string(&response).unwrap_or_default(),
                )
                    .into_response()
            }
            Answer::Stream(stream) => {
                let relay = Relay {
                    stream,
                    attrs,
                    started,
                    model: String::new(),
                    usage: None,
                };
                let events = futures_util::stream::unfold(Some(relay), |relay| async move {
                    let mut relay = relay?;
                    match relay.stream.next().await {
                        Some(item) => {
                            let data = relay.chunk(item);
                            Some((
                                Ok::<_, Infallible>(Event::default().data(data)),
                                Some(relay),
                            ))
                        }
                        None => {
                            record_success(&relay.attrs, &relay.model, relay.usage, relay.started);
                            Some((Ok(Event::default().data("[DONE]")), None))
                        }
                    }
                });
                Sse::new(events).into_response()
            }
        }
    }
}

/// A stream being relayed, and what its metrics need when it ends.
struct Relay {
    stream: ChatCompletionResponseStream,
    attrs: GenAiMetricAttributes,
    started: Instant,
    model: String,
    usage: Option<(u32, u32)>,
}

impl Relay {
    /// The event data of one item of the upstream's stream.
    fn chunk(
        &mut self,
        item: Result<async_openai::types::chat::CreateChatCompletionStreamResponse, OpenAIError>,
    ) -> String {
        match item {
            Ok(chunk) => {
                if self.model.is_empty() {
                    self.model.clone_from(&chunk.model);
                }
                if let Some(u) = &chunk.usage {
                    self.usage = Some((u.prompt_tokens, u.completion_tokens));
                }
                serde_json::to_string(&chunk).unwrap_or_default()
            }
            Err(e) => {
                json!({"error": {"type": "upstream_error", "code": e.error_type()}}).to_string()
            }
        }
    }
}

/// The metrics of an attempt that answered.
fn record_success(
    attrs: &GenAiMetricAttributes,
    response_model: &str,
    usage: Option<(u32, u32)>,
    started: Instant,
) {
    let attrs = attrs.clone().response_model(response_model.to_owned());
    genai_metrics::record_client_operation_duration(&attrs, started.elapsed());
    if let Some((input, output)) = usage {
        genai_metrics::record_token_usage(&attrs, TokenType::Input, input.into());
        genai_metrics::record_token_usage(&attrs, TokenType::Output, output.into());
    }
}

/// An OpenAI-style error body.
fn error_response(status: StatusCode, kind: &str, code: &str, message: &str) -> Response {
    let body: Value =
        json!({"error": {"message": message, "type": kind, "param": null, "code": code}});
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
