use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
struct Lookup(String, i64);

fn main() {}
