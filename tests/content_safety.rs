//! Content safety, checked as a user would: canary strings through every path a value can
//! leave by (log fields on stdout and in OTLP log records, `tracing` span fields, attributes
//! set through the OpenTelemetry API, the error text of `#[llm_span]` fns (sync, async, a
//! stream that fails mid-way) and of `#[cloudevent_handler]`, the outbound CLIENT span of a
//! transport error, query strings on server and client spans, baggage on message headers and
//! child processes), then searched for in every byte the real OTLP receiver got (re-encoded
//! traces, logs and metrics) and in every stdout line. Each test runs in its own process.

mod support;

use std::borrow::Cow;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use cloudevents::{Event, EventBuilder, EventBuilderV10};
use futures_util::{Stream, StreamExt, stream};
use otlp_receiver::{Protocol, Receiver, Value};
use rdkafka::message::{Headers as _, OwnedHeaders};
use support::{Captured, exported_bytes, occurrences as count, set_env};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::opentelemetry::baggage::BaggageExt;
use telemetry_runtime::opentelemetry::trace::{Span as _, Tracer as _};
use telemetry_runtime::opentelemetry::{Context, KeyValue, global};
use telemetry_runtime::outbound::TracingMiddleware;
use telemetry_runtime::outbound::reqwest_middleware::{ClientBuilder, reqwest};
use telemetry_runtime::process::CommandExt as _;
use telemetry_runtime::redaction::MARKER;
use telemetry_runtime::span::ErrorType;
use telemetry_runtime::tracing::{self, error, info, info_span};
use telemetry_runtime::{cloudevent_handler, llm_span};

const WAIT: Duration = Duration::from_secs(20);

/// The canaries: each must appear in no exported byte and no stdout line with capture off.
const PROMPT: &str = "CANARY-PROMPT-7f3a";
const COMPLETION: &str = "CANARY-COMPLETION-91bc";
const MESSAGES: &str = "CANARY-MESSAGES-4d2e";
const USER_PROMPT: &str = "CANARY-USER-PROMPT-0a17";
const SYSTEM_TEXT: &str = "CANARY-SYSTEM-TEXT-55e0";
const NESTED: &str = "CANARY-NESTED-b6c1";
const TOOL_ARGS: &str = "CANARY-TOOL-ARGS-c3d4";
const SPAN_FIELD: &str = "CANARY-SPAN-FIELD-e8f9";
const OTEL_API: &str = "CANARY-OTEL-API-1b2c";
const SYNC_ERROR: &str = "CANARY-SYNC-ERROR-77aa";
const ASYNC_ERROR: &str = "CANARY-ASYNC-ERROR-88bb";
const STREAM_ERROR: &str = "CANARY-STREAM-ERROR-99cc";
const HANDLER_ERROR: &str = "CANARY-HANDLER-ERROR-aadd";
const LOG_ERROR: &str = "CANARY-LOG-ERROR-bbee";
const QUERY_PROMPT: &str = "CANARY-QUERY-PROMPT-ccff";
const QUERY_KEY: &str = "CANARY-QUERY-KEY-dd00";
const CLIENT_QUERY: &str = "CANARY-CLIENT-QUERY-ee11";
const BAGGAGE: &str = "CANARY-BAGGAGE-ff22";
const SPAN_ERROR: &str = "CANARY-SPAN-ERROR-0f0f";
const DISPLAY_ERROR: &str = "CANARY-DISPLAY-ERROR-1e1e";

const ALL: [&str; 20] = [
    SPAN_ERROR,
    DISPLAY_ERROR,
    PROMPT,
    COMPLETION,
    MESSAGES,
    USER_PROMPT,
    SYSTEM_TEXT,
    NESTED,
    TOOL_ARGS,
    SPAN_FIELD,
    OTEL_API,
    SYNC_ERROR,
    ASYNC_ERROR,
    STREAM_ERROR,
    HANDLER_ERROR,
    LOG_ERROR,
    QUERY_PROMPT,
    QUERY_KEY,
    CLIENT_QUERY,
    BAGGAGE,
];

// ----- what the application does ----------------------------------------------------------

/// A provider error that quotes the prompt, as real ones do (content-policy rejections,
/// "invalid JSON in ...", echoing 400s).
#[derive(Debug)]
struct ProviderError(String);

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "content policy rejected the prompt {:?}", self.0)
    }
}
impl std::error::Error for ProviderError {}
impl ErrorType for ProviderError {
    fn error_type(&self) -> Cow<'static, str> {
        "content_filter".into()
    }
}

