//! An LLM client library that instruments but installs nothing: it depends on
//! `telemetry-runtime` with `default-features = false`, so building it compiles neither the
//! OpenTelemetry SDK nor an exporter nor `tracing-subscriber`. Its spans, attributes and
//! propagated headers appear once the application that uses it calls
//! `telemetry_runtime::init()` (the workspace's `tests/instrumented_library.rs`).

use std::borrow::Cow;
use std::fmt;

use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::opentelemetry::Context;
use telemetry_runtime::opentelemetry::propagation::TextMapPropagator as _;
use telemetry_runtime::propagation::{CarrierPropagator, Inject};
use telemetry_runtime::scope::HeaderMap;
use telemetry_runtime::span::ErrorType;
use telemetry_runtime::{CommonAttributes, llm_span};

/// The identifiers the library's callers pass with each request.
#[derive(Clone, Debug, CommonAttributes)]
#[common_attributes(namespace = "acme")]
pub struct Tenant {
    /// `x-tenant-id`, recorded as `acme.tenant_id`.
    pub tenant_id: String,
}

/// A completion request.
#[derive(Debug, Clone)]
pub struct Request {
    /// The model asked for.
    pub model: String,
    /// The prompt.
    pub prompt: String,
    /// The longest answer, in tokens.
    pub max_tokens: u32,
}

/// A completion.
#[derive(Debug, Clone)]
pub struct Completion {
    /// The provider's id of the response.
    pub id: String,
    /// The answer.
    pub text: String,
    /// Tokens read.
    pub input_tokens: u64,
    /// Tokens written.
    pub output_tokens: u64,
    /// The headers the request to the provider would carry: the caller's trace context.
    pub upstream_headers: HeaderMap,
}

impl GenerationOutcome for Completion {
    fn input_tokens(&self) -> Option<u64> {
        Some(self.input_tokens)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.output_tokens)
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec!["stop"]
    }
    fn response_id(&self) -> Option<&str> {
        Some(&self.id)
    }
}

/// Why a completion failed.
#[derive(Debug)]
pub struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the provider refused the request")
    }
}

impl std::error::Error for Refused {}

impl ErrorType for Refused {
    fn error_type(&self) -> Cow<'static, str> {
        "refused".into()
    }
}

/// Completes `request` (an echo, standing in for a provider call), in a `chat` span with the
/// GenAI attributes; the upstream headers carry the span's trace context.
#[llm_span(kind = "chat", provider = "acme", model = request.model.as_str(), max_tokens = request.max_tokens)]
pub async fn complete(request: &Request) -> Result<Completion, Refused> {
    if request.prompt.is_empty() {
        return Err(Refused);
    }
    let mut upstream_headers = HeaderMap::new();
    CarrierPropagator::new()
        .inject_context(&Context::current(), &mut Inject(&mut upstream_headers));
    let words = request.prompt.split_whitespace().count() as u64;
    Ok(Completion {
        id: format!("cmpl-{words}"),
        text: request.prompt.clone(),
        input_tokens: words,
        output_tokens: words,
        upstream_headers,
    })
}

/// Reads the caller's identifiers from incoming headers, as a server built on the library
/// would.
pub fn tenant(
    headers: &HeaderMap,
) -> Result<Tenant, telemetry_runtime::scope::CommonAttributesError> {
    Tenant::from_headers(headers)
}
