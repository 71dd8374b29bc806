use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[derive(Clone)]
struct Ids;

#[cloudevent_handler(common = Ids)]
async fn on_event(event: Event) {
    let _ = event;
}

fn main() {}