struct Reply;
impl GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        Some(1)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(1)
    }
    fn response_id(&self) -> Option<&str> {
        None
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec!["stop"]
    }
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
fn chat_sync(prompt: &str) -> Result<Reply, ProviderError> {
    Err(ProviderError(prompt.to_owned()))
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
async fn chat_async(prompt: &str) -> Result<Reply, ProviderError> {
    tokio::task::yield_now().await;
    Err(ProviderError(prompt.to_owned()))
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", stream = true)]
fn chat_stream(prompt: String) -> impl Stream<Item = Result<String, ProviderError>> {
    stream::iter([Ok("Hel".to_owned()), Err(ProviderError(prompt))])
}

#[derive(Debug)]
struct Rejected(String);
impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rejected event for prompt {}", self.0)
    }
}

#[cloudevent_handler]
async fn handle(event: Event) -> Result<(), Rejected> {
    Err(Rejected(
        event
            .extension("prompt")
            .map(|v| v.to_string())
            .unwrap_or_default(),
    ))
}

fn event() -> Event {
    let mut e = EventBuilderV10::new()
        .id("evt-1")
        .source("urn:test")
        .ty("chat.requested")
        .build()
        .unwrap();
    e.set_extension("prompt", HANDLER_ERROR);
    e
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Telemetry to a real receiver over gRPC, stdout captured.
fn init(
    capture: &str,
    format: &str,
    max_bytes: usize,
) -> (Receiver, Captured, telemetry_runtime::TelemetryGuard) {
    let receiver = Receiver::start(Protocol::Grpc);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_SERVICE_NAME", "content-safety"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100"),
        (
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
            capture,
        ),
        ("TELEMETRY_LOG_FORMAT", format),
    ]);
    let logs = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(logs.clone())
        .content_max_bytes(max_bytes)
        .init()
        .expect("init");
    (receiver, logs, guard)
}

/// Does everything that could leak: log fields, span fields, the OpenTelemetry API, failing
/// instrumented fns, a failing handler, a server request with a sensitive query, an outbound
/// request that fails, baggage on message headers and a child process.
fn exercise() -> Vec<String> {
    let mut carried = Vec::new();
    info!(
        prompt = PROMPT,
        completion = COMPLETION,
        "calling the model"
    );
    info!(gen_ai.input.messages = MESSAGES, "sending");
    info!(user_prompt = %USER_PROMPT, "received");
    info!(system_text = ?SYSTEM_TEXT, request.body.prompt = NESTED, "nested");
    info!(
        gen_ai.tool.call.arguments = TOOL_ARGS,
        prompt_tokens = 12_i64,
        "tool"
    );
    let failure = ProviderError(LOG_ERROR.to_owned());
    error!(
        error = &failure as &dyn std::error::Error,
        "provider failed"
    );
    // The usual way to log an error: its Display text as a string field.
    let shown = ProviderError(DISPLAY_ERROR.to_owned());
    error!(error = %shown, "provider failed again");
    {
        let span = info_span!("handler", user_prompt = SPAN_FIELD, user.id = "u-1");
        let _entered = span.enter();
        info!("inside");
    }
    {
        // A `dyn Error` recorded on a `tracing` span: tracing-opentelemetry writes its text.
        let span = info_span!("retrieval", error = tracing::field::Empty);
        let failure = ProviderError(SPAN_ERROR.to_owned());
        span.record("error", &failure as &dyn std::error::Error);
    }
    let mut third_party = global::tracer("third-party").start("third.party");
    third_party.set_attribute(KeyValue::new("llm.prompt", OTEL_API));
    third_party.end();

    assert!(chat_sync(SYNC_ERROR).is_err());
    let rt = runtime();
    rt.block_on(async {
        assert!(chat_async(ASYNC_ERROR).await.is_err());
        let mut s = pin!(chat_stream(STREAM_ERROR.to_owned()));
        while s.next().await.is_some() {}
        assert!(handle(event()).await.is_err());

        // Server span with a sensitive query string.
        let app = Router::new()
            .route("/v1/chat", get(|| async { "ok" }))
            .layer(telemetry_runtime::http::TelemetryLayer::new());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let plain = reqwest::Client::builder().no_proxy().build().unwrap();
        let reply = plain
            .get(format!(
                "http://{addr}/v1/chat?prompt={QUERY_PROMPT}&api_key={QUERY_KEY}&q=ok"
            ))
            .header("baggage", format!("secret={BAGGAGE}"))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);

        // An outbound request that fails (a closed port), with a sensitive query.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let client = ClientBuilder::new(plain)
            .with(TracingMiddleware::new())
            .build();
        let failed = client
            .get(format!(
                "http://127.0.0.1:{port}/v1/chat?token={CLIENT_QUERY}&prompt={PROMPT}"
            ))
            .send()
            .await;
        assert!(failed.is_err());
    });

    // Baggage a client sent, in the current context: not forwarded without opt-in.
    let cx = Context::current().with_baggage([KeyValue::new("secret", BAGGAGE)]);
    let _attached = cx.clone().attach();
    let headers = telemetry_runtime::cloudevents::kafka::inject(OwnedHeaders::new());
    for header in headers.iter() {
        carried.push(format!(
            "{}={}",
            header.key,
            String::from_utf8_lossy(header.value.unwrap_or_default())
        ));
    }
    let nats = telemetry_runtime::cloudevents::nats::headers();
    carried.push(format!("{nats:?}"));
    let mut http = axum::http::HeaderMap::new();
    telemetry_runtime::cloudevents::inject_http_headers(&cx, &mut http);
    carried.push(format!("{http:?}"));
    let map = telemetry_runtime::propagation::TraceContextMap::from_context(&cx);
    carried.push(serde_json::Value::Object(map.to_json()).to_string());
    let child = std::process::Command::new("env")
        .with_trace_context_from(&cx)
        .output()
        .unwrap();
    carried.push(String::from_utf8_lossy(&child.stdout).into_owned());
    carried
}

