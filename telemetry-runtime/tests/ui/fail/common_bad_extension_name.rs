use telemetry_runtime::CommonAttributes;

#[derive(Clone, Debug, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    #[attr(extension = "Assistant-ID")]
    assistant_id: String,
    a_very_long_identifier_name_x: String,
    #[attr(extension = "sessionid")]
    session: String,
    session_id: String,
}

fn main() {}
