//! The OpenAI-style request and error shapes: parsing and validating request bodies (a bad
//! body is a `400` with an OpenAI error object, never a panic) and the error responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use telemetry_runtime::genai::content::InputMessage;

use super::model::{MODEL, ModelError};

/// Default and largest `max_tokens`.
pub const DEFAULT_MAX_TOKENS: u32 = 24;
pub const MAX_MAX_TOKENS: u32 = 256;
/// Default and largest number of retrieved documents.
pub const DEFAULT_TOP_K: usize = 4;
pub const MAX_TOP_K: usize = 12;

/// Which endpoint a request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/chat/completions`.
    Chat,
    /// `POST /v1/completions`.
    Completions,
}

impl Endpoint {
    /// The route template.
    pub fn route(self) -> &'static str {
        match self {
            Endpoint::Chat => "/v1/chat/completions",
            Endpoint::Completions => "/v1/completions",
        }
    }

    /// `gen_ai.operation.name`.
    pub fn operation(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat",
            Endpoint::Completions => "text_completion",
        }
    }
}

/// A validated generation request.
#[derive(Clone, Debug)]
pub struct GenRequest {
    pub endpoint: Endpoint,
    pub model: String,
    /// The prompt as the model reads it (chat messages joined).
    pub prompt: String,
    /// The prompt as GenAI input messages, for content capture.
    pub messages: Vec<InputMessage>,
    pub max_tokens: u32,
    pub temperature: Option<f64>,
    pub stream: bool,
    /// `Some(top_k)` when the request asks for retrieval (`"retrieval": true` or
    /// `{"top_k": n}`, a miniserve extension).
    pub retrieval: Option<usize>,
}

/// An error answered in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: &'static str,
    pub param: Option<&'static str>,
    pub message: String,
}

impl ApiError {
    /// A `400 invalid_request_error`.
    pub fn invalid(
        param: Option<&'static str>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code,
            param,
            message: message.into(),
        }
    }

    /// A `429 rate_limit_exceeded`, as the OpenAI API answers a client over its rate limit.
    pub fn rate_limited() -> Self {
        ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            kind: "requests",
            code: "rate_limit_exceeded",
            param: None,
            message: "rate limit reached for requests; retry later".to_owned(),
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({"error": {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        }})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl telemetry_runtime::span::ErrorType for ApiError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        self.code.into()
    }
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        ApiError::invalid(Some("messages"), e.code(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// A JSON response.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Parses and validates a request body of `endpoint`.
pub fn parse(endpoint: Endpoint, body: &[u8]) -> Result<GenRequest, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            None,
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let Some(obj) = value.as_object() else {
        return Err(ApiError::invalid(
            None,
            "invalid_type",
            "the body must be a JSON object",
        ));
    };
    let model = match obj.get("model") {
        None | Some(Value::Null) => MODEL.to_owned(),
        Some(Value::String(m)) if m == MODEL => m.clone(),
        Some(Value::String(_)) => {
            return Err(ApiError {
                status: StatusCode::NOT_FOUND,
                kind: "invalid_request_error",
                code: "model_not_found",
                param: Some("model"),
                message: format!("the model does not exist; this server serves `{MODEL}`"),
            });
        }
        Some(_) => return Err(type_error("model", "a string")),
    };
    let (prompt, messages) = match endpoint {
        Endpoint::Chat => parse_messages(obj.get("messages"))?,
        Endpoint::Completions => match obj.get("prompt") {
            Some(Value::String(p)) => (p.clone(), vec![InputMessage::user(p.clone())]),
            Some(Value::Array(items))
                if items.iter().all(Value::is_string) && !items.is_empty() =>
            {
                let p = items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n");
                (p.clone(), vec![InputMessage::user(p)])
            }
            None => {
                return Err(ApiError::invalid(
                    Some("prompt"),
                    "missing_required_parameter",
                    "`prompt` is required",
                ));
            }
            Some(_) => {
                return Err(type_error(
                    "prompt",
                    "a string or a non-empty array of strings",
                ));
            }
        },
    };
    let max_tokens = match obj
        .get("max_tokens")
        .or_else(|| obj.get("max_completion_tokens"))
    {
        None | Some(Value::Null) => DEFAULT_MAX_TOKENS,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=u64::from(MAX_MAX_TOKENS)).contains(&n) => n as u32,
            _ => {
                return Err(ApiError::invalid(
                    Some("max_tokens"),
                    "invalid_value",
                    format!("`max_tokens` must be an integer from 1 to {MAX_MAX_TOKENS}"),
                ));
            }
        },
    };
    let temperature = match obj.get("temperature") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(t) if (0.0..=2.0).contains(&t) => Some(t),
            _ => {
                return Err(ApiError::invalid(
                    Some("temperature"),
                    "invalid_value",
                    "`temperature` must be a number from 0 to 2",
                ));
            }
        },
    };
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(type_error("stream", "a boolean")),
    };
    let retrieval = match obj.get("retrieval") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(DEFAULT_TOP_K),
        Some(Value::Object(r)) => match r.get("top_k") {
            None => Some(DEFAULT_TOP_K),
            Some(v) => match v.as_u64() {
                Some(k) if (1..=MAX_TOP_K as u64).contains(&k) => Some(k as usize),
                _ => {
                    return Err(ApiError::invalid(
                        Some("retrieval.top_k"),
                        "invalid_value",
                        format!("`retrieval.top_k` must be an integer from 1 to {MAX_TOP_K}"),
                    ));
                }
            },
        },
        Some(_) => return Err(type_error("retrieval", "a boolean or an object")),
    };
    Ok(GenRequest {
        endpoint,
        model,
        prompt,
        messages,
        max_tokens,
        temperature,
        stream,
        retrieval,
    })
}