// ----- the tests ----------------------------------------------------------------------------

#[test]
fn capture_off_keeps_every_canary_out_of_every_exported_byte_and_stdout_line() {
    let (receiver, logs, guard) = init("NO_CONTENT", "human", 16 * 1024);
    let carried = exercise();
    let redacted = guard.status().redacted;
    drop(guard);
    receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "third.party"));
    receiver.wait_for_logs(WAIT, |l| l.iter().any(|l| l.body_str() == Some("tool")));

    let bytes = exported_bytes(&receiver);
    let stdout = logs.text();
    for canary in ALL {
        assert_eq!(count(&bytes, canary), 0, "{canary} was exported");
        assert!(!stdout.contains(canary), "{canary} was printed:\n{stdout}");
        for carrier in &carried {
            assert!(
                !carrier.contains(canary),
                "{canary} was forwarded: {carrier}"
            );
        }
    }
    assert!(
        !carried
            .iter()
            .any(|c| c.contains("baggage") || c.contains("BAGGAGE="))
    );

    // What is there instead: the marker on the same keys, counts kept, error types.
    let records = receiver.logs();
    let calling = records
        .iter()
        .find(|l| l.body_str() == Some("calling the model"))
        .unwrap();
    assert_eq!(calling.attr("prompt"), Some(&Value::String(MARKER.into())));
    assert_eq!(
        calling.attr("completion"),
        Some(&Value::String(MARKER.into()))
    );
    let tool = records
        .iter()
        .find(|l| l.body_str() == Some("tool"))
        .unwrap();
    assert_eq!(tool.attr("prompt_tokens"), Some(&Value::Int(12)));
    let failed = records
        .iter()
        .find(|l| l.body_str() == Some("provider failed"))
        .unwrap();
    assert_eq!(
        failed.attr("exception.type"),
        Some(&Value::String("ProviderError".into()))
    );
    assert_eq!(failed.attr("exception.message"), None);
    let again = records
        .iter()
        .find(|l| l.body_str() == Some("provider failed again"))
        .unwrap();
    assert_eq!(again.attr("error"), Some(&Value::String(MARKER.into())));
    assert!(stdout.contains(&format!("prompt={MARKER}")), "{stdout}");
    assert!(stdout.contains("error=ProviderError"), "{stdout}");

    let spans = receiver.spans();
    let handler = spans.iter().find(|s| s.name == "handler").unwrap();
    assert_eq!(
        handler.attr("user_prompt"),
        Some(&Value::String(MARKER.into()))
    );
    assert_eq!(handler.attr("user.id"), Some(&Value::String("u-1".into())));
    let retrieval = spans.iter().find(|s| s.name == "retrieval").unwrap();
    assert_eq!(retrieval.attr("error"), Some(&Value::String(MARKER.into())));
    assert_eq!(
        retrieval.attr("exception.message"),
        Some(&Value::String(MARKER.into()))
    );
    let third = spans.iter().find(|s| s.name == "third.party").unwrap();
    assert_eq!(
        third.attr("llm.prompt"),
        Some(&Value::String(MARKER.into()))
    );
    let chats: Vec<_> = spans.iter().filter(|s| s.name == "chat gpt-4o").collect();
    assert_eq!(chats.len(), 3, "sync, async and stream chat spans");
    for chat in chats.iter().filter(|s| s.status_code == "ERROR") {
        assert_eq!(
            chat.attr("error.type"),
            Some(&Value::String("content_filter".into()))
        );
        assert_eq!(chat.status_message, "");
        let exception = chat.event("exception").expect("exception event");
        assert_eq!(exception.attr("exception.message"), None);
    }
    let server = spans.iter().find(|s| s.kind == "SERVER").unwrap();
    assert_eq!(
        server.attr("url.query"),
        Some(&Value::String(
            "prompt=REDACTED&api_key=REDACTED&q=ok".into()
        ))
    );
    let client = spans.iter().find(|s| s.attr("url.full").is_some()).unwrap();
    assert_eq!(
        client.attr("url.full").and_then(Value::as_str),
        Some(
            format!(
                "http://127.0.0.1:{}/v1/chat?token=REDACTED&prompt=REDACTED",
                client.attr("server.port").and_then(Value::as_i64).unwrap()
            )
            .as_str()
        )
    );
    assert_eq!(client.status_message, "request failed: connect");
    assert!(redacted >= 10, "status().redacted counts: {redacted}");
}

