//! The HTTP server: routes, the request pipeline as contract spans, and the GenAI metrics.
//!
//! Span tree of one generation request (the `TelemetryLayer` opens the SERVER span):
//!
//! ```text
//! POST /v1/chat/completions            SERVER   (http::TelemetryLayer)
//! └─ http.handler                               (the pipeline's root contract)
//!    ├─ tokenize.input
//!    ├─ rag.retrieve                            (when the request asks for retrieval)
//!    │  ├─ embed.query
//!    │  ├─ vector.search
//!    │  └─ rerank
//!    ├─ chat miniserve-toy-1                    (GenAI chat, or text_completion)
//!    │  ├─ llm.prefill
//!    │  └─ llm.decode
//!    └─ format.output
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{Value, json};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::genai::content::{FinishReason, OutputMessage};
use telemetry_runtime::genai::metrics::{self as genai_metrics, GenAiMetricAttributes, TokenType};
use telemetry_runtime::http::{RequestId, TelemetryLayer};
use telemetry_runtime::opentelemetry::context::FutureExt as _;
use telemetry_runtime::tracing::{info, warn};
use telemetry_runtime::{CommonAttributes, llm_span};
use tokio::sync::mpsc;

use super::api::{self, ApiError, Endpoint, GenRequest, json_response};
use super::model::{MODEL, ModelError, Prefilled, Stop, ToyModel};
use super::rag::{self, Index};
use super::tokenizer::{TokenId, Tokenizer};

/// `gen_ai.provider.name` of the built-in model.
pub const PROVIDER: &str = "miniserve";
/// Documents kept after reranking.
const RERANK_KEEP: usize = 2;

/// The request identifiers: headers `x-assistant-id`, `x-session-id`, `x-user-id`,
/// `x-channel-id`, all optional; on the server span, every log line of the request, and (the
/// channel only, a handful of values) the HTTP duration metric. Their attribute keys are the
/// registry's where it has one (`gen_ai.agent.id`, `session.id`, `user.id`), else the
/// example's own, declared in `examples/miniserve/semconv` (`miniserve.channel.id`).
#[derive(Clone, Debug, CommonAttributes)]
pub struct RequestIds {
    #[attr(key = "gen_ai.agent.id")]
    pub assistant_id: Option<String>,
    #[attr(key = "session.id")]
    pub session_id: Option<String>,
    #[attr(key = "user.id")]
    pub user_id: Option<String>,
    #[attr(key = "miniserve.channel.id", metric)]
    pub channel_id: Option<String>,
}

/// What the handlers share.
pub struct App {
    pub tokenizer: Tokenizer,
    pub model: ToyModel,
    pub index: Index,
    /// Where this GenAI server listens: `server.address` and `server.port` of its
    /// `gen_ai.server.*` metrics.
    pub addr: SocketAddr,
    /// Every generation request is answered `429 rate_limit_exceeded`.
    pub rate_limited: bool,
    next_id: AtomicU64,
}

impl App {
    /// Builds the tokenizer, the model and the index from the built-in corpus, for a server
    /// listening on `addr` (answering every generation with 429 when `rate_limited`).
    pub fn new(addr: SocketAddr, rate_limited: bool) -> Arc<App> {
        let tokenizer = Tokenizer::from_texts(super::corpus::DOCUMENTS.iter().map(|d| d.text));
        let model = ToyModel::new(&tokenizer);
        let index = Index::build(&tokenizer);
        Arc::new(App {
            tokenizer,
            model,
            index,
            addr,
            rate_limited,
            next_id: AtomicU64::new(1),
        })
    }

    /// The GenAI metric attributes of a request to this server.
    fn metric_attributes(&self, req: &GenRequest) -> GenAiMetricAttributes {
        GenAiMetricAttributes::new(req.endpoint.operation(), PROVIDER)
            .request_model(req.model.clone())
            .server(self.addr.ip().to_string(), self.addr.port())
    }
}

/// The routes: the two generation endpoints and `/v1/models` inside the telemetry layer;
/// `/metrics` (Prometheus) and `/health` outside it, so scrapes make no traces.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/chat/completions", post(chat_completions))
        .route("/v1/completions", post(completions))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/models", get(models))
        .layer(TelemetryLayer::new().with_common_attributes::<RequestIds>())
        .route("/metrics", get(telemetry_runtime::prometheus::axum_handler))
        .route("/health", get(|| async { "ok\n" }))
        .with_state(app)
}

