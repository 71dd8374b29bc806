use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
struct Ids;

fn main() {}