/// The inputs of an embeddings request: `input` as a string or a non-empty list of strings;
/// `model`, when given, the embedding model's name.
pub fn parse_embeddings(body: &[u8]) -> Result<Vec<String>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            None,
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    match value.get("model") {
        None | Some(Value::Null) => {}
        Some(Value::String(m)) if m == super::rag::EMBED_MODEL => {}
        Some(Value::String(_)) => {
            return Err(ApiError {
                status: StatusCode::NOT_FOUND,
                kind: "invalid_request_error",
                code: "model_not_found",
                param: Some("model"),
                message: format!(
                    "the model does not exist; this server embeds with `{}`",
                    super::rag::EMBED_MODEL
                ),
            });
        }
        Some(_) => return Err(type_error("model", "a string")),
    }
    match value.get("input") {
        Some(Value::String(text)) => Ok(vec![text.clone()]),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            Ok(items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect())
        }
        None => Err(ApiError::invalid(
            Some("input"),
            "missing_required_parameter",
            "`input` is required",
        )),
        Some(_) => Err(type_error(
            "input",
            "a string or a non-empty list of strings",
        )),
    }
}

fn type_error(param: &'static str, expected: &str) -> ApiError {
    ApiError::invalid(
        Some(param),
        "invalid_type",
        format!("`{param}` must be {expected}"),
    )
}

fn parse_messages(messages: Option<&Value>) -> Result<(String, Vec<InputMessage>), ApiError> {
    let Some(messages) = messages else {
        return Err(ApiError::invalid(
            Some("messages"),
            "missing_required_parameter",
            "`messages` is required",
        ));
    };
    let Some(items) = messages.as_array().filter(|a| !a.is_empty()) else {
        return Err(type_error("messages", "a non-empty array"));
    };
    let mut prompt = Vec::with_capacity(items.len());
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let role = item.get("role").and_then(Value::as_str);
        let content = item.get("content").and_then(Value::as_str);
        let (Some(role), Some(content)) = (role, content) else {
            return Err(ApiError::invalid(
                Some("messages"),
                "invalid_type",
                "each message must be an object with a string `role` and a string `content`",
            ));
        };
        let message = match role {
            "system" | "developer" => InputMessage::system(content),
            "user" => InputMessage::user(content),
            "assistant" => InputMessage::assistant(content),
            _ => {
                return Err(ApiError::invalid(
                    Some("messages"),
                    "invalid_value",
                    "a message `role` must be system, developer, user or assistant",
                ));
            }
        };
        prompt.push(content);
        out.push(message);
    }
    Ok((prompt.join("\n"), out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bodies_are_400_with_an_openai_error() {
        for body in [
            &b"{"[..],
            b"[]",
            b"{\"messages\": []}",
            b"{\"messages\": [{\"role\": 1}]}",
            b"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": -1}",
            b"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stream\": \"yes\"}",
            b"\xff\xfe",
        ] {
            let e = parse(Endpoint::Chat, body).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body:?}");
            assert_eq!(e.body()["error"]["type"], "invalid_request_error");
        }
        let e = parse(Endpoint::Chat, br#"{"model": "gpt-x", "messages": []}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        assert_eq!(e.code, "model_not_found");
    }

    #[test]
    fn a_chat_request_with_retrieval() {
        let r = parse(
            Endpoint::Chat,
            br#"{"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}], "stream": true, "retrieval": {"top_k": 3}}"#,
        )
        .unwrap();
        assert_eq!(r.prompt, "be brief\nhi");
        assert_eq!(r.messages.len(), 2);
        assert!(r.stream);
        assert_eq!(r.retrieval, Some(3));
        assert_eq!(r.max_tokens, DEFAULT_MAX_TOKENS);
    }
}
