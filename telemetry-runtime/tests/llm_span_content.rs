//! Content capture: prompts, completions, tool arguments and results stay out of spans by
//! default, enter them as JSON strings (semantic-conventions shapes) when capture is on, and
//! are truncated to valid JSON under a size limit.
#![cfg(feature = "sdk")]

mod common;

use common::*;
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;
use serde_json::json;
use telemetry_runtime::ContentCapture;
use telemetry_runtime::contracts::{Chat, ExecuteTool, Retrieval};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::genai::capture;
use telemetry_runtime::genai::content::{
    FinishReason, InputMessage, OutputMessage, Part, RetrievalDocument, Role, ToolDefinition,
};
use telemetry_runtime::llm_span;

struct Answer {
    messages: Vec<OutputMessage>,
}

impl GenerationOutcome for Answer {
    fn input_tokens(&self) -> Option<u64> {
        Some(4)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(2)
    }
    fn finish_reasons(&self) -> Vec<&str> {
        self.messages
            .iter()
            .map(|m| m.finish_reason.as_str())
            .collect()
    }
}

#[llm_span(
    kind = "chat",
    provider = "openai",
    model = "gpt-4o",
    system_instructions = [Part::text("Answer in one word.")],
    input_messages = messages,
    tool_definitions = tools,
    handle = span,
)]
fn chat(messages: &[InputMessage], tools: &[ToolDefinition]) -> Answer {
    let answer = Answer {
        messages: vec![OutputMessage::assistant("Rainy.", FinishReason::Stop)],
    };
    span.set_output_messages(&answer.messages);
    answer
}

fn conversation() -> Vec<InputMessage> {
    vec![
        InputMessage::user("Weather in Paris?"),
        InputMessage::new(
            Role::Assistant,
            vec![Part::tool_call(
                "call_1",
                "get_weather",
                json!({"location": "Paris"}),
            )],
        ),
        InputMessage::tool_response("call_1", "rainy, 57°F"),
    ]
}

fn tools() -> Vec<ToolDefinition> {
    vec![ToolDefinition::function("get_weather")]
}

#[llm_span(
    kind = "execute_tool",
    tool_name = "get_weather",
    tool_call_id = "call_1",
    arguments = args,
    handle = span,
)]
fn get_weather(args: &serde_json::Value) -> serde_json::Value {
    let result = json!({"forecast": "rainy", "temperature_f": 57});
    span.set_result(&result);
    result
}

#[llm_span(
    kind = "execute_tool",
    tool_name = "lookup",
    arguments = r#"{"query": "rust spans", "limit": 3}"#,
    result = "three results"
)]
fn lookup_with_text_content() {}

#[llm_span(
    kind = "retrieval",
    data_source_id = "kb",
    query_text = query,
    handle = span,
)]
fn retrieve(query: &str) -> usize {
    let docs = [
        RetrievalDocument::new("doc-1", 0.92),
        RetrievalDocument::new("doc-2", 0.41),
    ];
    span.set_documents(&docs);
    docs.len()
}

#[llm_span(
    kind = "invoke_agent",
    provider = "openai",
    agent_name = "planner",
    system_instructions = "You plan trips.",
    input_messages = [InputMessage::user("Plan Paris")],
)]
async fn invoke_agent() -> String {
    "plan".into()
}

#[llm_span(
    kind = "create_agent",
    provider = "openai",
    agent_name = "planner",
    system_instructions = [Part::text("You plan trips.")],
)]
fn create_agent() {}

const CONTENT_KEYS: [&str; 10] = [
    "gen_ai.system_instructions",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.tool.definitions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "gen_ai.retrieval.query.text",
    "gen_ai.retrieval.documents",
    // Never recorded by these kinds, under any mode.
    "gen_ai.prompt",
    "gen_ai.completion",
];

fn run_everything() {
    chat(&conversation(), &tools());
    get_weather(&json!({"location": "Paris"}));
    lookup_with_text_content();
    retrieve("rust spans");
    current_thread().block_on(invoke_agent());
    create_agent();
}

/// The attribute as parsed JSON; fails when it is missing or not a JSON string.
fn json_attr(span: &SpanData, key: &str) -> serde_json::Value {
    let text = match attr(span, key) {
        Some(Value::String(v)) => v.as_str().to_owned(),
        other => panic!(
            "{key} of {:?} should be a JSON string, got {other:?}",
            span.name
        ),
    };
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{key} of {:?} is not valid JSON ({e}): {text}", span.name))
}

