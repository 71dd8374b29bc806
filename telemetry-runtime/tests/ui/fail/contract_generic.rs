use telemetry_runtime::SpanContract;

#[derive(SpanContract)]
struct Lookup<T> {
    name: String,
    marker: std::marker::PhantomData<T>,
}

fn main() {}
