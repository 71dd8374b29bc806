//! `#[derive(CommonAttributes)]` reading its identifiers from request headers, W3C baggage
//! and CloudEvent extension attributes, all built from the fuzz input. Never a panic; a value
//! that is read is within the limits and writes back to what it was read from.
#![no_main]

use std::borrow::Cow;
use std::collections::HashMap;

use http::HeaderMap;
use libfuzzer_sys::fuzz_target;
use telemetry_runtime::CommonAttributes;
use telemetry_runtime::propagation::Baggage;
use telemetry_runtime::scope::{DEFAULT_MAX_VALUE_LEN, ExtensionSource};

#[derive(Clone, Debug, CommonAttributes)]
struct Ids {
    #[attr(key = "session.id")]
    session_id: Option<String>,
    #[attr(key = "app.tenant.id")]
    tenant_id: String,
    #[attr(key = "app.channel.id", metric)]
    channel_id: Option<String>,
}

struct Extensions(HashMap<String, String>);

impl ExtensionSource for Extensions {
    fn extension_value(&self, name: &str) -> Option<Cow<'_, str>> {
        self.0.get(name).map(|v| Cow::Borrowed(v.as_str()))
    }
}

fn check(ids: &Ids) {
    for value in [
        Some(&ids.tenant_id),
        ids.session_id.as_ref(),
        ids.channel_id.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        assert!(!value.is_empty() && value.len() <= DEFAULT_MAX_VALUE_LEN);
    }
}

fuzz_target!(|data: &[u8]| {
    // Lines of `name: value` (header name bytes as given), the last line a baggage header.
    let text = String::from_utf8_lossy(data);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let baggage = lines.pop().unwrap_or_default();
    let mut headers = HeaderMap::new();
    let mut extensions = HashMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        extensions.insert(name.to_owned(), value.to_owned());
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    if let Ok(ids) = Ids::from_headers(&headers) {
        check(&ids);
        let mut written = HeaderMap::new();
        ids.to_headers(&mut written);
        let back = Ids::from_headers(&written).expect("what was read writes back");
        assert_eq!(back.tenant_id, ids.tenant_id);
        let _ = ids.attributes();
        let _ = ids.log_fields();
        let _ = ids.metric_dimensions();
    }
    let baggage = Baggage::parse(baggage);
    if let Ok(ids) = Ids::from_baggage(&baggage) {
        check(&ids);
    }
    if let Ok(ids) = Ids::from_extensions(&Extensions(extensions)) {
        check(&ids);
    }
});
