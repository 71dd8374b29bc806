//! [`GenAiRequest`]: the request parameters `#[llm_span(request = ...)]` records, read from a
//! request value instead of one argument each.

use opentelemetry::{Array, KeyValue, StringValue, Value};

use super::capture::{for_event, for_span};
use super::content::{InputMessage, Part, ToolDefinition};
use crate::redaction::content_policy::{events_carry_content, spans_carry_content};
use crate::span::StartValues;

/// The parameters of a GenAI request that become `gen_ai.request.*` attributes (semantic
/// conventions v1.41.0). Every field is optional; set the ones the request has.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestParams<'a> {
    /// `gen_ai.request.model`.
    pub model: Option<&'a str>,
    /// `gen_ai.request.max_tokens`.
    pub max_tokens: Option<u64>,
    /// `gen_ai.request.temperature`.
    pub temperature: Option<f64>,
    /// `gen_ai.request.top_p`.
    pub top_p: Option<f64>,
    /// `gen_ai.request.top_k`.
    pub top_k: Option<f64>,
    /// `gen_ai.request.frequency_penalty`.
    pub frequency_penalty: Option<f64>,
    /// `gen_ai.request.presence_penalty`.
    pub presence_penalty: Option<f64>,
    /// `gen_ai.request.stop_sequences` (none: not recorded).
    pub stop_sequences: Vec<&'a str>,
    /// `gen_ai.request.seed`.
    pub seed: Option<i64>,
    /// `gen_ai.request.choice.count`.
    pub choice_count: Option<u64>,
    /// `gen_ai.output.type`: `text`, `json`, `image` or `speech`.
    pub output_type: Option<&'static str>,
    /// `gen_ai.request.stream`.
    pub stream: Option<bool>,
    /// `gen_ai.request.encoding_formats` (embeddings; none: not recorded).
    pub encoding_formats: Vec<&'static str>,
    /// `gen_ai.embeddings.dimension.count` (embeddings).
    pub dimension_count: Option<u64>,
}

/// The content of a GenAI request, recorded only when content capture lets it in:
/// `gen_ai.system_instructions`, `gen_ai.input.messages`, `gen_ai.tool.definitions`, as the
/// semantic conventions' JSON schemas and bounded in size.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestContent {
    /// `gen_ai.system_instructions`: the system (and developer) messages' parts.
    pub system_instructions: Vec<Part>,
    /// `gen_ai.input.messages`: the other messages.
    pub input_messages: Vec<InputMessage>,
    /// `gen_ai.tool.definitions`: the tools the model may call.
    pub tool_definitions: Vec<ToolDefinition>,
}

/// A request whose parameters `#[llm_span(request = &req)]` records: the async-openai request
/// types implement it (feature `async-openai`), and so can yours.
///
/// ```
/// use telemetry_runtime::genai::{GenAiRequest, RequestParams};
///
/// struct MyRequest { model: String, max_tokens: u32 }
///
/// impl GenAiRequest for MyRequest {
///     fn request_params(&self) -> RequestParams<'_> {
///         let mut params = RequestParams::default();
///         params.model = Some(&self.model);
///         params.max_tokens = Some(self.max_tokens.into());
///         params
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a request type that `#[llm_span(request = ...)]` can read",
    label = "not a GenAI request",
    note = "`request = ...` reads the async-openai request types (feature `async-openai`: `CreateChatCompletionRequest`, `CreateCompletionRequest`, `CreateEmbeddingRequest`, `CreateResponse`) and your types that implement `telemetry_runtime::genai::GenAiRequest`",
    note = "or pass each parameter as its own argument, e.g. `model = req.model, max_tokens = req.max_tokens`"
)]
pub trait GenAiRequest {
    /// The request's parameters.
    fn request_params(&self) -> RequestParams<'_>;

    /// The request's content; asked for only when content capture is on. None by default.
    fn request_content(&self) -> RequestContent {
        RequestContent::default()
    }
}

impl<T: GenAiRequest + ?Sized> GenAiRequest for &T {
    fn request_params(&self) -> RequestParams<'_> {
        (**self).request_params()
    }
    fn request_content(&self) -> RequestContent {
        (**self).request_content()
    }
}

/// The request of a `#[llm_span(request = ...)]`, checked once where it is given: a type that
/// is not a request is one error, on the user's expression.
/// Its parameters are read once, here, for the span name and the attributes.
#[doc(hidden)]
pub struct RequestRef<'a> {
    request: &'a dyn GenAiRequest,
    params: RequestParams<'a>,
}

/// The request value, as the generated code holds it.
#[doc(hidden)]
#[inline]
pub fn request<R: GenAiRequest>(request: &R) -> RequestRef<'_> {
    RequestRef {
        request,
        params: request.request_params(),
    }
}

