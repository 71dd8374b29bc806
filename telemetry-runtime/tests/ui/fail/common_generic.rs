use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
struct Ids<T> {
    assistant_id: String,
    extra: T,
}

fn main() {}
