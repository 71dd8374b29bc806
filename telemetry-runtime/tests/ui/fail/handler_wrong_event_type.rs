use telemetry_runtime::cloudevent_handler;

#[cloudevent_handler]
async fn on_event(payload: String) {
    let _ = payload;
}

fn main() {}
