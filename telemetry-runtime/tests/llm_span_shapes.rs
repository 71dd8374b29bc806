//! Every function shape `#[llm_span]` accepts, and how each one ends its span: sync and async
//! fns (both tokio flavours), methods, generics, `impl Future`, boxed futures (async-trait),
//! streams (open until the end, chunk statistics, early drop), errors, panics, cancellation.
#![cfg(feature = "sdk")]

mod common;

use std::fmt::Display;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures_util::{Stream, StreamExt, stream};
use opentelemetry::trace::{SpanKind, Status};
use telemetry_runtime::genai::GenerationOutcome;
use telemetry_runtime::llm_span;
use telemetry_runtime::span::ChunkTokens;

#[derive(Debug, Clone, PartialEq)]
struct Reply {
    text: String,
    output: u64,
}

impl GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        Some(10)
    }
    fn output_tokens(&self) -> Option<u64> {
        Some(self.output)
    }
    fn finish_reasons(&self) -> Vec<&str> {
        vec!["stop"]
    }
}

fn reply(text: &str) -> Reply {
    Reply {
        text: text.to_owned(),
        output: text.len() as u64,
    }
}

/// A nested span, to check which span is current inside each shape.
#[llm_span(kind = "execute_tool", tool_name = "probe")]
fn probe() {}

fn assert_probe_is_child_of(h: &Harness, parent_name: &str) {
    assert_child_of(&h.span("execute_tool probe"), &h.span(parent_name));
}

// ----- sync and async fns ------------------------------------------------------------------

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
fn chat_sync(prompt: &str) -> Reply {
    probe();
    reply(prompt)
}

#[test]
fn sync_fn() {
    let h = Harness::new();
    assert_eq!(chat_sync("hi").text, "hi");
    let span = h.span("chat gpt-4o");
    assert_kind(&span, SpanKind::Client);
    assert_attr(&span, "gen_ai.usage.output_tokens", i(2));
    assert_ok(&span);
    assert_probe_is_child_of(&h, "chat gpt-4o");
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
async fn chat_async(prompt: String) -> Reply {
    tokio::time::sleep(Duration::from_millis(2)).await;
    probe();
    tokio::task::yield_now().await;
    reply(&prompt)
}

#[test]
fn async_fn_on_a_current_thread_runtime() {
    let h = Harness::new();
    let out = current_thread().block_on(chat_async("hello".into()));
    assert_eq!(out.output, 5);
    let span = h.span("chat gpt-4o");
    assert_attr(&span, "gen_ai.usage.output_tokens", i(5));
    assert_ok(&span);
    assert_probe_is_child_of(&h, "chat gpt-4o");
    let took = span.end_time.duration_since(span.start_time).unwrap();
    assert!(
        took >= Duration::from_millis(2),
        "the span covers the await: {took:?}"
    );
}

#[test]
fn async_fn_spawned_on_a_multi_thread_runtime() {
    let h = Harness::new();
    let rt = multi_thread();
    let outs = rt.block_on(async {
        let tasks: Vec<_> = (0..8)
            .map(|n| tokio::spawn(chat_async("x".repeat(n + 1))))
            .collect();
        let mut outs = Vec::new();
        for t in tasks {
            outs.push(t.await.unwrap().output);
        }
        outs
    });
    assert_eq!(outs, [1, 2, 3, 4, 5, 6, 7, 8]);
    let spans = h.spans();
    assert_eq!(spans.len(), 16);
    let chats: Vec<_> = spans.iter().filter(|s| s.name == "chat gpt-4o").collect();
    let probes: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "execute_tool probe")
        .collect();
    assert_eq!(chats.len(), 8);
    for chat in &chats {
        assert_root(chat);
        assert_ok(chat);
        let children: Vec<_> = probes
            .iter()
            .filter(|p| p.parent_span_id == chat.span_context.span_id())
            .collect();
        assert_eq!(
            children.len(),
            1,
            "each task's probe nests under its own chat"
        );
        assert_child_of(children[0], chat);
    }
    let mut tokens: Vec<i64> = chats
        .iter()
        .map(|c| i64_attr(c, "gen_ai.usage.output_tokens"))
        .collect();
    tokens.sort();
    assert_eq!(tokens, [1, 2, 3, 4, 5, 6, 7, 8]);
}

