//! async-openai chat messages as GenAI content (semantic conventions v1.41.0 JSON schemas):
//! read only when content capture lets content in.

use async_openai::types::chat::{
    ChatChoice, ChatCompletionMessageToolCalls, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestAssistantMessageContentPart, ChatCompletionRequestDeveloperMessageContent,
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessageContent,
    ChatCompletionRequestToolMessageContent, ChatCompletionRequestUserMessageContent,
    ChatCompletionRequestUserMessageContentPart, ChatCompletionTools, CreateChatCompletionRequest,
};

use super::outcome::finish_reason;
use crate::genai::RequestContent;
use crate::genai::content::{GenericPart, InputMessage, OutputMessage, Part, ToolDefinition};

/// Tool-call arguments as JSON when they are JSON (the model writes them as text).
/// A function tool's `gen_ai.tool.definitions` entry.
pub(super) fn function_definition(
    name: &str,
    description: Option<&String>,
    parameters: Option<&serde_json::Value>,
) -> ToolDefinition {
    let mut definition = ToolDefinition::function(name.to_owned());
    if let Some(description) = description {
        definition = definition.with_description(description.clone());
    }
    if let Some(parameters) = parameters {
        definition = definition.with_parameters(parameters.clone());
    }
    definition
}

pub(super) fn arguments(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()))
}

fn tool_calls(calls: Option<&Vec<ChatCompletionMessageToolCalls>>) -> Vec<Part> {
    calls
        .into_iter()
        .flatten()
        .map(|call| match call {
            ChatCompletionMessageToolCalls::Function(call) => Part::tool_call(
                call.id.clone(),
                call.function.name.clone(),
                arguments(&call.function.arguments),
            ),
            ChatCompletionMessageToolCalls::Custom(call) => Part::tool_call(
                call.id.clone(),
                call.custom_tool.name.clone(),
                serde_json::Value::String(call.custom_tool.input.clone()),
            ),
        })
        .collect()
}

fn user_parts(content: &ChatCompletionRequestUserMessageContent) -> Vec<Part> {
    match content {
        ChatCompletionRequestUserMessageContent::Text(text) => vec![Part::text(text.clone())],
        ChatCompletionRequestUserMessageContent::Array(parts) => parts
            .iter()
            .map(|part| match part {
                ChatCompletionRequestUserMessageContentPart::Text(t) => Part::text(t.text.clone()),
                ChatCompletionRequestUserMessageContentPart::ImageUrl(image) => {
                    Part::uri("image", image.image_url.url.clone())
                }
                ChatCompletionRequestUserMessageContentPart::InputAudio(_) => {
                    Part::Generic(GenericPart::new("input_audio"))
                }
                ChatCompletionRequestUserMessageContentPart::File(_) => {
                    Part::Generic(GenericPart::new("file"))
                }
            })
            .collect(),
    }
}

/// The request's messages and tools as content.
pub(super) fn request_content(request: &CreateChatCompletionRequest) -> RequestContent {
    {
        let mut content = RequestContent::default();
        for message in &request.messages {
            match message {
                ChatCompletionRequestMessage::System(m) => match &m.content {
                    ChatCompletionRequestSystemMessageContent::Text(t) => {
                        content.system_instructions.push(Part::text(t.clone()))
                    }
                    ChatCompletionRequestSystemMessageContent::Array(parts) => {
                        content.system_instructions.extend(parts.iter().map(|p| match p {
                            async_openai::types::chat::ChatCompletionRequestSystemMessageContentPart::Text(t) => Part::text(t.text.clone()),
                        }))
                    }
                },
                ChatCompletionRequestMessage::Developer(m) => match &m.content {
                    ChatCompletionRequestDeveloperMessageContent::Text(t) => {
                        content.system_instructions.push(Part::text(t.clone()))
                    }
                    ChatCompletionRequestDeveloperMessageContent::Array(parts) => {
                        content.system_instructions.extend(parts.iter().map(|p| match p {
                            async_openai::types::chat::ChatCompletionRequestDeveloperMessageContentPart::Text(t) => Part::text(t.text.clone()),
                        }))
                    }
                },
                ChatCompletionRequestMessage::User(m) => {
                    let mut message = InputMessage::new("user", user_parts(&m.content));
                    if let Some(name) = &m.name {
                        message = message.with_name(name.clone());
                    }
                    content.input_messages.push(message);
                }
                ChatCompletionRequestMessage::Assistant(m) => {
                    let mut parts: Vec<Part> = match &m.content {
                        Some(ChatCompletionRequestAssistantMessageContent::Text(t)) => {
                            vec![Part::text(t.clone())]
                        }
                        Some(ChatCompletionRequestAssistantMessageContent::Array(parts)) => parts
                            .iter()
                            .map(|p| match p {
                                ChatCompletionRequestAssistantMessageContentPart::Text(t) => {
                                    Part::text(t.text.clone())
                                }
                                ChatCompletionRequestAssistantMessageContentPart::Refusal(r) => {
                                    Part::text(r.refusal.clone())
                                }
                            })
                            .collect(),
                        None => Vec::new(),
                    };
                    parts.extend(tool_calls(m.tool_calls.as_ref()));
                    content.input_messages.push(InputMessage::new("assistant", parts));
                }
                ChatCompletionRequestMessage::Tool(m) => {
                    let text = match &m.content {
                        ChatCompletionRequestToolMessageContent::Text(t) => t.clone(),
                        ChatCompletionRequestToolMessageContent::Array(parts) => parts
                            .iter()
                            .map(|p| match p {
                                async_openai::types::chat::ChatCompletionRequestToolMessageContentPart::Text(t) => t.text.as_str(),
                            })
                            .collect::<Vec<_>>()
                            .join(""),
                    };
                    content.input_messages.push(InputMessage::tool_response(
                        m.tool_call_id.clone(),
                        serde_json::Value::String(text),
                    ));
                }
                ChatCompletionRequestMessage::Function(m) => {
                    content.input_messages.push(InputMessage::tool_response(
                        m.name.clone(),
                        serde_json::Value::String(m.content.clone().unwrap_or_default()),
                    ));
                }
            }
        }
        for tool in request.tools.iter().flatten() {
            match tool {
                ChatCompletionTools::Function(tool) => {
                    let f = &tool.function;
                    content.tool_definitions.push(function_definition(
                        &f.name,
                        f.description.as_ref(),
                        f.parameters.as_ref(),
                    ));
                }
                ChatCompletionTools::Custom(tool) => {
                    let mut definition = ToolDefinition::function(tool.custom.name.clone());
                    definition.kind = "custom".to_owned();
                    content.tool_definitions.push(definition);
                }
            }
        }
        content
    }
}

