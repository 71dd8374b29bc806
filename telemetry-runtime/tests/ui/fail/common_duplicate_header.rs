use telemetry_runtime::CommonAttributes;

#[derive(Clone, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    user_id: String,
    // Header names are case-insensitive: this is `x-user-id` again.
    #[attr(header = "X-User-Id")]
    end_user: Option<String>,
    #[attr(header = "x-session")]
    session_id: String,
    #[attr(header = "x-session")]
    conversation_id: String,
}

fn main() {}
