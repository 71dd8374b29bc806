use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
enum Lookup {
    Hit,
    Miss,
}

fn main() {}