#[test]
fn json_lines_are_redacted_and_stay_valid_json_for_hostile_input() {
    let (receiver, logs, guard) = init("NO_CONTENT", "json", 16 * 1024);
    info!(
        prompt = PROMPT,
        note = "a\nb\"c\u{0}d\u{1b}[31m",
        "line\nforged trace_id=0000"
    );
    drop(guard);
    drop(receiver);
    let text = logs.text();
    assert!(!text.contains(PROMPT));
    let lines: Vec<_> = text.lines().filter(|l| l.contains("forged")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line: serde_json::Value = serde_json::from_str(lines[0]).expect("valid JSON");
    assert_eq!(line["prompt"], MARKER);
    assert_eq!(line["note"], "a\nb\"c\u{0}d\u{1b}[31m");
}

#[test]
fn human_lines_escape_control_characters_so_no_line_can_be_forged() {
    let (_receiver, logs, guard) = init("NO_CONTENT", "human", 16 * 1024);
    info!(
        note = "x\n2026-01-01T00:00:00Z  INFO fake: forged",
        "hello\r\n2026-01-01T00:00:00Z  INFO fake: forged trace_id=00000000000000000000000000000001\u{1b}[2J"
    );
    drop(guard);
    let text = logs.text();
    let lines: Vec<_> = text.lines().filter(|l| l.contains("forged")).collect();
    assert_eq!(lines.len(), 1, "one line, nothing forged:\n{text}");
    assert!(lines[0].contains("hello\\r\\n2026"), "{}", lines[0]);
    assert!(lines[0].contains("\\u{1b}[2J"), "{}", lines[0]);
    assert!(lines[0].contains(r#"note="x\n2026"#), "{}", lines[0]);
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn span_only_capture_puts_error_text_and_span_content_on_spans_truncated_and_none_in_logs() {
    let (receiver, logs, guard) = init("SPAN_ONLY", "human", 40);
    let long = format!("{SYNC_ERROR}-{}", "x".repeat(200));
    assert!(chat_sync(&long).is_err());
    {
        let span = info_span!("handler", user_prompt = SPAN_FIELD);
        let _entered = span.enter();
        info!(prompt = PROMPT, "inside");
    }
    drop(guard);
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "handler"));
    let chat = spans.iter().find(|s| s.name == "chat gpt-4o").unwrap();
    let message = chat
        .event("exception")
        .and_then(|e| e.attr("exception.message"))
        .and_then(Value::as_str)
        .expect("error text with capture on")
        .to_owned();
    assert!(
        message.starts_with("content policy rejected the prompt"),
        "{message}"
    );
    assert!(
        message.len() <= 40,
        "truncated to the content size: {message}"
    );
    assert_eq!(chat.status_message, message);
    let handler = spans.iter().find(|s| s.name == "handler").unwrap();
    assert_eq!(
        handler.attr("user_prompt"),
        Some(&Value::String(SPAN_FIELD.into()))
    );
    // Logs are events: SPAN_ONLY keeps content out of them.
    let records =
        receiver.wait_for_logs(WAIT, |l| l.iter().any(|l| l.body_str() == Some("inside")));
    let inside = records
        .iter()
        .find(|l| l.body_str() == Some("inside"))
        .unwrap();
    assert_eq!(inside.attr("prompt"), Some(&Value::String(MARKER.into())));
    assert!(!logs.text().contains(PROMPT));
}

#[test]
fn event_only_capture_puts_content_in_logs_truncated_and_none_on_spans() {
    let (receiver, logs, guard) = init("EVENT_ONLY", "human", 24);
    let long = format!("{PROMPT}-{}", "y".repeat(100));
    {
        let span = info_span!("handler", user_prompt = SPAN_FIELD);
        let _entered = span.enter();
        info!(prompt = long.as_str(), "inside");
        let failure = ProviderError(LOG_ERROR.to_owned());
        error!(
            error = &failure as &dyn std::error::Error,
            "provider failed"
        );
    }
    assert!(chat_sync(SYNC_ERROR).is_err());
    drop(guard);
    let records = receiver.wait_for_logs(WAIT, |l| {
        l.iter().any(|l| l.body_str() == Some("provider failed"))
    });
    let inside = records
        .iter()
        .find(|l| l.body_str() == Some("inside"))
        .unwrap();
    let prompt = inside.attr("prompt").and_then(Value::as_str).unwrap();
    assert!(prompt.starts_with(PROMPT) && prompt.len() == 24, "{prompt}");
    let failed = records
        .iter()
        .find(|l| l.body_str() == Some("provider failed"))
        .unwrap();
    let text = failed
        .attr("exception.message")
        .and_then(Value::as_str)
        .unwrap();
    assert!(text.starts_with("content policy"), "{text}");
    assert!(logs.text().contains(&prompt.to_string()));
    // Spans: no content.
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "handler"));
    let handler = spans.iter().find(|s| s.name == "handler").unwrap();
    assert_eq!(
        handler.attr("user_prompt"),
        Some(&Value::String(MARKER.into()))
    );
    let chat = spans.iter().find(|s| s.name == "chat gpt-4o").unwrap();
    assert_eq!(
        chat.event("exception")
            .and_then(|e| e.attr("exception.message")),
        None
    );
    assert_eq!(count(&exported_bytes(&receiver), SYNC_ERROR), 0);
}