// ----- methods and generics ------------------------------------------------------------------

struct Client {
    model: String,
    calls: u32,
}

impl Client {
    #[llm_span(kind = "chat", provider = "openai", model = self.model)]
    fn chat(&self, prompt: &str) -> Reply {
        reply(prompt)
    }

    #[llm_span(kind = "chat", provider = "openai", model = self.model, handle = span)]
    fn chat_counting(&mut self, prompt: &str) -> Reply {
        self.calls += 1;
        span.set_seed(&self.calls);
        reply(prompt)
    }

    #[llm_span(kind = "chat", provider = "openai", model = self.model)]
    fn into_reply(self) -> Reply {
        reply(&self.model)
    }

    #[llm_span(kind = "chat", provider = "openai", model = self.model)]
    async fn chat_async(&self, prompt: &str) -> Result<Reply, UpstreamError> {
        tokio::task::yield_now().await;
        probe();
        Ok(reply(prompt))
    }

    #[llm_span(kind = "chat", provider = "openai", model = self.model, handle = span)]
    async fn chat_async_mut(&mut self) -> Reply {
        tokio::task::yield_now().await;
        self.calls += 10;
        span.set_seed(&self.calls);
        reply("mut")
    }
}

#[test]
fn methods_taking_ref_mut_ref_and_self() {
    let h = Harness::new();
    let mut client = Client {
        model: "gpt-4o-mini".into(),
        calls: 0,
    };
    assert_eq!(client.chat("a").text, "a");
    assert_eq!(client.chat_counting("bb").output, 2);
    assert_eq!(client.calls, 1);
    let rt = current_thread();
    assert_eq!(rt.block_on(client.chat_async("ccc")).unwrap().output, 3);
    assert_eq!(rt.block_on(client.chat_async_mut()).text, "mut");
    assert_eq!(client.calls, 11);
    assert_eq!(client.into_reply().text, "gpt-4o-mini");

    let spans = h.spans();
    let chats: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "chat gpt-4o-mini")
        .collect();
    assert_eq!(chats.len(), 5, "{:?}", names(&spans));
    for chat in &chats {
        assert_attr(chat, "gen_ai.request.model", s("gpt-4o-mini"));
        assert_ok(chat);
    }
    let outputs: Vec<i64> = chats
        .iter()
        .map(|c| i64_attr(c, "gen_ai.usage.output_tokens"))
        .collect();
    assert_eq!(outputs, [1, 2, 3, 3, 11]);
    assert_attr(chats[1], "gen_ai.request.seed", i(1));
    assert_attr(chats[3], "gen_ai.request.seed", i(11));
    assert_child_of(&h.span("execute_tool probe"), chats[2]);
}

#[llm_span(kind = "execute_tool", tool_name = name, tool_type = "function")]
fn generic_tool<T, const N: usize>(name: &str, args: [T; N]) -> String
where
    T: Display + Clone,
{
    args.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[llm_span(kind = "rerank", docs_in = docs.len())]
async fn generic_async<D: AsRef<str> + Send>(docs: Vec<D>) -> Vec<String> {
    tokio::task::yield_now().await;
    docs.iter().map(|d| d.as_ref().to_uppercase()).collect()
}

#[test]
fn generic_fns() {
    let h = Harness::new();
    assert_eq!(generic_tool("sum", [1, 2, 3]), "1,2,3");
    assert_eq!(generic_tool("concat", ["a"]), "a");
    assert_eq!(
        current_thread().block_on(generic_async(vec!["x", "y"])),
        ["X", "Y"]
    );
    assert_attr(&h.span("execute_tool sum"), "gen_ai.tool.name", s("sum"));
    assert_attr(
        &h.span("execute_tool concat"),
        "gen_ai.tool.type",
        s("function"),
    );
    assert_attr(&h.span("rerank"), "rerank.docs.in", i(2));
}

// ----- impl Future and boxed futures -----------------------------------------------------------

#[llm_span(kind = "chat", provider = "openai", model = model)]
fn chat_future(
    model: &str,
    fail: bool,
) -> impl Future<Output = Result<Reply, UpstreamError>> + use<> {
    let owned = model.to_owned();
    async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        probe();
        if fail {
            Err(UpstreamError(format!("{owned} overloaded")))
        } else {
            Ok(reply(&owned))
        }
    }
}

