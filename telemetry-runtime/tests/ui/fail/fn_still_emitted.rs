use telemetry_runtime::llm_span;

// Bad arguments: the macro reports them, and still emits the function unchanged, so its
// callers type-check and the only errors are the macro's own.
#[llm_span(kind = "rernak", docs_in = docs.len())]
fn rerank(docs: Vec<String>) -> Vec<String> {
    docs
}

struct Model;

impl Model {
    #[llm_span(kind = "llm.decode", handle = span, tokens_out = "many")]
    async fn decode(&self) -> u32 {
        span.step();
        1
    }
}

fn main() {
    let docs: Vec<String> = rerank(vec!["a".into()]);
    let _future = Model.decode();
    let _ = docs;
}
