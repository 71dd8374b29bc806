use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
#[contract(kind = "cache.lookup", span_knd = "client")]
struct Lookup {
    #[attr(key = "cache.name", requird)]
    name: String,
    #[attr(colour = "blue")]
    shard: i64,
}

fn main() {}
