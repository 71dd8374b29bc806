use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
struct Lookup {
    #[attr(key = "cache.name")]
    name: String,
    #[attr(key = "cache.name")]
    cache: String,
}

fn main() {}