#[test]
fn fn_returning_impl_future_records_when_the_future_completes() {
    let h = Harness::new();
    let rt = current_thread();
    let fut = chat_future("o3", false);
    assert!(
        h.spans().is_empty(),
        "the span is open until the future completes"
    );
    assert_eq!(rt.block_on(fut).unwrap().text, "o3");
    let span = h.span("chat o3");
    assert_ok(&span);
    assert_attr(&span, "gen_ai.usage.output_tokens", i(2));
    assert_attr(&span, "gen_ai.response.finish_reasons", sa(&["stop"]));
    assert_probe_is_child_of(&h, "chat o3");
    let took = span.end_time.duration_since(span.start_time).unwrap();
    assert!(took >= Duration::from_millis(2), "{took:?}");
}

#[test]
fn fn_returning_impl_future_records_errors() {
    let h = Harness::new();
    common::capture_error_text();
    current_thread()
        .block_on(chat_future("o3", true))
        .unwrap_err();
    let span = h.span("chat o3");
    assert_error(&span, "UpstreamError", Some("upstream said: o3 overloaded"));
    assert_absent(&span, "gen_ai.usage.output_tokens");
}

#[test]
fn impl_future_dropped_before_it_is_polled_ends_as_cancelled() {
    let h = Harness::new();
    drop(chat_future("o3", false));
    let span = h.only_span();
    assert_error_type(&span, "cancelled");
}

#[async_trait::async_trait]
trait Tool {
    async fn call(&self, input: &str) -> Result<String, UpstreamError>;
}

struct Search;

#[async_trait::async_trait]
impl Tool for Search {
    #[llm_span(kind = "execute_tool", tool_name = "search", tool_call_id = input)]
    async fn call(&self, input: &str) -> Result<String, UpstreamError> {
        tokio::task::yield_now().await;
        probe();
        if input == "bad" {
            return Err(UpstreamError("no index".into()));
        }
        Ok(format!("found {input}"))
    }
}

#[test]
fn async_trait_methods_boxed_futures() {
    let h = Harness::new();
    common::capture_error_text();
    let rt = multi_thread();
    let tool: Arc<dyn Tool + Send + Sync> = Arc::new(Search);
    let t = tool.clone();
    let ok = rt
        .block_on(async move { tokio::spawn(async move { t.call("rust").await }).await })
        .unwrap();
    assert_eq!(ok.unwrap(), "found rust");
    rt.block_on(tool.call("bad")).unwrap_err();

    let spans = h.spans();
    let calls: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "execute_tool search")
        .collect();
    assert_eq!(calls.len(), 2, "{:?}", names(&spans));
    assert_attr(calls[0], "gen_ai.tool.call.id", s("rust"));
    assert_ok(calls[0]);
    assert_error(calls[1], "UpstreamError", Some("upstream said: no index"));
    for p in spans.iter().filter(|s| s.name == "execute_tool probe") {
        assert!(
            calls
                .iter()
                .any(|c| c.span_context.span_id() == p.parent_span_id),
            "probe nests under a call"
        );
    }
}

// ----- streams -------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Chunk {
    text: &'static str,
    tokens: u64,
}

impl ChunkTokens for Chunk {
    fn output_tokens(&self) -> u64 {
        self.tokens
    }
}

