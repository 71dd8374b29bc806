use telemetry_runtime::llm_span;

#[llm_span(kind = "rerank")]
struct Reranker {
    model: String,
}

#[llm_span(kind = "rerank")]
impl Reranker {}

fn main() {
    let _ = Reranker {
        model: String::new(),
    };
}
