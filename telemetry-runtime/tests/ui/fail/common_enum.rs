use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
enum Ids {
    Assistant(String),
    User(String),
}

fn main() {}
