use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
#[common_attributes(namespace = "acme")]
#[common_attributes(prefx = "x-acme-")]
struct Ids {
    #[attr(heder = "x-asst")]
    assistant_id: String,
    #[attr(colour = "blue", metrc)]
    channel_id: String,
}

fn main() {}
