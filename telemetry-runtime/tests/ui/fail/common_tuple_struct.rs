use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
struct Ids(String, Option<String>);

fn main() {}
