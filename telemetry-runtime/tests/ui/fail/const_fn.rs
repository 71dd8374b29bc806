use telemetry_runtime::llm_span;

#[llm_span(kind = "rerank")]
const fn rerank() -> u32 {
    1
}

fn main() {
    // The function is still emitted: no "cannot find function" below the macro's error.
    let _ = rerank();
}
