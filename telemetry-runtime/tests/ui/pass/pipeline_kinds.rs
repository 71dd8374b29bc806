//! Every pipeline kind, by its name and by an alias, with `handle` and `step()` on decode.

use telemetry_runtime::llm_span;

#[llm_span(kind = "http.handler", method = "POST", route = "/v1/chat", model = model, request_id = id)]
async fn handler(model: &str, id: String) -> Result<u16, std::io::Error> {
    let tokens = tokenize("hello world").await;
    let docs = retrieve("q").await;
    prefill(tokens.len());
    let out = decode(3).await;
    Ok(format(&out, docs.len()).len() as u16)
}

#[llm_span(kind = "tokenize.input", tokenizer = "whitespace", handle = span)]
async fn tokenize(text: &str) -> Vec<String> {
    let tokens: Vec<String> = text.split(' ').map(str::to_owned).collect();
    span.set_tokens_in(&tokens.len());
    tokens
}

#[llm_span(kind = "rag.retrieve", index = "docs", docs_retrieved = 2)]
async fn retrieve(query: &str) -> Vec<String> {
    let vector = embed_query(query);
    let found = vector_search(&vector);
    rerank(found)
}

#[llm_span(kind = "embed", model = "bge-small", dimensions = 4)]
fn embed_query(query: &str) -> Vec<f32> {
    vec![query.len() as f32; 4]
}

#[llm_span(kind = "vector.search", index = "docs", top_k = 2, handle = span)]
fn vector_search(vector: &[f32]) -> Vec<String> {
    let results = vec![format!("{}", vector.len()), "b".to_owned()];
    span.set_results(&results.len());
    results
}

#[llm_span(kind = "rerank", model = "rerank-v3", docs_in = docs.len())]
fn rerank(docs: Vec<String>) -> Vec<String> {
    docs
}

#[llm_span(kind = "prefill", tokens_in = tokens, cache_hits = 0u64)]
fn prefill(tokens: usize) {}

#[llm_span(kind = "decode", handle = span)]
async fn decode(steps: usize) -> String {
    let mut out = String::new();
    for _ in 0..steps {
        span.step();
        out.push('x');
    }
    span.set_tokens_out(&steps);
    span.set_stop_reason("stop");
    out
}

#[llm_span(kind = "llm.decode", stop_reason = "length")]
fn decode_sync() -> u32 {
    7
}

#[llm_span(kind = "format.output", format = "json", tokens_out = out.len())]
fn format(out: &str, docs: usize) -> String {
    format!("{{\"text\":\"{out}\",\"docs\":{docs}}}")
}

#[llm_span(kind = "handler", method = "GET", route = "/health")]
fn health() -> &'static str {
    "ok"
}

#[llm_span(kind = "tokenize")]
fn tokenize_alias() {}

#[llm_span(kind = "retrieve", index = "docs")]
fn retrieve_alias() {}

#[llm_span(kind = "search", index = "docs")]
fn search_alias() {}

#[llm_span(kind = "format")]
fn format_alias() {}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(handler("llama", "req-1".into())).unwrap(), 23);
    assert_eq!(decode_sync(), 7);
    assert_eq!(health(), "ok");
    tokenize_alias();
    retrieve_alias();
    search_alias();
    format_alias();
}
