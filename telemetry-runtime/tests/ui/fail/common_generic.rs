use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids<T> {
    assistant_id: String,
    extra: T,
}

fn main() {}