fn assert_no_content(h: &Harness) {
    let spans = h.spans();
    assert_eq!(spans.len(), 6, "{:?}", names(&spans));
    for span in &spans {
        for key in CONTENT_KEYS {
            assert_absent(span, key);
        }
        assert!(span.events.is_empty(), "no content events either");
    }
}

#[test]
fn content_is_absent_by_default() {
    let h = Harness::new();
    assert_eq!(capture::mode(), ContentCapture::NoContent);
    run_everything();
    assert_no_content(&h);
    // The rest of the span is still there.
    let chat = h.span("chat gpt-4o");
    assert_attr(&chat, "gen_ai.usage.input_tokens", i(4));
    assert_attr(&chat, "gen_ai.response.finish_reasons", sa(&["stop"]));
}

#[test]
fn content_stays_out_of_spans_in_event_only_mode() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::EventOnly);
    run_everything();
    let spans = h.spans();
    for span in &spans {
        for key in CONTENT_KEYS {
            assert_absent(span, key);
        }
    }
}

#[test]
fn content_switched_off_again_is_absent() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanOnly);
    capture::set_mode(ContentCapture::NoContent);
    run_everything();
    assert_no_content(&h);
}

fn assert_captured(h: &Harness) {
    let chat = h.span("chat gpt-4o");
    assert_eq!(
        json_attr(&chat, "gen_ai.system_instructions"),
        json!([{"type": "text", "content": "Answer in one word."}])
    );
    assert_eq!(
        json_attr(&chat, "gen_ai.input.messages"),
        json!([
            {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]},
            {"role": "assistant", "parts": [{
                "type": "tool_call", "id": "call_1", "name": "get_weather",
                "arguments": {"location": "Paris"}
            }]},
            {"role": "tool", "parts": [{
                "type": "tool_call_response", "id": "call_1", "response": "rainy, 57°F"
            }]}
        ])
    );
    assert_eq!(
        json_attr(&chat, "gen_ai.output.messages"),
        json!([{
            "role": "assistant",
            "parts": [{"type": "text", "content": "Rainy."}],
            "finish_reason": "stop"
        }])
    );
    assert_eq!(
        json_attr(&chat, "gen_ai.tool.definitions"),
        json!([{"type": "function", "name": "get_weather"}])
    );
    assert_types_follow_contract::<Chat>(&chat);
    assert_attr(&chat, "gen_ai.usage.output_tokens", i(2));

    let tool = h.span("execute_tool get_weather");
    assert_eq!(
        json_attr(&tool, "gen_ai.tool.call.arguments"),
        json!({"location": "Paris"})
    );
    assert_eq!(
        json_attr(&tool, "gen_ai.tool.call.result"),
        json!({"forecast": "rainy", "temperature_f": 57})
    );
    assert_types_follow_contract::<ExecuteTool>(&tool);

    // A `str` holding JSON is recorded as that JSON; other text as a JSON string.
    let lookup = h.span("execute_tool lookup");
    assert_eq!(
        json_attr(&lookup, "gen_ai.tool.call.arguments"),
        json!({"query": "rust spans", "limit": 3})
    );
    assert_eq!(
        json_attr(&lookup, "gen_ai.tool.call.result"),
        json!("three results")
    );

    let retrieval = h.span("retrieval kb");
    assert_eq!(
        json_attr(&retrieval, "gen_ai.retrieval.query.text"),
        json!("rust spans")
    );
    assert_eq!(
        json_attr(&retrieval, "gen_ai.retrieval.documents"),
        json!([{"id": "doc-1", "score": 0.92}, {"id": "doc-2", "score": 0.41}])
    );
    assert_types_follow_contract::<Retrieval>(&retrieval);

    let agent = h.span("invoke_agent planner");
    assert_eq!(
        json_attr(&agent, "gen_ai.system_instructions"),
        json!("You plan trips.")
    );
    assert_eq!(
        json_attr(&agent, "gen_ai.input.messages"),
        json!([{"role": "user", "parts": [{"type": "text", "content": "Plan Paris"}]}])
    );
    let created = h.span("create_agent planner");
    assert_eq!(
        json_attr(&created, "gen_ai.system_instructions"),
        json!([{"type": "text", "content": "You plan trips."}])
    );
}

