use telemetry_runtime::{SpanContract, llm_span};

#[derive(SpanContract)]
#[contract(kind = "cache.lookup")]
struct CacheLookup {
    #[attr(key = "cache.name", required)]
    name: String,
    #[attr(key = "cache.shard", required)]
    shard: i64,
    #[attr(key = "cache.ttl_seconds")]
    ttl: f64,
}

#[llm_span(contract = CacheLookup, shard = 3, ttl = 1.0)]
fn lookup() {}

fn main() {}
