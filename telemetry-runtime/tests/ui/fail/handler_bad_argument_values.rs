use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[cloudevent_handler(system = "NATS Server", event = "event", common = 42)]
async fn on_event(event: Event) {
    let _ = event;
}

fn main() {}
