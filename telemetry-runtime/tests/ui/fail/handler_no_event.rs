use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[cloudevent_handler]
async fn on_event() {}

#[cloudevent_handler(event = evt)]
async fn misnamed(event: Event) {
    let _ = event;
}

#[cloudevent_handler]
async fn destructured((a, b): (Event, u8)) {
    let _ = (a, b);
}

fn main() {}
