//! The LLM serving pipeline kinds: each span's name, kind and typed attributes, the request
//! tree (`http.handler` -> tokenize / rag.retrieve (embed, search, rerank) / prefill / decode /
//! format) with its parent links in one trace, decode step statistics and handle setters.
#![cfg(feature = "sdk")]

mod common;

use std::time::Duration;

use common::*;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::SpanKind;
use opentelemetry_sdk::trace::SpanData;
use telemetry_runtime::contracts::{
    EmbedQuery, FormatOutput, HttpHandler, LlmDecode, LlmPrefill, RagRetrieve, Rerank,
    TokenizeInput, VectorSearch,
};
use telemetry_runtime::llm_span;

// ----- the pipeline -----------------------------------------------------------------------

#[llm_span(
    kind = "http.handler",
    method = "POST",
    route = "/v1/chat/completions",
    model = "llama-3-8b",
    request_id = request_id,
    handle = span,
)]
async fn handle_request(request_id: &str, prompt: &str) -> String {
    let tokens = tokenize(prompt);
    let docs = rag_retrieve(&tokens).await;
    let hits = prefill(tokens.len() + docs.len()).await;
    let out = decode(4, Duration::from_millis(1)).await;
    let text = format_output(&out, hits);
    span.set_status_code(&200u16);
    text
}

#[llm_span(kind = "tokenize.input", tokens_in = prompt.split(' ').count(), tokenizer = "llama3-bpe")]
fn tokenize(prompt: &str) -> Vec<u32> {
    prompt.split(' ').map(|w| w.len() as u32).collect()
}

#[llm_span(kind = "rag.retrieve", index = "docs-v2", handle = span)]
async fn rag_retrieve(tokens: &[u32]) -> Vec<String> {
    let query = embed_query(tokens);
    let found = vector_search(&query, 8).await;
    span.set_docs_retrieved(&found.len());
    let kept = rerank(found, 3);
    span.set_docs_reranked(&kept.len());
    kept
}

#[llm_span(kind = "embed.query", model = "bge-small", tokens_in = tokens.len(), dimensions = 384u32)]
fn embed_query(tokens: &[u32]) -> Vec<f32> {
    vec![tokens.len() as f32; 384]
}

#[llm_span(kind = "vector.search", index = "docs-v2", top_k = top_k, handle = span)]
async fn vector_search(query: &[f32], top_k: usize) -> Vec<String> {
    tokio::task::yield_now().await;
    let found: Vec<String> = (0..top_k)
        .map(|i| format!("doc-{i}-{}", query.len()))
        .collect();
    span.set_results(&found.len());
    found
}

#[llm_span(kind = "rerank", model = "bge-reranker", docs_in = docs.len(), docs_out = keep)]
fn rerank(docs: Vec<String>, keep: usize) -> Vec<String> {
    docs.into_iter().take(keep).collect()
}

#[llm_span(kind = "llm.prefill", tokens_in = tokens, cache_misses = 5, handle = span)]
async fn prefill(tokens: usize) -> u32 {
    tokio::task::yield_now().await;
    span.set_cache_hits(&3);
    3
}

#[llm_span(kind = "llm.decode", handle = span)]
async fn decode(steps: usize, step: Duration) -> Vec<u32> {
    let mut out = Vec::new();
    for i in 0..steps {
        tokio::time::sleep(step).await;
        span.step();
        out.push(i as u32);
    }
    span.set_tokens_out(&out.len());
    span.set_stop_reason("eos");
    out
}

#[llm_span(kind = "format.output", tokens_out = tokens.len(), format = "json")]
fn format_output(tokens: &[u32], cache_hits: u32) -> String {
    format!("{tokens:?} ({cache_hits} cached)")
}

fn check_tree(h: &Harness) {
    let spans = h.spans();
    assert_eq!(spans.len(), 9, "{:?}", names(&spans));
    assert_eq!(
        trace_ids(&spans).len(),
        1,
        "one trace for the whole request"
    );

    let root = h.span("http.handler");
    let tokenize = h.span("tokenize.input");
    let retrieve = h.span("rag.retrieve");
    let embed = h.span("embed.query");
    let search = h.span("vector.search");
    let rerank = h.span("rerank");
    let prefill = h.span("llm.prefill");
    let decode = h.span("llm.decode");
    let format = h.span("format.output");

    assert_root(&root);
    for child in [&tokenize, &retrieve, &prefill, &decode, &format] {
        assert_child_of(child, &root);
    }
    for child in [&embed, &search, &rerank] {
        assert_child_of(child, &retrieve);
    }

    // Children end before their parents; the root ends last.
    let order = names(&spans);
    assert_eq!(order.last().map(String::as_str), Some("http.handler"));
    let pos = |n: &str| order.iter().position(|o| o == n).unwrap();
    assert!(pos("rerank") < pos("rag.retrieve"));
    assert!(pos("embed.query") < pos("vector.search"));
    for span in &spans {
        assert!(span.start_time <= span.end_time);
        assert_ok(span);
    }
    assert!(root.start_time <= tokenize.start_time && format.end_time <= root.end_time);
}

