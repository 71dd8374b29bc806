use telemetry_runtime::{SpanContract, llm_span};

#[derive(SpanContract)]
struct Lookup {
    #[attr(key = "cache.name", required)]
    name: String,
    #[attr(key = "cache.shard")]
    shard: i64,
}

// The macro does not know a user contract's types: the type system reports these, on the
// value, with the attribute type's message.
#[llm_span(contract = Lookup, name = 5, shard = "three")]
fn lookup() {}

fn main() {}