async fn models() -> Response {
    json_response(
        StatusCode::OK,
        &json!({"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": PROVIDER}]}),
    )
}

async fn chat_completions(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    body: Bytes,
) -> Response {
    serve(app, Endpoint::Chat, id, body).await
}

async fn completions(
    State(app): State<Arc<App>>,
    Extension(id): Extension<RequestId>,
    body: Bytes,
) -> Response {
    serve(app, Endpoint::Completions, id, body).await
}

/// `POST /v1/embeddings`: `input` (a string or a list of them) embedded with the index's
/// model.
async fn embeddings(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let inputs = match api::parse_embeddings(&body) {
        Ok(inputs) => inputs,
        Err(e) => return rejected(e),
    };
    let vectors = rag::embed_inputs(&app.tokenizer, &inputs);
    let tokens: usize = inputs.iter().map(|i| app.tokenizer.encode(i).len()).sum();
    let data: Vec<Value> = vectors
        .into_iter()
        .enumerate()
        .map(|(index, embedding)| json!({"object": "embedding", "index": index, "embedding": embedding}))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({
            "object": "list",
            "model": rag::EMBED_MODEL,
            "data": data,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }),
    )
}

/// A request answered with an error before any work: logged, and the OpenAI error object.
fn rejected(e: ApiError) -> Response {
    warn!(
        error.type = e.code,
        http.response.status_code = e.status.as_u16(),
        "request rejected"
    );
    e.into_response()
}

/// One generation request: parse, then run the pipeline, answering JSON or SSE.
async fn serve(app: Arc<App>, endpoint: Endpoint, id: RequestId, body: Bytes) -> Response {
    if app.rate_limited {
        return rejected(ApiError::rate_limited());
    }
    let req = match api::parse(endpoint, &body) {
        Ok(req) => req,
        Err(e) => return rejected(e),
    };
    let n = app.next_id.fetch_add(1, Ordering::Relaxed);
    let job = Job {
        response_id: format!(
            "{}-{n:08x}",
            match endpoint {
                Endpoint::Chat => "chatcmpl",
                Endpoint::Completions => "cmpl",
            }
        ),
        created: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        request_id: id.as_str().to_owned(),
        started: Instant::now(),
        app,
        req,
    };
    if !job.req.stream {
        return match handle(&job, None).await {
            Ok(body) => json_response(StatusCode::OK, &body),
            Err(e) => e.into_response(),
        };
    }
    // Streaming: the pipeline runs in its own task (in this request's trace context and
    // scope) and sends each chunk as it is decoded; the response body is the channel.
    let (tx, rx) = mpsc::channel::<String>(64);
    let task = async move {
        match handle(&job, Some(&tx)).await {
            Ok(last) => {
                let _ = tx.send(last.to_string()).await;
                let _ = tx.send("[DONE]".to_owned()).await;
            }
            Err(e) => {
                let _ = tx.send(e.body().to_string()).await;
            }
        }
    };
    tokio::spawn(telemetry_runtime::scope::in_current_scope(task).with_current_context());
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        let data = rx.recv().await?;
        Some((Ok::<_, Infallible>(Event::default().data(data)), rx))
    });
    Sse::new(events).into_response()
}

/// One request's inputs.
pub struct Job {
    app: Arc<App>,
    req: GenRequest,
    response_id: String,
    created: u64,
    request_id: String,
    started: Instant,
}

/// What the model produced.
pub struct Generation {
    tokens: Vec<TokenId>,
    text: String,
    input_tokens: usize,
    stop: Stop,
    first_token_at: Option<Instant>,
    last_token_at: Option<Instant>,
}

impl GenerationOutcome for Generation {
    fn input_tokens(&self) -> Option<u64> {
        Some(self.input_tokens as u64)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.tokens.len() as u64)
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec![self.stop.as_str()]
    }
    fn response_model(&self) -> Option<&str> {
        Some(MODEL)
    }
}

/// The pipeline's root span: everything the request does, and the server metrics.
#[llm_span(
    kind = "http.handler",
    span_kind = "internal",
    method = "POST",
    route = job.req.endpoint.route(),
    model = job.req.model,
    request_id = job.request_id,
    handle = span,
)]
async fn handle(job: &Job, sink: Option<&mpsc::Sender<String>>) -> Result<Value, ApiError> {
    let result = pipeline(job, sink).await;
    let attrs = job.app.metric_attributes(&job.req);
    match &result {
        Ok(_) => {
            span.set_status_code(&200u16);
            genai_metrics::record_server_request_duration(
                &attrs.response_model(MODEL),
                job.started.elapsed(),
            );
        }
        Err(e) => {
            span.set_status_code(&e.status.as_u16());
            genai_metrics::record_server_request_duration(
                &attrs.error_type(e.code),
                job.started.elapsed(),
            );
            warn!(error.type = e.code, "generation failed");
        }
    }
    result
}