/// The request's model, for the span name. Called by the generated code.
#[doc(hidden)]
#[inline]
pub fn request_model<'a>(request: &RequestRef<'a>) -> Option<&'a str> {
    request.params.model
}

/// Adds the request's parameters to the start attributes, except the keys already there (the
/// arguments given one by one win), and its content where content capture lets it in.
/// Called by the generated code.
#[doc(hidden)]
pub fn extend(request: &RequestRef<'_>, start: &mut StartValues) {
    extend_params(&request.params, &mut start.attributes);
    if spans_carry_content() || events_carry_content() {
        extend_content(&request.request.request_content(), start);
    }
}

/// The content's attributes, on the span and the operation-details event as capture says;
/// empty parts are left out, as are keys already given.
fn extend_content(content: &RequestContent, start: &mut StartValues) {
    fn add<T>(key: &'static str, value: &[T], start: &mut StartValues)
    where
        [T]: super::content::ContentValue,
    {
        if value.is_empty() || start.attributes.iter().any(|kv| kv.key.as_str() == key) {
            return;
        }
        if let Some(json) = for_span(value) {
            start.attributes.push(KeyValue::new(key, json));
        }
        if let Some(kv) = for_event(key, value) {
            start.event.push(kv);
        }
    }
    add(
        "gen_ai.system_instructions",
        &content.system_instructions,
        start,
    );
    add("gen_ai.input.messages", &content.input_messages, start);
    add("gen_ai.tool.definitions", &content.tool_definitions, start);
}

fn extend_params(p: &RequestParams<'_>, attributes: &mut Vec<KeyValue>) {
    let int = |v: u64| Value::I64(i64::try_from(v).unwrap_or(i64::MAX));
    let strings = |values: &[&str]| {
        Value::Array(Array::String(
            values
                .iter()
                .map(|s| StringValue::from((*s).to_owned()))
                .collect(),
        ))
    };
    let values: [(&'static str, Option<Value>); 14] = [
        (
            "gen_ai.request.model",
            p.model.map(|m| Value::from(m.to_owned())),
        ),
        ("gen_ai.request.max_tokens", p.max_tokens.map(int)),
        ("gen_ai.request.temperature", p.temperature.map(Value::F64)),
        ("gen_ai.request.top_p", p.top_p.map(Value::F64)),
        ("gen_ai.request.top_k", p.top_k.map(Value::F64)),
        (
            "gen_ai.request.frequency_penalty",
            p.frequency_penalty.map(Value::F64),
        ),
        (
            "gen_ai.request.presence_penalty",
            p.presence_penalty.map(Value::F64),
        ),
        (
            "gen_ai.request.stop_sequences",
            (!p.stop_sequences.is_empty()).then(|| strings(&p.stop_sequences)),
        ),
        ("gen_ai.request.seed", p.seed.map(Value::I64)),
        ("gen_ai.request.choice.count", p.choice_count.map(int)),
        ("gen_ai.output.type", p.output_type.map(Value::from)),
        ("gen_ai.request.stream", p.stream.map(Value::Bool)),
        (
            "gen_ai.request.encoding_formats",
            (!p.encoding_formats.is_empty()).then(|| strings(&p.encoding_formats)),
        ),
        (
            "gen_ai.embeddings.dimension.count",
            p.dimension_count.map(int),
        ),
    ];
    for (key, value) in values {
        if let Some(value) = value
            && !attributes.iter().any(|kv| kv.key.as_str() == key)
        {
            attributes.push(KeyValue::new(key, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Req;
    impl GenAiRequest for Req {
        fn request_params(&self) -> RequestParams<'_> {
            RequestParams {
                model: Some("m"),
                max_tokens: Some(64),
                temperature: Some(0.5),
                stop_sequences: vec!["\n\n"],
                output_type: Some("json"),
                ..RequestParams::default()
            }
        }
    }

    #[test]
    fn parameters_become_typed_attributes_and_given_ones_win() {
        let mut attributes = vec![KeyValue::new("gen_ai.request.max_tokens", 8_i64)];
        extend_params(&Req.request_params(), &mut attributes);
        let get = |key: &str| {
            attributes
                .iter()
                .find(|kv| kv.key.as_str() == key)
                .map(|kv| kv.value.clone())
        };
        assert_eq!(get("gen_ai.request.max_tokens"), Some(Value::I64(8)));
        assert_eq!(get("gen_ai.request.model"), Some(Value::from("m")));
        assert_eq!(get("gen_ai.request.temperature"), Some(Value::F64(0.5)));
        assert_eq!(
            get("gen_ai.request.stop_sequences"),
            Some(Value::Array(Array::String(vec!["\n\n".into()])))
        );
        assert_eq!(get("gen_ai.output.type"), Some(Value::from("json")));
        assert_eq!(get("gen_ai.request.top_p"), None);
        assert_eq!(attributes.len(), 5);
        assert_eq!(request_model(&request(&Req)), Some("m"));
    }
}
