//! The Responses API: the request's content, the response's finish reasons and output
//! messages, and its event stream as [`KeepOpen`] (the span ends with the stream, its outcome
//! read from the final `response.completed`, `response.incomplete` or `response.failed`
//! event, which carries the whole response).

use super::content::{arguments, function_definition};
use super::stream::{KeptOpen, StreamOutcome};
use crate::genai::content::{self as semconv, Part};
use crate::genai::{GenerationOutcome, RequestContent};
use crate::span::{KeepOpen, SpanCore};
use async_openai::types::responses::{
    EasyInputContent, EasyInputMessage, FunctionCallOutput, InputContent, InputItem, InputMessage,
    InputParam, InputRole, Item, MessageItem, OutputItem, OutputMessage, OutputMessageContent,
    Response, ResponseStream, ResponseStreamEvent, Role, Status, Tool,
};

/// `gen_ai.response.finish_reasons` of a response: `tool_calls` when it called a function,
/// `length` / `content_filter` for an incomplete one, `error` for a failed one, else `stop`.
pub(super) fn finish_reason(response: &Response) -> Option<&'static str> {
    Some(match response.status {
        Status::Completed => {
            let called = (response.output.iter()).any(|o| matches!(o, OutputItem::FunctionCall(_)));
            if called { "tool_calls" } else { "stop" }
        }
        Status::Incomplete => match response
            .incomplete_details
            .as_ref()
            .map(|d| d.reason.as_str())
        {
            Some("max_output_tokens") => "length",
            Some("content_filter") => "content_filter",
            _ => "length",
        },
        Status::Failed => "error",
        Status::Cancelled | Status::InProgress | Status::Queued => return None,
    })
}

/// The response's output as `gen_ai.output.messages`: its messages' text and refusals, and
/// its function calls as `tool_call` parts, in one assistant message.
pub(super) fn output_messages(response: &Response) -> Vec<semconv::OutputMessage> {
    let mut parts = Vec::new();
    for item in &response.output {
        match item {
            OutputItem::Message(message) => parts.extend(message_parts(message)),
            OutputItem::FunctionCall(call) => parts.push(Part::tool_call(
                call.call_id.clone(),
                call.name.clone(),
                arguments(&call.arguments),
            )),
            _ => {}
        }
    }
    if parts.is_empty() {
        return Vec::new();
    }
    let reason = finish_reason(response).unwrap_or("stop");
    vec![semconv::OutputMessage::new("assistant", parts, reason)]
}

fn message_parts(message: &OutputMessage) -> impl Iterator<Item = Part> + '_ {
    message.content.iter().map(|c| match c {
        OutputMessageContent::OutputText(t) => Part::text(t.text.clone()),
        OutputMessageContent::Refusal(r) => Part::text(r.refusal.clone()),
    })
}

fn input_parts(content: &[InputContent]) -> Vec<Part> {
    content
        .iter()
        .filter_map(|c| match c {
            InputContent::InputText(t) => Some(Part::text(t.text.clone())),
            InputContent::InputImage(image) => match (&image.image_url, &image.file_id) {
                (Some(url), _) => Some(Part::uri("image", url.clone())),
                (None, Some(id)) => Some(Part::file("image", id.clone())),
                (None, None) => None,
            },
            InputContent::InputFile(file) => match (&file.file_url, &file.file_id) {
                (Some(url), _) => Some(Part::uri("document", url.clone())),
                (None, Some(id)) => Some(Part::file("document", id.clone())),
                (None, None) => None,
            },
        })
        .collect()
}

/// A message of the input: system and developer messages are instructions, the rest input
/// messages.
fn add_message(content: &mut RequestContent, role: &str, parts: Vec<Part>) {
    if matches!(role, "system" | "developer") {
        content.system_instructions.extend(parts);
    } else {
        content
            .input_messages
            .push(semconv::InputMessage::new(role, parts));
    }
}

fn add_easy(content: &mut RequestContent, message: &EasyInputMessage) {
    let role = match message.role {
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::System => "system",
        Role::Developer => "developer",
    };
    let parts = match &message.content {
        EasyInputContent::Text(text) => vec![Part::text(text.clone())],
        EasyInputContent::ContentList(list) => input_parts(list),
    };
    add_message(content, role, parts);
}

fn add_input_message(content: &mut RequestContent, message: &InputMessage) {
    let role = match message.role {
        InputRole::User => "user",
        InputRole::System => "system",
        InputRole::Developer => "developer",
    };
    add_message(content, role, input_parts(&message.content));
}

