use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[cloudevent_handler(sytem = "nats", queue = "orders")]
async fn on_event(event: Event) {
    let _ = event;
}

fn main() {}