#[test]
fn pipeline_tree_on_a_current_thread_runtime() {
    let h = Harness::new();
    let text = current_thread().block_on(handle_request("req-1", "what is a span"));
    assert_eq!(text, "[0, 1, 2, 3] (3 cached)");
    check_tree(&h);
}

#[test]
fn pipeline_tree_on_a_multi_thread_runtime() {
    let h = Harness::new();
    let rt = multi_thread();
    let text = rt
        .block_on(async { tokio::spawn(handle_request("req-2", "hello there")).await })
        .unwrap();
    assert_eq!(text, "[0, 1, 2, 3] (3 cached)");
    check_tree(&h);
}

#[test]
fn two_requests_are_two_traces() {
    let h = Harness::new();
    let rt = multi_thread();
    rt.block_on(async {
        let a = tokio::spawn(handle_request("req-a", "one"));
        let b = tokio::spawn(handle_request("req-b", "two"));
        a.await.unwrap();
        b.await.unwrap();
    });
    let spans = h.spans();
    assert_eq!(spans.len(), 18);
    let roots: Vec<&SpanData> = spans.iter().filter(|s| s.name == "http.handler").collect();
    assert_eq!(roots.len(), 2);
    assert_ne!(
        roots[0].span_context.trace_id(),
        roots[1].span_context.trace_id()
    );
    for root in &roots {
        let trace = root.span_context.trace_id();
        let members = spans
            .iter()
            .filter(|s| s.span_context.trace_id() == trace)
            .count();
        assert_eq!(members, 9, "each request's trace holds its own 9 spans");
    }
}

#[llm_span(kind = "http.handler", method = "GET", route = "/v1/models")]
async fn spawning_handler() {
    // A spawned task carries the context only when told to (OpenTelemetry's FutureExt).
    tokio::spawn(vector_search(&[1.0], 2).with_current_context())
        .await
        .unwrap();
}

#[test]
fn a_spawned_child_with_the_current_context_nests_under_the_handler() {
    let h = Harness::new();
    multi_thread().block_on(spawning_handler());
    assert_child_of(&h.span("vector.search"), &h.span("http.handler"));
}

// ----- each pipeline span -----------------------------------------------------------------

#[test]
fn pipeline_span_names_kinds_and_attributes() {
    let h = Harness::new();
    current_thread().block_on(handle_request("req-9", "a b c"));

    let root = h.span("http.handler");
    assert_kind(&root, SpanKind::Server);
    assert_attributes(
        &root,
        &[
            ("http.request.method", s("POST")),
            ("http.route", s("/v1/chat/completions")),
            ("llm.model", s("llama-3-8b")),
            ("llm.request.id", s("req-9")),
            ("http.response.status_code", i(200)),
        ],
    );
    assert_types_follow_contract::<HttpHandler>(&root);

    let tokenize = h.span("tokenize.input");
    assert_kind(&tokenize, SpanKind::Internal);
    assert_attributes(
        &tokenize,
        &[("llm.tokens.in", i(3)), ("tokenizer.name", s("llama3-bpe"))],
    );
    assert_types_follow_contract::<TokenizeInput>(&tokenize);

    let retrieve = h.span("rag.retrieve");
    assert_kind(&retrieve, SpanKind::Internal);
    assert_attributes(
        &retrieve,
        &[
            ("rag.index.name", s("docs-v2")),
            ("rag.docs.retrieved", i(8)),
            ("rag.docs.reranked", i(3)),
        ],
    );
    assert_types_follow_contract::<RagRetrieve>(&retrieve);

    let embed = h.span("embed.query");
    assert_kind(&embed, SpanKind::Internal);
    assert_attributes(
        &embed,
        &[
            ("embed.model", s("bge-small")),
            ("llm.tokens.in", i(3)),
            ("embed.dimensions", i(384)),
        ],
    );
    assert_types_follow_contract::<EmbedQuery>(&embed);

    let search = h.span("vector.search");
    assert_kind(&search, SpanKind::Internal);
    assert_attributes(
        &search,
        &[
            ("rag.index.name", s("docs-v2")),
            ("vector.top_k", i(8)),
            ("vector.results", i(8)),
        ],
    );
    assert_types_follow_contract::<VectorSearch>(&search);

    let rerank = h.span("rerank");
    assert_kind(&rerank, SpanKind::Internal);
    assert_attributes(
        &rerank,
        &[
            ("rerank.model", s("bge-reranker")),
            ("rerank.docs.in", i(8)),
            ("rerank.docs.out", i(3)),
        ],
    );
    assert_types_follow_contract::<Rerank>(&rerank);

    let prefill = h.span("llm.prefill");
    assert_kind(&prefill, SpanKind::Internal);
    assert_attributes(
        &prefill,
        &[
            ("llm.tokens.in", i(6)),
            ("llm.cache.misses", i(5)),
            ("llm.cache.hits", i(3)),
        ],
    );
    assert_types_follow_contract::<LlmPrefill>(&prefill);

    let decode = h.span("llm.decode");
    assert_kind(&decode, SpanKind::Internal);
    let mean = f64_attr(&decode, "llm.decode.mean_step_ms");
    let max = f64_attr(&decode, "llm.decode.max_step_ms");
    assert_attributes(
        &decode,
        &[
            ("llm.tokens.out", i(4)),
            ("llm.stop_reason", s("eos")),
            ("llm.decode.steps", i(4)),
            ("llm.decode.mean_step_ms", f(mean)),
            ("llm.decode.max_step_ms", f(max)),
        ],
    );
    assert_types_follow_contract::<LlmDecode>(&decode);

    let format = h.span("format.output");
    assert_kind(&format, SpanKind::Internal);
    assert_attributes(
        &format,
        &[("llm.tokens.out", i(4)), ("output.format", s("json"))],
    );
    assert_types_follow_contract::<FormatOutput>(&format);

    for span in h.spans() {
        assert_absent(&span, "gen_ai.operation.name");
    }
}

