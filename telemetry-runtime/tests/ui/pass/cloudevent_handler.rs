//! Every shape `#[cloudevent_handler]` accepts: the event by value or by reference, found by
//! type or named, with more parameters, methods, any return type, every argument.

use telemetry_runtime::cloudevents::Event;
use telemetry_runtime::{CommonAttributes, cloudevent_handler};

#[derive(Clone, Debug, CommonAttributes)]
struct Ids {
    #[attr(key = "gen_ai.agent.id")]
    assistant_id: String,
    #[attr(key = "acme.channel.id", extension = "chan")]
    channel_id: Option<String>,
}

#[cloudevent_handler]
async fn by_value(event: Event) {
    let _ = event;
}

#[cloudevent_handler(common = Ids, system = "kafka", destination = topic)]
async fn by_reference(topic: &str, event: &cloudevents::Event) -> Result<(), std::io::Error> {
    let _ = (topic, event);
    Ok(())
}

#[cloudevent_handler(event = incoming, crate = telemetry_runtime)]
async fn named(retries: u32, incoming: Box<Event>) -> u32 {
    let _ = incoming;
    retries
}

struct Worker;

impl Worker {
    #[cloudevent_handler(system = "nats")]
    async fn handle(&self, mut event: Event) -> Result<String, Box<dyn std::error::Error>> {
        event.set_extension("seen", true);
        Ok(event.to_string())
    }
}

fn main() {
    let _ = (by_value, by_reference, named, Worker::handle);
}