fn chunks() -> Vec<Chunk> {
    vec![
        Chunk {
            text: "Hel",
            tokens: 2,
        },
        Chunk {
            text: "lo ",
            tokens: 3,
        },
        Chunk {
            text: "world",
            tokens: 5,
        },
    ]
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", stream = true)]
fn chat_stream(items: Vec<Chunk>, delay: Duration) -> impl Stream<Item = Chunk> {
    stream::unfold(items.into_iter(), move |mut rest| async move {
        tokio::time::sleep(delay).await;
        let next = rest.next()?;
        probe();
        Some((next, rest))
    })
}

#[test]
fn stream_span_stays_open_until_the_stream_ends_and_records_chunk_statistics() {
    let h = Harness::new();
    current_thread().block_on(async {
        let mut s = pin!(chat_stream(chunks(), Duration::from_millis(3)));
        let mut text = String::new();
        for _ in 0..3 {
            text.push_str(s.next().await.unwrap().text);
            assert!(
                h.spans().iter().all(|sp| sp.name != "chat gpt-4o"),
                "chat span still open"
            );
        }
        assert_eq!(text, "Hello world");
        assert!(s.next().await.is_none());
    });
    let span = h.span("chat gpt-4o");
    assert_kind(&span, SpanKind::Client);
    assert_ok(&span);
    let ttfc = f64_attr(&span, "gen_ai.response.time_to_first_chunk");
    assert!(ttfc >= 0.003, "first chunk after >= 3 ms: {ttfc} s");
    let total = span
        .end_time
        .duration_since(span.start_time)
        .unwrap()
        .as_secs_f64();
    assert!(ttfc < total, "ttfc {ttfc} < span {total}");
    assert_attributes(
        &span,
        &[
            ("gen_ai.operation.name", s("chat")),
            ("gen_ai.provider.name", s("openai")),
            ("gen_ai.request.model", s("gpt-4o")),
            ("gen_ai.request.stream", b(true)),
            ("gen_ai.response.time_to_first_chunk", f(ttfc)),
            ("llm.response.chunks", i(3)),
            ("gen_ai.usage.output_tokens", i(10)),
        ],
    );
    // Work done while the stream is polled nests under its span.
    let probes: Vec<_> = h
        .spans()
        .into_iter()
        .filter(|s| s.name == "execute_tool probe")
        .collect();
    assert_eq!(probes.len(), 3);
    for p in &probes {
        assert_child_of(p, &span);
    }
}

#[test]
fn stream_consumed_on_a_multi_thread_runtime() {
    let h = Harness::new();
    let collected = multi_thread()
        .block_on(async {
            tokio::spawn(async {
                chat_stream(chunks(), Duration::from_millis(1))
                    .collect::<Vec<_>>()
                    .await
            })
            .await
        })
        .unwrap();
    assert_eq!(collected, chunks());
    let span = h.span("chat gpt-4o");
    assert_attr(&span, "llm.response.chunks", i(3));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(10));
    assert_ok(&span);
}

#[test]
fn stream_dropped_early_ends_as_cancelled() {
    let h = Harness::new();
    current_thread().block_on(async {
        let mut s = pin!(chat_stream(chunks(), Duration::from_millis(1)));
        assert_eq!(s.next().await.unwrap().text, "Hel");
    });
    let span = h.span("chat gpt-4o");
    assert_error_type(&span, "cancelled");
    assert_attr(&span, "llm.response.chunks", i(1));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(2));
    assert!(f64_attr(&span, "gen_ai.response.time_to_first_chunk") > 0.0);
}

#[test]
fn stream_never_polled_ends_as_cancelled_without_chunk_statistics() {
    let h = Harness::new();
    drop(chat_stream(chunks(), Duration::ZERO));
    let span = h.only_span();
    assert_error_type(&span, "cancelled");
    assert_absent(&span, "llm.response.chunks");
    assert_absent(&span, "gen_ai.response.time_to_first_chunk");
    assert_absent(&span, "gen_ai.usage.output_tokens");
}

#[llm_span(kind = "text_completion", provider = "vllm", model = "llama-3-8b")]
fn completion_stream(n: usize) -> impl Stream<Item = Result<Chunk, UpstreamError>> {
    stream::iter((0..n).map(|_| {
        Ok(Chunk {
            text: "t",
            tokens: 4,
        })
    }))
}

#[test]
fn stream_of_results_counts_tokens_of_ok_chunks() {
    let h = Harness::new();
    let n = current_thread().block_on(completion_stream(3).count());
    assert_eq!(n, 3);
    let span = h.span("text_completion llama-3-8b");
    assert_attr(&span, "llm.response.chunks", i(3));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(12));
    assert!(f64_attr(&span, "gen_ai.response.time_to_first_chunk") > 0.0);
    assert_ok(&span);
}

#[llm_span(
    kind = "generate_content",
    provider = "gcp.gemini",
    model = "gemini-2.5-pro"
)]
fn plain_text_stream() -> impl Stream<Item = String> {
    stream::iter(vec!["a".to_owned(), "b".to_owned()])
}

#[test]
fn stream_of_items_without_token_counts_records_chunks_only() {
    let h = Harness::new();
    let items: Vec<String> = current_thread().block_on(plain_text_stream().collect());
    assert_eq!(items, ["a", "b"]);
    let span = h.span("generate_content gemini-2.5-pro");
    assert_attr(&span, "llm.response.chunks", i(2));
    assert_absent(&span, "gen_ai.usage.output_tokens");
    assert_ok(&span);
}