// Aliases name the same contracts.
#[llm_span(kind = "handler", method = "GET", route = "/health")]
fn alias_handler() {
    alias_tokenize();
    alias_prefill();
    alias_decode();
    alias_format();
    alias_retrieve();
}
#[llm_span(kind = "tokenize")]
fn alias_tokenize() {}
#[llm_span(kind = "prefill")]
fn alias_prefill() {}
#[llm_span(kind = "decode")]
fn alias_decode() {}
#[llm_span(kind = "format")]
fn alias_format() {}
#[llm_span(kind = "retrieve", index = "i")]
fn alias_retrieve() {
    alias_embed();
    alias_search();
}
#[llm_span(kind = "embed")]
fn alias_embed() {}
#[llm_span(kind = "search", index = "i")]
fn alias_search() {}

#[test]
fn kind_aliases_produce_the_canonical_spans() {
    let h = Harness::new();
    alias_handler();
    let spans = h.spans();
    let mut got = names(&spans);
    got.sort();
    assert_eq!(
        got,
        [
            "embed.query",
            "format.output",
            "http.handler",
            "llm.decode",
            "llm.prefill",
            "rag.retrieve",
            "tokenize.input",
            "vector.search"
        ]
    );
    assert_kind(&h.span("http.handler"), SpanKind::Server);
    assert_child_of(&h.span("vector.search"), &h.span("rag.retrieve"));
    assert_child_of(&h.span("llm.decode"), &h.span("http.handler"));
}

// ----- decode step statistics ----------------------------------------------------------------

#[test]
fn decode_steps_count_and_time_each_step() {
    let h = Harness::new();
    let out = current_thread().block_on(decode(5, Duration::from_millis(2)));
    assert_eq!(out.len(), 5);
    let span = h.only_span();
    assert_eq!(span.name, "llm.decode");
    assert_attr(&span, "llm.decode.steps", i(5));
    let mean = f64_attr(&span, "llm.decode.mean_step_ms");
    let max = f64_attr(&span, "llm.decode.max_step_ms");
    assert!(mean >= 2.0, "each step slept 2 ms, mean {mean}");
    assert!(max >= mean, "max {max} >= mean {mean}");
    let span_ms = span
        .end_time
        .duration_since(span.start_time)
        .unwrap()
        .as_secs_f64()
        * 1e3;
    assert!(
        mean * 5.0 <= span_ms + 0.5,
        "steps ({mean} ms x 5) fit in the span ({span_ms} ms)"
    );
}

#[llm_span(kind = "llm.decode", handle = span)]
fn decode_sync(sleeps_ms: &[u64]) -> usize {
    for ms in sleeps_ms {
        std::thread::sleep(Duration::from_millis(*ms));
        span.step();
    }
    sleeps_ms.len()
}

#[test]
fn decode_max_step_is_the_slowest_step() {
    let h = Harness::new();
    assert_eq!(decode_sync(&[1, 1, 12, 1]), 4);
    let span = h.only_span();
    assert_attr(&span, "llm.decode.steps", i(4));
    let mean = f64_attr(&span, "llm.decode.mean_step_ms");
    let max = f64_attr(&span, "llm.decode.max_step_ms");
    assert!(max >= 12.0, "max {max}");
    assert!(max > mean && mean > 0.0, "max {max} > mean {mean} > 0");
    assert!(mean >= 15.0 / 4.0, "mean {mean}");
}

