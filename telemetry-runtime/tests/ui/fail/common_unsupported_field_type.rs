use telemetry_runtime::CommonAttributes;
use telemetry_runtime::scope::HeaderMap;

#[derive(Clone, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    assistant_id: String,
    retries: u64,
    session_id: Option<u32>,
    user_id: &'static str,
    tags: Vec<String>,
    channel_id: Option<Option<String>>,
}

fn main() {
    // The type still implements the trait: no further error here.
    let _ = Ids::from_headers(&HeaderMap::new());
}