#[test]
fn content_is_recorded_as_json_with_span_only() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanOnly);
    run_everything();
    assert_captured(&h);
}

#[test]
fn content_is_recorded_as_json_with_span_and_event() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanAndEvent);
    run_everything();
    assert_captured(&h);
}

#[test]
fn content_is_truncated_to_valid_json_under_the_size_limit() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanOnly);
    capture::set_max_bytes(64);
    let long = "Tell me everything about the weather in Paris. ".repeat(40);
    chat(
        &[
            InputMessage::system("You are terse."),
            InputMessage::user(long.as_str()),
        ],
        &tools(),
    );
    get_weather(&json!({"location": "Paris", "notes": "x".repeat(500)}));

    let chat = h.span("chat gpt-4o");
    for key in [
        "gen_ai.system_instructions",
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.tool.definitions",
    ] {
        let text = str_attr(&chat, key);
        assert!(text.len() <= 64, "{key} is {} bytes: {text}", text.len());
        let parsed: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{key} is not valid JSON ({e}): {text}"));
        assert!(parsed.is_array(), "{key} keeps its shape: {text}");
    }
    // The long prompt was shortened, not recorded whole; what is kept keeps its role.
    let input = json_attr(&chat, "gen_ai.input.messages");
    let input = input.as_array().unwrap();
    assert!(input.len() <= 2);
    if let Some(first) = input.first() {
        assert_eq!(first["role"], "system");
    }
    assert!(!str_attr(&chat, "gen_ai.input.messages").contains(&long));

    let tool = h.span("execute_tool get_weather");
    let text = str_attr(&tool, "gen_ai.tool.call.arguments");
    assert!(text.len() <= 64, "{} bytes: {text}", text.len());
    let args: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(args.is_object(), "{text}");
    assert_eq!(args["location"], "Paris", "short values are kept: {text}");
    assert!(
        args["notes"].as_str().unwrap().ends_with('\u{2026}'),
        "the long value is cut and marked: {text}"
    );
    // The small result fits as is.
    assert_eq!(
        json_attr(&tool, "gen_ai.tool.call.result"),
        json!({"forecast": "rainy", "temperature_f": 57})
    );
}

#[test]
fn a_long_prompt_fits_a_larger_limit_with_a_marker() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanOnly);
    capture::set_max_bytes(200);
    let long = "a".repeat(5_000);
    chat(&[InputMessage::user(long.as_str())], &[]);
    let chat = h.span("chat gpt-4o");
    let text = str_attr(&chat, "gen_ai.input.messages");
    assert!(text.len() <= 200, "{} bytes", text.len());
    let input = json_attr(&chat, "gen_ai.input.messages");
    assert_eq!(input[0]["role"], "user");
    let content = input[0]["parts"][0]["content"].as_str().unwrap();
    assert!(content.starts_with("aaaa") && content.ends_with('\u{2026}'));
    assert!(
        content.len() > 100,
        "the room is used: {} bytes",
        content.len()
    );
}

#[test]
fn content_is_read_when_each_value_is_recorded() {
    let h = Harness::new();
    // Off at start: the start content is left out; on before the handle sets the output.
    #[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", input_messages = [InputMessage::user("hi")], handle = span)]
    fn chat_switching() -> Answer {
        capture::set_mode(ContentCapture::SpanOnly);
        let messages = vec![OutputMessage::assistant("hello", "stop")];
        span.set_output_messages(&messages);
        Answer { messages }
    }
    chat_switching();
    let span = h.only_span();
    assert_absent(&span, "gen_ai.input.messages");
    assert_eq!(
        json_attr(&span, "gen_ai.output.messages")[0]["parts"][0]["content"],
        "hello"
    );
}

#[test]
fn event_only_capture_puts_content_on_the_operation_details_event_not_the_span() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::EventOnly);
    chat(&conversation(), &[]);
    let span = h.only_span();
    assert!(
        span.attributes
            .iter()
            .all(|kv| kv.key.as_str() != "gen_ai.input.messages"),
        "no content on the span in EVENT_ONLY mode"
    );
    let event = span
        .events
        .iter()
        .find(|e| e.name == "gen_ai.client.inference.operation.details")
        .expect("the operation details event");
    let messages = event
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "gen_ai.input.messages")
        .expect("input messages on the event");
    let parsed: serde_json::Value = serde_json::from_str(&messages.value.as_str()).unwrap();
    assert_eq!(parsed[0]["role"], "user");
}