/// The choices as output messages.
pub(super) fn output_messages(choices: &[ChatChoice]) -> Vec<OutputMessage> {
    choices
        .iter()
        .map(|choice| {
            let message = &choice.message;
            let mut parts: Vec<Part> = Vec::new();
            if let Some(text) = &message.content {
                parts.push(Part::text(text.clone()));
            }
            if let Some(refusal) = &message.refusal {
                parts.push(Part::text(refusal.clone()));
            }
            parts.extend(tool_calls(message.tool_calls.as_ref()));
            let reason = choice.finish_reason.map_or("stop", finish_reason);
            OutputMessage::new("assistant", parts, reason)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use async_openai::types::chat::CreateChatCompletionResponse;
    use serde_json::json;

    use super::*;
    use crate::genai::content::schemas::valid;

    #[test]
    fn a_chat_request_and_response_are_content_of_the_schemas() {
        let request: CreateChatCompletionRequest = serde_json::from_value(json!({
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "developer", "content": [{"type": "text", "text": "no jokes"}]},
                {"role": "user", "content": [
                    {"type": "text", "text": "what is in this image?"},
                    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
                ]},
                {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function",
                     "function": {"name": "lookup", "arguments": "{\"q\":\"cats\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "3 cats"}
            ],
            "tools": [{"type": "function", "function": {
                "name": "lookup", "description": "search",
                "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}
            }}]
        }))
        .unwrap();
        let content = request_content(&request);
        let system = valid(
            "gen-ai-system-instructions.json",
            content.system_instructions.as_slice(),
        );
        assert_eq!(
            system,
            json!([
                {"type": "text", "content": "be brief"},
                {"type": "text", "content": "no jokes"}
            ])
        );
        let input = valid(
            "gen-ai-input-messages.json",
            content.input_messages.as_slice(),
        );
        assert_eq!(input[0]["role"], "user");
        assert_eq!(input[0]["parts"][1]["type"], "uri");
        assert_eq!(input[1]["parts"][0]["type"], "tool_call");
        assert_eq!(input[1]["parts"][0]["arguments"], json!({"q": "cats"}));
        assert_eq!(input[2]["role"], "tool");
        assert_eq!(input[2]["parts"][0]["type"], "tool_call_response");
        let tools = valid(
            "gen-ai-tool-definitions.json",
            content.tool_definitions.as_slice(),
        );
        assert_eq!(tools[0]["name"], "lookup");

        let response: CreateChatCompletionResponse = serde_json::from_value(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": "looking",
                "tool_calls": [{"id": "call_2", "type": "function",
                                "function": {"name": "lookup", "arguments": "not json"}}]
            }}]
        }))
        .unwrap();
        let output = valid(
            "gen-ai-output-messages.json",
            output_messages(&response.choices).as_slice(),
        );
        assert_eq!(output[0]["finish_reason"], "tool_calls");
        assert_eq!(output[0]["parts"][0]["content"], "looking");
        assert_eq!(output[0]["parts"][1]["arguments"], "not json");
    }
}