#[test]
fn stream_usage_gets_legacy_names_too() {
    let h = Harness::new();
    telemetry_runtime::span::set_legacy_names(true);
    current_thread().block_on(async {
        let s = pin!(chat_stream(chunks(), Duration::ZERO));
        s.count().await
    });
    let span = h.span("chat gpt-4o");
    assert_attr(&span, "gen_ai.usage.output_tokens", i(10));
    assert_attr(&span, "llm.usage.completion_tokens", i(10));
    assert_attr(&span, "gen_ai.system", s("openai"));
}

// ----- errors ----------------------------------------------------------------------------------

#[llm_span(kind = "tokenize.input")]
fn parse_count(text: &str) -> Result<i32, std::num::ParseIntError> {
    let n: i32 = text.trim().parse()?;
    Ok(n * 2)
}

#[test]
fn question_mark_error_in_a_sync_fn() {
    let h = Harness::new();
    common::capture_error_text();
    assert_eq!(parse_count("21"), Ok(42));
    parse_count("twenty").unwrap_err();
    let spans = h.spans();
    assert_eq!(spans.len(), 2);
    assert_ok(&spans[0]);
    assert_error(
        &spans[1],
        "ParseIntError",
        Some("invalid digit found in string"),
    );
    assert_eq!(
        spans[1].status,
        Status::error("invalid digit found in string")
    );
}

#[derive(Debug)]
struct Wrapped<T>(T);
impl<T: std::fmt::Debug> Display for Wrapped<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wrapped {:?}", self.0)
    }
}

#[llm_span(kind = "format.output")]
async fn format_generic_error() -> Result<String, Wrapped<Vec<u8>>> {
    tokio::task::yield_now().await;
    Err(Wrapped(vec![1, 2]))
}

#[test]
fn error_type_of_a_generic_error_is_its_bare_type_name() {
    let h = Harness::new();
    common::capture_error_text();
    current_thread()
        .block_on(format_generic_error())
        .unwrap_err();
    assert_error(&h.only_span(), "Wrapped", Some("wrapped [1, 2]"));
}

/// An error with neither `Display` nor `ErrorType`.
#[derive(Debug)]
struct Opaque;

#[llm_span(kind = "llm.prefill")]
fn prefill_opaque() -> Result<(), Opaque> {
    Err(Opaque)
}

#[test]
fn error_without_display_has_no_exception_message() {
    let h = Harness::new();
    prefill_opaque().unwrap_err();
    let span = h.only_span();
    assert_error(&span, "Opaque", None);
}

#[derive(Debug)]
struct Overloaded;
impl Display for Overloaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("server overloaded")
    }
}
impl std::error::Error for Overloaded {}
impl telemetry_runtime::span::ErrorType for Overloaded {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        "overloaded".into()
    }
}

#[llm_span(kind = "rerank")]
fn rerank_boxed_typed() -> Result<(), Box<Overloaded>> {
    Err(Box::new(Overloaded))
}

#[llm_span(kind = "rerank")]
fn rerank_boxed_plain() -> Result<(), Box<UpstreamError>> {
    Err(Box::new(UpstreamError("gone".into())))
}

#[llm_span(kind = "rerank")]
fn rerank_boxed_dyn() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Err("reranker unavailable".into())
}

#[llm_span(kind = "rerank")]
fn rerank_arc() -> Result<(), Arc<Overloaded>> {
    Err(Arc::new(Overloaded))
}

#[test]
fn boxed_errors_report_the_boxed_type_not_box() {
    let h = Harness::new();
    common::capture_error_text();
    rerank_boxed_typed().unwrap_err();
    rerank_boxed_plain().unwrap_err();
    rerank_boxed_dyn().unwrap_err();
    rerank_arc().unwrap_err();
    let spans = h.spans();
    assert_eq!(spans.len(), 4);
    // `ErrorType` of the boxed error is used.
    assert_error(&spans[0], "overloaded", Some("server overloaded"));
    // Otherwise the boxed type's name.
    assert_error(&spans[1], "UpstreamError", Some("upstream said: gone"));
    // A trait object has no type name to report: the conventions' fallback value.
    assert_error(&spans[2], "_OTHER", Some("reranker unavailable"));
    assert_error(&spans[3], "overloaded", Some("server overloaded"));
}

