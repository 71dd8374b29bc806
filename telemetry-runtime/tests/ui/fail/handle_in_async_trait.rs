use telemetry_runtime::llm_span;

#[async_trait::async_trait]
trait Backend {
    async fn decode(&self) -> u32;
}

struct Local;

#[async_trait::async_trait]
impl Backend for Local {
    #[llm_span(kind = "llm.decode", handle = span)]
    async fn decode(&self) -> u32 {
        span.step();
        1
    }
}

fn main() {}