#[test]
fn no_content_mode_adds_no_event() {
    let h = Harness::new();
    chat(&conversation(), &[]);
    let span = h.only_span();
    assert!(span.events.is_empty());
}

// ----- content of a span that never started ---------------------------------------------

const LEFTOVER: &str = "CANARY-LEFTOVER-PROMPT";

fn leftover_messages() -> Vec<InputMessage> {
    vec![InputMessage::user(LEFTOVER)]
}

fn model_or_fail(fail: bool) -> Result<String, String> {
    if fail {
        Err("no model configured".into())
    } else {
        Ok("gpt-4o".into())
    }
}

fn model_or_panic(panic: bool) -> String {
    assert!(!panic, "model lookup panicked");
    "gpt-4o".into()
}

#[llm_span(kind = "chat", provider = "openai", input_messages = messages, model = model_or_fail(fail)?)]
async fn chat_with_fallible_model(messages: &[InputMessage], fail: bool) -> Result<Answer, String> {
    Ok(Answer {
        messages: Vec::new(),
    })
}

#[llm_span(kind = "chat", provider = "openai", input_messages = messages, model = model_or_panic(panic))]
fn chat_with_panicking_model(messages: &[InputMessage], panic: bool) -> Answer {
    Answer {
        messages: Vec::new(),
    }
}

/// The operation-details events of every exported span, as JSON text.
fn event_contents(h: &Harness) -> Vec<String> {
    h.exporter
        .get_finished_spans()
        .unwrap()
        .iter()
        .flat_map(|span| span.events.iter())
        .filter(|e| e.name == "gen_ai.client.inference.operation.details")
        .flat_map(|e| e.attributes.iter().map(|kv| kv.value.as_str().into_owned()))
        .collect()
}

#[test]
fn content_of_a_span_whose_argument_returned_early_is_dropped_not_given_to_the_next_span() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::EventOnly);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let failed = rt.block_on(chat_with_fallible_model(&leftover_messages(), true));
    assert_eq!(failed.err().as_deref(), Some("no model configured"));
    assert!(
        h.exporter.get_finished_spans().unwrap().is_empty(),
        "no span started"
    );
    // The next span on this thread has its own content only.
    chat(&conversation(), &[]);
    let contents = event_contents(&h);
    assert!(!contents.is_empty(), "the next span has its event");
    assert!(
        contents.iter().all(|c| !c.contains(LEFTOVER)),
        "{contents:?}"
    );
    rt.block_on(chat_with_fallible_model(&conversation(), false))
        .unwrap();
    assert!(event_contents(&h).iter().all(|c| !c.contains(LEFTOVER)));
}

#[test]
fn content_of_a_span_whose_argument_panicked_is_dropped_not_given_to_the_next_span() {
    let h = Harness::new();
    capture::set_mode(ContentCapture::SpanAndEvent);
    let panicked =
        std::panic::catch_unwind(|| chat_with_panicking_model(&leftover_messages(), true));
    assert!(panicked.is_err());
    chat_with_panicking_model(&conversation(), false);
    chat(&conversation(), &[]);
    let contents = event_contents(&h);
    assert_eq!(
        contents
            .iter()
            .filter(|c| c.contains("\"role\":\"user\""))
            .count(),
        2,
        "{contents:?}"
    );
    assert!(
        contents.iter().all(|c| !c.contains(LEFTOVER)),
        "{contents:?}"
    );
}

#[test]
fn content_of_a_span_that_did_not_start_for_want_of_a_tracer_is_dropped() {
    let h = Harness::without_tracer();
    capture::set_mode(ContentCapture::EventOnly);
    chat(&leftover_messages(), &[]);
    telemetry_runtime::span::install_tracer(h.tracer("test"));
    chat(&conversation(), &[]);
    let contents = event_contents(&h);
    assert!(!contents.is_empty());
    assert!(
        contents.iter().all(|c| !c.contains(LEFTOVER)),
        "{contents:?}"
    );
}
