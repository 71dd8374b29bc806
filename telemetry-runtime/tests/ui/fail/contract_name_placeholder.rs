use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
#[contract(kind = "cache.lookup", name = "cache.lookup {cache.nam}")]
struct Lookup {
    #[attr(key = "cache.name", required)]
    name: String,
}

fn main() {}