/// `gen_ai.system_instructions`, `gen_ai.input.messages` and `gen_ai.tool.definitions` of a
/// Responses API request. Items only referenced by id carry no content here.
pub(super) fn request_content(
    request: &async_openai::types::responses::CreateResponse,
) -> RequestContent {
    let mut content = RequestContent::default();
    if let Some(instructions) = &request.instructions {
        content
            .system_instructions
            .push(Part::text(instructions.clone()));
    }
    match &request.input {
        InputParam::Text(text) => add_message(&mut content, "user", vec![Part::text(text.clone())]),
        InputParam::Items(items) => {
            for item in items {
                match item {
                    InputItem::EasyMessage(message) => add_easy(&mut content, message),
                    InputItem::Item(Item::Message(MessageItem::Input(message))) => {
                        add_input_message(&mut content, message)
                    }
                    InputItem::Item(Item::Message(MessageItem::Output(message))) => {
                        add_message(&mut content, "assistant", message_parts(message).collect())
                    }
                    InputItem::Item(Item::FunctionCall(call)) => add_message(
                        &mut content,
                        "assistant",
                        vec![Part::tool_call(
                            call.call_id.clone(),
                            call.name.clone(),
                            arguments(&call.arguments),
                        )],
                    ),
                    InputItem::Item(Item::FunctionCallOutput(output)) => {
                        let response = match &output.output {
                            FunctionCallOutput::Text(text) => {
                                serde_json::Value::String(text.clone())
                            }
                            FunctionCallOutput::Content(parts) => serde_json::Value::String(
                                (parts.iter())
                                    .filter_map(|p| match p {
                                        InputContent::InputText(t) => Some(t.text.as_str()),
                                        _ => None,
                                    })
                                    .collect::<Vec<_>>()
                                    .join(""),
                            ),
                        };
                        content
                            .input_messages
                            .push(semconv::InputMessage::tool_response(
                                output.call_id.clone().unwrap_or_default(),
                                response,
                            ));
                    }
                    _ => {}
                }
            }
        }
    }
    for tool in request.tools.iter().flatten() {
        if let Tool::Function(f) = tool {
            content.tool_definitions.push(function_definition(
                &f.name,
                f.description.as_ref(),
                f.parameters.as_ref(),
            ));
        }
    }
    content
}

