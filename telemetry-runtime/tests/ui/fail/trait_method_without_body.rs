use telemetry_runtime::llm_span;

trait Backend {
    #[llm_span(kind = "llm.decode")]
    fn decode(&self) -> u32;
}

fn main() {}