#[test]
fn decode_steps_are_counted_by_the_handle_without_a_span_each() {
    let h = Harness::new();
    decode_sync(&[0; 1000]);
    let span = h.only_span();
    assert_attr(&span, "llm.decode.steps", i(1000));
    assert!(
        f64_attr(&span, "llm.decode.max_step_ms") >= f64_attr(&span, "llm.decode.mean_step_ms")
    );
    assert!(span.events.is_empty());
}

#[llm_span(kind = "llm.decode", handle = span)]
fn decode_reporting_each_step(steps: usize) {
    for n in 1..=steps {
        span.step();
        span.set_tokens_out(&n);
    }
    span.set_stop_reason("length");
}

#[test]
fn a_setter_called_at_every_step_keeps_one_attribute_with_the_last_value() {
    let h = Harness::new();
    decode_reporting_each_step(300);
    let span = h.only_span();
    assert_attr(&span, "llm.tokens.out", i(300));
    assert_attr(&span, "llm.stop_reason", s("length"));
    assert_attr(&span, "llm.decode.steps", i(300));
    assert!(f64_attr(&span, "llm.decode.mean_step_ms") >= 0.0);
    assert_eq!(span.dropped_attributes_count, 0);
}

// ----- setters --------------------------------------------------------------------------------

#[llm_span(kind = "llm.prefill", tokens_in = 10, handle = span)]
fn prefill_sync(hits: u64) -> u64 {
    span.set_cache_hits(&hits);
    span.set_cache_misses(&(10 - hits));
    hits
}

#[test]
fn prefill_setters_record_mid_way_values_as_integers() {
    let h = Harness::new();
    assert_eq!(prefill_sync(3), 3);
    let span = h.only_span();
    assert_attributes(
        &span,
        &[
            ("llm.tokens.in", i(10)),
            ("llm.cache.hits", i(3)),
            ("llm.cache.misses", i(7)),
        ],
    );
}

#[llm_span(kind = "http.handler", method = "POST", route = "/v1/chat", status_code = 202, handle = span)]
fn handler_overriding_status(fail: bool) {
    if fail {
        span.set_status_code(&503);
    }
}

#[test]
fn a_setter_overrides_the_value_given_at_start() {
    let h = Harness::new();
    handler_overriding_status(true);
    let span = h.only_span();
    assert_attr(&span, "http.response.status_code", i(503));
    let entries = span
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str() == "http.response.status_code")
        .count();
    assert_eq!(entries, 1, "one entry per key: {:?}", span.attributes);
    // The other start values are still there.
    assert_attr(&span, "http.route", s("/v1/chat"));
}

#[llm_span(kind = "llm.prefill", handle = span)]
fn prefill_with_optional(hits: Option<u32>) {
    span.set_cache_hits(&hits);
}

#[test]
fn a_setter_given_none_leaves_the_attribute_unset() {
    let h = Harness::new();
    prefill_with_optional(None);
    prefill_with_optional(Some(4));
    let spans = h.spans();
    assert_absent(&spans[0], "llm.cache.hits");
    assert_attr(&spans[1], "llm.cache.hits", i(4));
}

#[llm_span(kind = "decode", handle = span)]
fn decode_with_step_spans(steps: usize) {
    for _ in 0..steps {
        let _step = span.step_span();
    }
}

#[test]
fn per_step_child_spans_only_when_asked_for() {
    let h = Harness::new();
    decode_with_step_spans(3);
    let spans = h.spans();
    let decode = h.span("llm.decode");
    let steps: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "llm.decode.step")
        .collect();
    assert_eq!(steps.len(), 3);
    for step in &steps {
        assert_eq!(step.parent_span_id, decode.span_context.span_id());
        assert_eq!(step.span_context.trace_id(), decode.span_context.trace_id());
    }
    assert_attr(&decode, "llm.decode.steps", i(3));
}

#[llm_span(
    kind = "http.handler",
    method = "POST",
    route = "/v1/chat",
    status_code = 200
)]
fn legacy_handler() {}

#[test]
fn legacy_http_names_only_with_the_switch() {
    let h = Harness::new();
    legacy_handler();
    let span = h.only_span();
    assert!(
        span.attributes
            .iter()
            .all(|kv| kv.key.as_str() != "http.method")
    );
    telemetry_runtime::span::set_legacy_names(true);
    legacy_handler();
    let spans = h.spans();
    let span = spans.last().unwrap();
    assert_attr(span, "http.method", s("POST"));
    assert_attr(span, "http.status_code", i(200));
    assert_attr(span, "http.request.method", s("POST"));
}
