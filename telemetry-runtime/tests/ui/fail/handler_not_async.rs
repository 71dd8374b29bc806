use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::Event;

#[cloudevent_handler]
fn on_event(event: Event) {
    let _ = event;
}

fn main() {
    on_event(Event::default()); // still emitted: callers type-check
}