async fn pipeline(job: &Job, sink: Option<&mpsc::Sender<String>>) -> Result<Value, ApiError> {
    let app = &job.app;
    let mut prompt = tokenize(&app.tokenizer, &job.req.prompt);
    if let Some(top_k) = job.req.retrieval {
        let hits = rag::retrieve(&app.index, &app.tokenizer, &prompt, top_k, RERANK_KEEP).await;
        let ids: Vec<&str> = hits.iter().map(|h| rag::document(h).id).collect();
        info!(miniserve.retrieval.documents = ?ids, "retrieved context");
        let mut with_context = Vec::new();
        for hit in &hits {
            with_context.extend(app.tokenizer.encode(rag::document(hit).text));
        }
        with_context.extend(prompt);
        prompt = with_context;
    }
    let generation = match job.req.endpoint {
        Endpoint::Chat => chat(job, &prompt, sink).await?,
        Endpoint::Completions => text_completion(job, &prompt, sink).await?,
    };
    info!(
        gen_ai.usage.input_tokens = generation.input_tokens,
        gen_ai.usage.output_tokens = generation.tokens.len(),
        llm.stop_reason = generation.stop.as_str(),
        "generation finished"
    );
    Ok(format_output(job, &generation))
}

#[llm_span(kind = "tokenize.input", tokenizer = Tokenizer::NAME, handle = span)]
fn tokenize(tokenizer: &Tokenizer, text: &str) -> Vec<TokenId> {
    let tokens = tokenizer.encode(text);
    span.set_tokens_in(&tokens.len());
    tokens
}

/// The GenAI `chat` span of the in-process model (INTERNAL: no network hop).
#[llm_span(
    kind = "chat",
    span_kind = "internal",
    provider = PROVIDER,
    model = job.req.model,
    max_tokens = job.req.max_tokens,
    temperature = job.req.temperature,
    stream = job.req.stream,
    output_type = "text",
    response_id = job.response_id,
    input_messages = job.req.messages,
    handle = span,
)]
async fn chat(
    job: &Job,
    prompt: &[TokenId],
    sink: Option<&mpsc::Sender<String>>,
) -> Result<Generation, ModelError> {
    // The upstream error quotes the prompt, as a real provider's does.
    let generation = generate(job, prompt, sink)
        .await
        .map_err(|e| e.quoting(&job.req.prompt))?;
    span.set_output_messages(&[output_message(&generation)]);
    Ok(generation)
}

/// The GenAI `text_completion` span of the in-process model.
#[llm_span(
    kind = "text_completion",
    span_kind = "internal",
    provider = PROVIDER,
    model = job.req.model,
    max_tokens = job.req.max_tokens,
    temperature = job.req.temperature,
    stream = job.req.stream,
    output_type = "text",
    response_id = job.response_id,
    input_messages = job.req.messages,
    handle = span,
)]
async fn text_completion(
    job: &Job,
    prompt: &[TokenId],
    sink: Option<&mpsc::Sender<String>>,
) -> Result<Generation, ModelError> {
    // The upstream error quotes the prompt, as a real provider's does.
    let generation = generate(job, prompt, sink)
        .await
        .map_err(|e| e.quoting(&job.req.prompt))?;
    span.set_output_messages(&[output_message(&generation)]);
    Ok(generation)
}

fn output_message(generation: &Generation) -> OutputMessage {
    let reason = match generation.stop {
        Stop::EndOfText => FinishReason::Stop,
        Stop::Length => FinishReason::Length,
        Stop::Cancelled => FinishReason::from("cancelled"),
    };
    OutputMessage::assistant(generation.text.clone(), reason)
}

