//! With no tracer installed, instrumented functions behave exactly as without the macro:
//! same return values, errors and panics, attribute expressions never evaluated, nothing
//! exported. Also: uninstalling and reinstalling, and a sampler that drops everything.
#![cfg(feature = "sdk")]

mod common;

use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use futures_util::{Stream, StreamExt, stream};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, SimpleSpanProcessor};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::genai::content::InputMessage;
use telemetry_runtime::llm_span;
use telemetry_runtime::span::{ChunkTokens, is_enabled};
use telemetry_runtime::{ContentCapture, genai::capture};

static EVALUATED: AtomicUsize = AtomicUsize::new(0);

/// Returns `v`, counting that an attribute expression was evaluated.
fn counted<T>(v: T) -> T {
    EVALUATED.fetch_add(1, Ordering::SeqCst);
    v
}

fn evaluated() -> usize {
    EVALUATED.load(Ordering::SeqCst)
}

#[derive(Debug)]
struct Resp(u64);
impl GenerationOutcome for Resp {
    fn input_tokens(&self) -> Option<u64> {
        Some(self.0)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.0)
    }
}

struct Tok(u64);
impl ChunkTokens for Tok {
    fn output_tokens(&self) -> u64 {
        self.0
    }
}

#[llm_span(
    kind = "chat",
    provider = counted("openai"),
    model = counted(String::from("gpt-4o")),
    max_tokens = counted(5),
    temperature = counted(0.1),
    input_messages = counted([InputMessage::user("hi")]),
)]
fn chat(n: u64) -> Result<Resp, UpstreamError> {
    if n == 0 {
        return Err(UpstreamError("zero".into()));
    }
    Ok(Resp(n))
}

#[llm_span(kind = "llm.decode", tokens_out = counted(1), handle = span)]
async fn decode(steps: usize) -> usize {
    for _ in 0..steps {
        tokio::task::yield_now().await;
        span.step();
    }
    span.set_stop_reason("eos");
    assert!(!span.span().is_recording());
    steps
}

#[llm_span(kind = "chat", provider = counted("openai"), model = counted("gpt-4o"))]
fn chat_stream(n: u64) -> impl Stream<Item = Tok> {
    stream::iter((0..n).map(Tok))
}

#[llm_span(kind = "execute_tool", tool_name = counted("t"), arguments = counted("{}"))]
fn tool_future(v: u32) -> impl std::future::Future<Output = u32> {
    async move { v + 1 }
}

#[llm_span(kind = "tokenize.input", tokens_in = counted(3))]
fn panicking() -> usize {
    panic!("tokenizer failed")
}

fn run_all() {
    assert_eq!(chat(4).unwrap().0, 4);
    assert_eq!(chat(0).unwrap_err().0, "zero");
    let rt = current_thread();
    assert_eq!(rt.block_on(decode(3)), 3);
    let total: u64 = rt.block_on(
        chat_stream(4)
            .map(|t| t.0)
            .fold(0, |a, b| async move { a + b }),
    );
    assert_eq!(total, 6);
    assert_eq!(rt.block_on(tool_future(1)), 2);
    let caught = std::panic::catch_unwind(panicking);
    assert!(caught.is_err(), "the panic propagates");
}

#[test]
fn never_installed_records_nothing_and_evaluates_no_argument() {
    let h = Harness::without_tracer();
    assert!(!is_enabled());
    capture::set_mode(ContentCapture::SpanOnly);
    let start = evaluated();
    run_all();
    assert_eq!(evaluated(), start, "attribute expressions are skipped");
    assert!(h.spans().is_empty());
}

#[test]
fn uninstalled_tracer_stops_recording() {
    let h = Harness::new();
    assert!(is_enabled());
    let start = evaluated();
    chat(1).unwrap();
    let before = evaluated();
    assert_eq!(before - start, 5, "all five attribute expressions, once");
    assert_eq!(h.spans().len(), 1);

    telemetry_runtime::span::uninstall_tracer();
    assert!(!is_enabled());
    run_all();
    assert_eq!(evaluated(), before, "nothing evaluated after uninstall");
    assert_eq!(h.spans().len(), 1, "nothing exported after uninstall");

    telemetry_runtime::span::install_tracer(h.tracer("again"));
    chat(2).unwrap();
    assert_eq!(h.spans().len(), 2, "recording again after reinstall");
    assert_eq!(h.spans()[1].instrumentation_scope.name(), "again");
}

