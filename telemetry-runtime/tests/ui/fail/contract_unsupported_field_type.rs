use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
struct Lookup {
    #[attr(required)]
    name: String,
    shards: Vec<u32>,
    weights: std::collections::HashMap<String, f64>,
    started: std::time::Instant,
}

fn main() {}
