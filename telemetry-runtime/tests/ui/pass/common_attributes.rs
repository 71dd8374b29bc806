//! `#[derive(CommonAttributes)]`: the options, the runtime under another name, raw field
//! names, and use through the trait and the request scope.

use telemetry_runtime::CommonAttributes;
use telemetry_runtime::scope::HeaderMap;

mod reexport {
    pub use telemetry_runtime as runtime;
}

#[derive(Clone, Debug, CommonAttributes)]
#[common_attributes(prefix = "x-acme-", namespace = "acme")]
pub struct Ids {
    assistant_id: String,
    #[attr(header = "x-session", key = "session.id")]
    session_id: Option<String>,
    #[attr(metric)]
    #[attr(key = "app.channel")]
    channel_id: String,
    r#type: Option<String>,
}

#[derive(Clone, Debug, reexport::runtime::CommonAttributes)]
#[common_attributes(crate = reexport::runtime, namespace = "acme.billing")]
struct Renamed {
    tenant_id: String,
}

#[derive(Clone, Debug, CommonAttributes)]
struct Empty {}

fn generic<T: telemetry_runtime::scope::CommonAttributes>(headers: &HeaderMap) -> Option<T> {
    T::from_headers(headers).ok()
}

fn main() {
    let mut headers = HeaderMap::new();
    headers.insert("x-acme-assistant-id", "a".parse().unwrap());
    headers.insert("x-acme-channel-id", "web".parse().unwrap());
    headers.insert("x-acme-type", "t".parse().unwrap());
    headers.insert("x-tenant-id", "t-1".parse().unwrap());
    let ids: Ids = generic(&headers).unwrap();
    assert_eq!(ids.r#type.as_deref(), Some("t"));
    assert_eq!(ids.log_fields()[2].0, "type");
    assert_eq!(ids.attributes()[2].key.as_str(), "acme.type");
    assert_eq!(ids.metric_dimensions().len(), 1);
    assert!(generic::<Renamed>(&headers).is_some());
    assert!(Empty::from_headers(&headers).unwrap().attributes().is_empty());
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let seen = rt.block_on(telemetry_runtime::scope::with(ids, async {
        telemetry_runtime::scope::current::<Ids>().map(|ids| ids.assistant_id)
    }));
    assert_eq!(seen.as_deref(), Some("a"));
}