#[test]
fn a_span_started_before_uninstall_still_ends_and_exports() {
    let h = Harness::new();
    let rt = current_thread();
    rt.block_on(async {
        let mut s = pin!(chat_stream(3));
        s.next().await.unwrap();
        telemetry_runtime::span::uninstall_tracer();
        assert_eq!(s.count().await, 2);
    });
    let span = h.only_span();
    assert_eq!(span.name, "chat gpt-4o");
    assert_attr(&span, "llm.response.chunks", i(3));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(3));
    assert_ok(&span);
}

#[test]
fn a_sampler_dropping_everything_exports_nothing_and_changes_nothing() {
    let h = Harness::without_tracer();
    let provider = SdkTracerProvider::builder()
        .with_sampler(Sampler::AlwaysOff)
        .with_span_processor(SimpleSpanProcessor::new(h.exporter.clone()))
        .build();
    telemetry_runtime::span::install_tracer(provider.tracer("off"));
    run_all();
    let rt = current_thread();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_millis(1), async {
            decode(usize::MAX).await;
        })
        .await
        .unwrap_err();
    });
    assert!(h.spans().is_empty());
}

/// The plain twin of `chat_async_sized`.
async fn plain_async_sized(model: &str, n: u64) -> Result<Resp, UpstreamError> {
    tokio::task::yield_now().await;
    Ok(Resp(n + model.len() as u64))
}

#[llm_span(kind = "chat", provider = "openai", model = model, max_tokens = 5)]
async fn chat_async_sized(model: &str, n: u64) -> Result<Resp, UpstreamError> {
    tokio::task::yield_now().await;
    Ok(Resp(n + model.len() as u64))
}

#[llm_span(kind = "chat", provider = "openai", model = model, handle = span)]
async fn chat_async_sized_with_handle(model: &str, n: u64) -> Result<Resp, UpstreamError> {
    tokio::task::yield_now().await;
    span.set_server_address("api.openai.com");
    Ok(Resp(n + model.len() as u64))
}

#[test]
fn an_instrumented_async_fn_future_is_at_most_64_bytes_larger_than_the_plain_one() {
    // The span state lives on the heap while it records: the future holds a pointer to it,
    // the handle and the body's context, not the state itself.
    let plain = std::mem::size_of_val(&plain_async_sized("m", 1));
    let instrumented = std::mem::size_of_val(&chat_async_sized("m", 1));
    let with_handle = std::mem::size_of_val(&chat_async_sized_with_handle("m", 1));
    eprintln!(
        "future sizes: plain {plain}, instrumented {instrumented}, with a handle {with_handle}"
    );
    assert!(
        instrumented <= plain + 64 && with_handle <= plain + 64,
        "plain {plain} bytes, instrumented {instrumented}, with a handle {with_handle}"
    );
    // And it still records, and still runs to the same result, with and without a tracer.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(chat_async_sized("m", 1)).unwrap().0, 2);
    let exporter = opentelemetry_sdk::trace::InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_span_processor(SimpleSpanProcessor::new(exporter.clone()))
        .build();
    telemetry_runtime::span::install_tracer(provider.tracer("t"));
    assert_eq!(
        rt.block_on(chat_async_sized_with_handle("m", 2)).unwrap().0,
        3
    );
    telemetry_runtime::span::uninstall_tracer();
    let spans = exporter.get_finished_spans().unwrap();
    assert_eq!(spans.len(), 1, "{spans:#?}");
    let address = spans[0]
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "server.address")
        .map(|kv| kv.value.as_str().into_owned());
    assert_eq!(address.as_deref(), Some("api.openai.com"));
}
