use telemetry_runtime::cloudevent_handler;

#[cloudevent_handler]
struct Handler;

fn main() {}