/// `error.type` of a failed response: its error code (`server_error`, `rate_limit_exceeded`,
/// ...) when it is a short identifier, else `response_failed`.
fn failure_type(response: &Response) -> String {
    let code = (response.error.as_ref())
        .and_then(|e| serde_json::to_value(&e.code).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    match code {
        Some(code)
            if !code.is_empty()
                && code.len() <= 64
                && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
        {
            code
        }
        _ => "response_failed".to_owned(),
    }
}

/// What the Responses API's events say: the final response, from the last event that
/// carried one (`response.completed`, `.incomplete`, `.failed`).
#[derive(Default)]
struct FinalResponse(Option<Box<Response>>);

impl StreamOutcome<ResponseStreamEvent> for FinalResponse {
    fn add(&mut self, event: &ResponseStreamEvent, span: &SpanCore) {
        match event {
            ResponseStreamEvent::ResponseCompleted(e) => {
                self.0 = Some(Box::new(e.response.clone()))
            }
            ResponseStreamEvent::ResponseIncomplete(e) => {
                self.0 = Some(Box::new(e.response.clone()))
            }
            ResponseStreamEvent::ResponseFailed(e) => {
                span.record_error(failure_type(&e.response).into(), None, None);
                self.0 = Some(Box::new(e.response.clone()));
            }
            _ => {}
        }
    }

    fn record(&self, span: &SpanCore) {
        if let Some(response) = &self.0 {
            response.record_outcome(span);
        }
    }
}

impl KeepOpen for ResponseStream {
    fn keep_open(self, span: SpanCore) -> Self {
        KeptOpen::wrap(self, span, FinalResponse::default())
    }
}

/// The stream reports its outcome when it ends ([`KeepOpen`]), not when it is returned.
impl GenerationOutcome for ResponseStream {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

#[cfg(test)]
mod tests {
    use async_openai::types::responses::CreateResponse;
    use serde_json::{Value, json};

    use super::*;
    use crate::genai::content::schemas::valid;

    /// A response as the API sends it (the fields async-openai requires).
    pub(crate) fn response(status: &str, output: Value) -> Response {
        serde_json::from_value(json!({
            "id": "resp_1", "object": "response", "created_at": 1, "model": "gpt-4.1",
            "status": status, "output": output, "parallel_tool_calls": true, "tools": [],
            "usage": {"input_tokens": 11, "input_tokens_details": {"cached_tokens": 3},
                      "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 2},
                      "total_tokens": 18}
        }))
        .unwrap()
    }

    #[test]
    fn a_responses_request_is_content_of_the_schemas() {
        let request: CreateResponse = serde_json::from_value(json!({
            "model": "gpt-4.1",
            "instructions": "Answer briefly.",
            "input": [
                {"role": "developer", "content": "Use metric units."},
                {"role": "user", "content": [
                    {"type": "input_text", "text": "What is on this picture?"},
                    {"type": "input_image", "image_url": "https://example.com/a.png", "detail": "auto"}
                ]},
                {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
                {"type": "function_call_output", "call_id": "call_1", "output": "{\"celsius\":21}"}
            ],
            "tools": [{"type": "function", "name": "get_weather", "description": "Weather of a city",
                       "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]
        }))
        .unwrap();
        let content = request_content(&request);
        let system = valid(
            "gen-ai-system-instructions.json",
            content.system_instructions.as_slice(),
        );
        assert_eq!(
            system,
            json!([{"type": "text", "content": "Answer briefly."}, {"type": "text", "content": "Use metric units."}])
        );
        let input = valid(
            "gen-ai-input-messages.json",
            content.input_messages.as_slice(),
        );
        assert_eq!(input[0]["role"], "user");
        assert_eq!(
            input[0]["parts"][1],
            json!({"type": "uri", "modality": "image", "uri": "https://example.com/a.png"})
        );
        assert_eq!(
            input[1],
            json!({"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "Paris"}}]})
        );
        assert_eq!(input[2]["parts"][0]["type"], "tool_call_response");
        assert_eq!(input[2]["parts"][0]["id"], "call_1");
        let tools = valid(
            "gen-ai-tool-definitions.json",
            content.tool_definitions.as_slice(),
        );
        assert_eq!(tools[0]["name"], "get_weather");

        let text: CreateResponse =
            serde_json::from_value(json!({"model": "gpt-4.1", "input": "Hello"})).unwrap();
        let content = request_content(&text);
        assert_eq!(
            valid(
                "gen-ai-input-messages.json",
                content.input_messages.as_slice()
            ),
            json!([{"role": "user", "parts": [{"type": "text", "content": "Hello"}]}])
        );
    }

    #[test]
    fn a_response_gives_finish_reasons_and_output_messages() {
        let answered = response(
            "completed",
            json!([{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                    "content": [{"type": "output_text", "text": "Sunny.", "annotations": []}]}]),
        );
        assert_eq!(answered.finish_reasons(), ["stop"]);
        assert_eq!(
            (answered.input_tokens(), answered.output_tokens()),
            (Some(11), Some(7))
        );
        assert_eq!(answered.cache_read_input_tokens(), Some(3));
        assert_eq!(answered.reasoning_output_tokens(), Some(2));
        let out = valid(
            "gen-ai-output-messages.json",
            answered.output_messages().as_slice(),
        );
        assert_eq!(
            out,
            json!([{"role": "assistant", "finish_reason": "stop", "parts": [{"type": "text", "content": "Sunny."}]}])
        );
        let called = response(
            "completed",
            json!([{"type": "function_call", "id": "fc_1", "call_id": "call_9", "name": "get_weather",
                    "arguments": "{\"city\":\"Oslo\"}", "status": "completed"}]),
        );
        assert_eq!(called.finish_reasons(), ["tool_calls"]);
        let out = valid(
            "gen-ai-output-messages.json",
            called.output_messages().as_slice(),
        );
        assert_eq!(out[0]["parts"][0]["arguments"], json!({"city": "Oslo"}));
        let mut cut = response("incomplete", json!([]));
        cut.incomplete_details =
            serde_json::from_value(json!({"reason": "max_output_tokens"})).unwrap();
        assert_eq!(cut.finish_reasons(), ["length"]);
        assert!(cut.output_messages().is_empty());
        assert!(
            response("in_progress", json!([]))
                .finish_reasons()
                .is_empty()
        );
    }

    #[test]
    fn a_failed_response_is_its_error_code_or_a_fixed_type() {
        let mut failed = response("failed", json!([]));
        failed.error = serde_json::from_value(
            json!({"code": "rate_limit_exceeded", "message": "SECRET prompt"}),
        )
        .unwrap();
        assert_eq!(failure_type(&failed), "rate_limit_exceeded");
        failed.error =
            serde_json::from_value(json!({"code": "the prompt 'SECRET'", "message": "m"})).unwrap();
        assert_eq!(failure_type(&failed), "response_failed");
        failed.error = None;
        assert_eq!(failure_type(&failed), "response_failed");
        assert_eq!(failed.finish_reasons(), ["error"]);
    }
}
