//! async-openai 0.43 out of the box (feature `async-openai`): its responses are
//! [`GenerationOutcome`](crate::genai::GenerationOutcome)s, its error is an
//! [`ErrorType`](crate::span::ErrorType), and [`TracedHttpService`] carries the caller's
//! trace to the provider.
//!
//! ```no_run
//! use async_openai::Client;
//! use async_openai::config::OpenAIConfig;
//! use async_openai::error::OpenAIError;
//! use async_openai::types::chat::{CreateChatCompletionRequest, CreateChatCompletionResponse};
//! use telemetry_runtime::llm_span;
//! use telemetry_runtime::openai::TracedHttpService;
//!
//! #[llm_span(kind = "chat", provider = "openai", model = req.model)]
//! async fn chat(
//!     client: &Client<OpenAIConfig>,
//!     req: CreateChatCompletionRequest,
//! ) -> Result<CreateChatCompletionResponse, OpenAIError> {
//!     client.chat().create(req).await
//! }
//!
//! # async fn run(req: CreateChatCompletionRequest) -> Result<(), OpenAIError> {
//! // Every request of the client: a CLIENT span under the `chat` span, and `traceparent`.
//! let client = Client::with_config(OpenAIConfig::new().with_api_base("http://127.0.0.1:8000/v1"))
//!     .with_http_service(TracedHttpService::new(Default::default()));
//! let response = chat(&client, req).await?;
//! # Ok(()) }
//! ```
//!
//! What the `chat` span then carries, from the response: `gen_ai.usage.input_tokens` and
//! `output_tokens` (`prompt_tokens`, `completion_tokens`), `gen_ai.usage.cache_read.input_tokens`
//! (`prompt_tokens_details.cached_tokens`), `gen_ai.usage.reasoning.output_tokens`
//! (`completion_tokens_details.reasoning_tokens`), `gen_ai.response.id`,
//! `gen_ai.response.model` and `gen_ai.response.finish_reasons`. The same for the legacy
//! completions API (`CreateCompletionResponse`) and the Responses API (`Response`). A failed
//! call sets `error.type` from the [`OpenAIError`](async_openai::error::OpenAIError): the API
//! error's code or type (`rate_limit_exceeded`, `context_length_exceeded`, ...), the transport
//! kind (`timeout`, `connect`, ...), `invalid_response`; never the error's text, which may
//! quote the prompt.
//!
//! A fn returning `ChatCompletionResponseStream` or the Responses API's `ResponseStream`
//! keeps its span open until the stream ends ([`KeepOpen`](crate::span::KeepOpen)). An
//! `embeddings` fn returning `CreateEmbeddingResponse` records its usage, model and dimension
//! count ([`EmbeddingsOutcome`](crate::genai::EmbeddingsOutcome)). `request = &req` reads the
//! parameters of the chat, completion, embeddings and Responses requests and, with content
//! capture on, their messages, instructions and tools.

mod content;
mod error_type;
mod http_service;
mod outcome;
mod request;
mod responses;
mod stream;

pub use http_service::TracedHttpService;
