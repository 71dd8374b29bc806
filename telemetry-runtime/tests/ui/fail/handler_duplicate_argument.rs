use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[cloudevent_handler(system = "nats", system = "kafka", destination)]
async fn on_event(event: Event) {
    let _ = event;
}

fn main() {}
