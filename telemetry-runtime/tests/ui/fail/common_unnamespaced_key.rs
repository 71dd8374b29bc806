use telemetry_runtime::CommonAttributes;

// A key is a span attribute, a metric dimension and a baggage member: it needs a namespace.
#[derive(Clone, CommonAttributes)]
struct Ids {
    session_id: String,
    tenant_id: String,
    #[attr(key = "channel")]
    channel_id: Option<String>,
}

#[derive(Clone, CommonAttributes)]
#[common_attributes(namespace = "Acme-Corp")]
struct BadNamespace {
    tenant_id: String,
}

fn main() {}