/// Prefill and decode, and the model-call metrics: token usage and operation duration
/// (`gen_ai.client.*`: the handler is the model's client), time to first token and time per
/// output token (`gen_ai.server.*`).
async fn generate(
    job: &Job,
    prompt: &[TokenId],
    sink: Option<&mpsc::Sender<String>>,
) -> Result<Generation, ModelError> {
    let started = Instant::now();
    let attrs = job.app.metric_attributes(&job.req);
    let mut state = match job.app.model.prefill(prompt).await {
        Ok(state) => state,
        Err(e) => {
            genai_metrics::record_client_operation_duration(
                &attrs.error_type(e.code()),
                started.elapsed(),
            );
            return Err(e);
        }
    };
    let generation = decode(job, prompt.len(), &mut state, sink).await;
    let attrs = attrs.response_model(MODEL);
    genai_metrics::record_token_usage(&attrs, TokenType::Input, generation.input_tokens as u64);
    genai_metrics::record_token_usage(&attrs, TokenType::Output, generation.tokens.len() as u64);
    genai_metrics::record_client_operation_duration(&attrs, started.elapsed());
    if let (Some(first), Some(last)) = (generation.first_token_at, generation.last_token_at) {
        genai_metrics::record_server_time_to_first_token(&attrs, first - job.started);
        let after_first = generation.tokens.len().saturating_sub(1);
        if after_first > 0 {
            genai_metrics::record_server_time_per_output_token(
                &attrs,
                (last - first) / after_first as u32,
            );
        }
    }
    Ok(generation)
}

#[llm_span(kind = "llm.decode", handle = span)]
async fn decode(
    job: &Job,
    input_tokens: usize,
    state: &mut Prefilled,
    sink: Option<&mpsc::Sender<String>>,
) -> Generation {
    let app = &job.app;
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut stop = Stop::Length;
    let (mut first_token_at, mut last_token_at) = (None, None);
    for step in 0..u64::from(job.req.max_tokens) {
        tokio::time::sleep(app.model.decode_step).await;
        let token = app.model.next_token(state, step);
        tokens.push(token);
        span.step();
        let now = Instant::now();
        first_token_at.get_or_insert(now);
        last_token_at = Some(now);
        let piece = app.tokenizer.decode_one(token, tokens.len() == 1);
        text.push_str(&piece);
        if let Some(sink) = sink
            && sink
                .send(stream_chunk(job, Some(&piece), None).to_string())
                .await
                .is_err()
        {
            stop = Stop::Cancelled;
            break;
        }
        if app.model.is_end(token) && tokens.len() >= 3 {
            stop = Stop::EndOfText;
            break;
        }
    }
    span.set_tokens_out(&tokens.len());
    span.set_stop_reason(stop.as_str());
    Generation {
        tokens,
        text,
        input_tokens,
        stop,
        first_token_at,
        last_token_at,
    }
}

/// The response body (JSON) or the last SSE chunk (finish reason and usage).
#[llm_span(
    kind = "format.output",
    tokens_out = generation.tokens.len(),
    format = if job.req.stream { "sse" } else { "json" },
)]
fn format_output(job: &Job, generation: &Generation) -> Value {
    let usage = json!({
        "prompt_tokens": generation.input_tokens,
        "completion_tokens": generation.tokens.len(),
        "total_tokens": generation.input_tokens + generation.tokens.len(),
    });
    if job.req.stream {
        let mut last = stream_chunk(job, None, Some(generation.stop.as_str()));
        last["usage"] = usage;
        return last;
    }
    let choice = match job.req.endpoint {
        Endpoint::Chat => json!({
            "index": 0,
            "message": {"role": "assistant", "content": generation.text},
            "finish_reason": generation.stop.as_str(),
        }),
        Endpoint::Completions => json!({
            "index": 0,
            "text": generation.text,
            "finish_reason": generation.stop.as_str(),
        }),
    };
    json!({
        "id": job.response_id,
        "object": match job.req.endpoint {
            Endpoint::Chat => "chat.completion",
            Endpoint::Completions => "text_completion",
        },
        "created": job.created,
        "model": MODEL,
        "choices": [choice],
        "usage": usage,
    })
}

/// One SSE chunk in OpenAI's shape.
fn stream_chunk(job: &Job, piece: Option<&str>, finish: Option<&str>) -> Value {
    let choice = match job.req.endpoint {
        Endpoint::Chat => json!({
            "index": 0,
            "delta": piece.map_or_else(|| json!({}), |p| json!({"content": p})),
            "finish_reason": finish,
        }),
        Endpoint::Completions => json!({
            "index": 0,
            "text": piece.unwrap_or(""),
            "finish_reason": finish,
        }),
    };
    json!({
        "id": job.response_id,
        "object": match job.req.endpoint {
            Endpoint::Chat => "chat.completion.chunk",
            Endpoint::Completions => "text_completion",
        },
        "created": job.created,
        "model": MODEL,
        "choices": [choice],
    })
}