#[test]
fn baggage_is_forwarded_by_every_carrier_once_the_user_opts_in() {
    let receiver = Receiver::start(Protocol::Grpc);
    set_env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint())]);
    let guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .forward_baggage(true)
        .init()
        .unwrap();
    let _root = info_span!("root").entered();
    let cx = Context::current().with_baggage([KeyValue::new("tenant", "acme")]);
    let _attached = cx.clone().attach();
    let kafka = telemetry_runtime::cloudevents::kafka::inject(OwnedHeaders::new());
    let received = telemetry_runtime::cloudevents::kafka::extract(&kafka);
    assert_eq!(
        received
            .baggage()
            .get("tenant")
            .map(|v| v.as_str().to_owned()),
        Some("acme".to_owned())
    );
    let nats = telemetry_runtime::cloudevents::nats::headers();
    assert!(format!("{nats:?}").contains("tenant=acme"));
    let map = telemetry_runtime::propagation::TraceContextMap::from_context(&cx);
    assert_eq!(map.baggage(), Some("tenant=acme"));
    let child = std::process::Command::new("env")
        .with_trace_context_from(&cx)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&child.stdout).contains("BAGGAGE=tenant=acme"));
    drop(guard);
}

#[test]
fn endpoint_credentials_and_export_headers_never_appear_in_status_errors_or_warnings() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let endpoint = receiver
        .endpoint()
        .replacen("http://", "http://alice:CANARY-PASSWORD@", 1);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=CANARY-HEADER"),
    ]);
    let logs = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(logs.clone())
        .init()
        .unwrap();
    let status = guard.status();
    let shown = format!("{status}\n{status:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
    assert!(shown.contains("REDACTED@"), "{shown}");
    drop(guard);
    assert!(!logs.text().contains("CANARY"), "{}", logs.text());
}

#[test]
fn a_bad_endpoint_is_an_error_that_names_the_variable_without_its_credentials() {
    set_env(&[(
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "ftp://bob:CANARY-SECRET@collector",
    )]);
    let error = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap_err()
        .to_string();
    assert!(!error.contains("CANARY"), "{error}");
    assert!(
        error.contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        "{error}"
    );
    assert!(error.contains("ftp://REDACTED@collector"), "{error}");
}