type RerankResult<T> = Result<T, Overloaded>;

#[llm_span(kind = "rerank")]
fn rerank_via_alias() -> RerankResult<()> {
    Err(Overloaded)
}

#[test]
fn error_through_a_result_type_alias() {
    let h = Harness::new();
    common::capture_error_text();
    rerank_via_alias().unwrap_err();
    assert_error(&h.only_span(), "overloaded", Some("server overloaded"));
}

// ----- panics ---------------------------------------------------------------------------------

#[llm_span(kind = "llm.decode", handle = span)]
fn decode_panicking(at: usize) -> usize {
    for n in 0..10 {
        if n == at {
            panic!("decoder state corrupted at step {n}");
        }
        span.step();
    }
    10
}

#[test]
fn panic_in_a_sync_fn_ends_the_span_as_panic() {
    let h = Harness::new();
    let result = std::panic::catch_unwind(|| decode_panicking(3));
    assert!(result.is_err());
    let span = h.only_span();
    assert_eq!(span.name, "llm.decode");
    assert_error_type(&span, "panic");
    assert_attr(&span, "llm.decode.steps", i(3));
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o")]
async fn chat_panicking() -> Reply {
    tokio::task::yield_now().await;
    panic!("bad response")
}

#[test]
fn panic_in_an_async_fn_ends_the_span_as_panic() {
    let h = Harness::new();
    let rt = current_thread();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(chat_panicking())
    }));
    assert!(result.is_err());
    assert_error_type(&h.only_span(), "panic");
}

#[test]
fn panic_in_a_spawned_task_ends_the_span_as_panic() {
    let h = Harness::new();
    let joined = multi_thread().block_on(async { tokio::spawn(chat_panicking()).await });
    assert!(joined.unwrap_err().is_panic());
    assert_error_type(&h.only_span(), "panic");
}

#[llm_span(kind = "chat", provider = "openai", model = "gpt-4o", stream = true)]
fn chat_stream_panicking() -> impl Stream<Item = Chunk> {
    stream::iter(chunks()).map(|c| {
        if c.text == "world" {
            panic!("malformed chunk");
        }
        c
    })
}

#[test]
fn panic_while_a_stream_is_polled_ends_its_span_as_panic() {
    let h = Harness::new();
    let rt = current_thread();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(chat_stream_panicking().count())
    }));
    assert!(caught.is_err());
    let span = h.only_span();
    assert_error_type(&span, "panic");
    assert_attr(&span, "llm.response.chunks", i(2));
    assert_attr(&span, "gen_ai.usage.output_tokens", i(5));
}

// ----- cancellation ---------------------------------------------------------------------------

#[llm_span(kind = "chat", provider = "openai", model = "slow-model")]
async fn chat_slow() -> Reply {
    tokio::time::sleep(Duration::from_secs(30)).await;
    reply("late")
}

#[test]
fn async_fn_dropped_mid_await_by_a_timeout_ends_as_cancelled() {
    let h = Harness::new();
    let out = current_thread()
        .block_on(async { tokio::time::timeout(Duration::from_millis(5), chat_slow()).await });
    assert!(out.is_err(), "timed out");
    let span = h.only_span();
    assert_eq!(span.name, "chat slow-model");
    assert_error_type(&span, "cancelled");
    assert_absent(&span, "gen_ai.usage.output_tokens");
}

#[test]
fn aborted_task_ends_as_cancelled() {
    let h = Harness::new();
    multi_thread().block_on(async {
        let task = tokio::spawn(chat_slow());
        tokio::time::sleep(Duration::from_millis(5)).await;
        task.abort();
        assert!(task.await.unwrap_err().is_cancelled());
    });
    assert_error_type(&h.only_span(), "cancelled");
}

#[test]
fn losing_branch_of_a_select_ends_as_cancelled() {
    let h = Harness::new();
    let winner = current_thread().block_on(async {
        tokio::select! {
            r = chat_slow() => r.text,
            r = chat_async("fast".into()) => r.text,
        }
    });
    assert_eq!(winner, "fast");
    assert_ok(&h.span("chat gpt-4o"));
    assert_error_type(&h.span("chat slow-model"), "cancelled");
}
