use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
struct Lookup {
    #[attr(key = "cache.query", content, required)]
    query: String,
}

fn main() {}
