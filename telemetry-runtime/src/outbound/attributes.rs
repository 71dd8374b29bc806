//! The HTTP client span's name and attributes (semantic conventions v1.41.0,
//! `span.http.client`).

use std::error::Error as _;

use http::Method;
use opentelemetry::KeyValue;
use url::Url;

use crate::http_semconv::{is_sensitive_key, redact_query};

/// The attributes known before the request is sent (the sampler sees them).
pub(super) fn request_attributes(
    method: &Method,
    url: &Url,
    template: Option<&str>,
    resend_count: u32,
) -> Vec<KeyValue> {
    let mut out = Vec::with_capacity(7);
    match crate::http_semconv::method(method) {
        Some(known) => out.push(KeyValue::new("http.request.method", known)),
        None => {
            out.push(KeyValue::new("http.request.method", "_OTHER"));
            out.push(KeyValue::new(
                "http.request.method_original",
                method.as_str().to_owned(),
            ));
        }
    }
    if let Some(host) = url.host_str() {
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        out.push(KeyValue::new("server.address", host.to_owned()));
    }
    if let Some(port) = url.port_or_known_default() {
        out.push(KeyValue::new("server.port", i64::from(port)));
    }
    out.push(KeyValue::new("url.full", full_url(url)));
    if let Some(template) = template {
        out.push(KeyValue::new("url.template", template.to_owned()));
    }
    if resend_count > 0 {
        out.push(KeyValue::new(
            "http.request.resend_count",
            i64::from(resend_count),
        ));
    }
    out
}

/// `url.full`: the URL with its credentials replaced by `REDACTED:REDACTED` and the values of
/// the sensitive query keys by `REDACTED` (the keys kept); anything else as it is.
pub(super) fn full_url(url: &Url) -> String {
    let credentials = !url.username().is_empty() || url.password().is_some();
    let query = url.query().filter(|q| has_sensitive_key(q));
    if !credentials && query.is_none() {
        return url.as_str().to_owned();
    }
    let mut redacted = url.clone();
    if credentials {
        // Only a URL that cannot have credentials refuses them, and it had none.
        let _ = redacted.set_username("REDACTED");
        let _ = redacted.set_password(Some("REDACTED"));
    }
    if let Some(query) = query {
        redacted.set_query(Some(&redact_query(query)));
    }
    redacted.into()
}

fn has_sensitive_key(query: &str) -> bool {
    query
        .split('&')
        .any(|pair| is_sensitive_key(pair.split_once('=').map_or(pair, |(k, _)| k)))
}

/// `error.type` of a request that got no response: the kind of the reqwest error, `_OTHER`
/// for the error of another middleware or a kind not listed.
pub(super) fn error_type(error: &reqwest_middleware::Error) -> &'static str {
    match error {
        reqwest_middleware::Error::Reqwest(error) => reqwest_error_type(error),
        _ => "_OTHER",
    }
}

/// `error.type` of a reqwest error: its kind (`timeout`, `dns`, `connect`, ...), `_OTHER`
/// for a kind not listed.
pub(crate) fn reqwest_error_type(error: &reqwest_middleware::reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_dns() {
        "dns"
    } else if error.is_connect() {
        "connect"
    } else if error.is_redirect() {
        "redirect"
    } else if error.is_body() {
        "body"
    } else if error.is_decode() {
        "decode"
    } else if error.is_builder() {
        "builder"
    } else if error.is_request() {
        "request"
    } else {
        "_OTHER"
    }
}

/// The longest span status description, in bytes.
const MAX_DESCRIPTION: usize = 256;

/// The span status description of a request that got no response.
///
/// An error's text is content (see [`ErrorType`](crate::span::ErrorType)): unless `text`
/// (content capture includes spans), the description is the fixed phrase
/// `request failed: {error.type}`. With `text`, it is the messages of the error's causes
/// (`tcp connect error: Connection refused (os error 111)`), without reqwest's own message,
/// which repeats the URL and so could carry credentials or signed query values.
pub(super) fn error_description(error: &reqwest_middleware::Error, text: bool) -> String {
    if !text {
        return format!("request failed: {}", error_type(error));
    }
    let mut out = String::new();
    let mut source = match error {
        reqwest_middleware::Error::Reqwest(error) => error.source(),
        reqwest_middleware::Error::Middleware(error) => Some(error.as_ref()),
    };
    while let Some(cause) = source {
        let message = cause.to_string();
        // Wrappers often end with their cause's message: keep each message once.
        if !out.contains(&message) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&message);
        }
        source = cause.source();
    }
    if out.is_empty() {
        out.push_str(error_type(error));
    }
    crate::redaction::text::truncate_owned(&mut out, MAX_DESCRIPTION);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::Value;

    fn get<'a>(kvs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
        kvs.iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    fn attrs(method: &str, url: &str, template: Option<&str>, resend: u32) -> Vec<KeyValue> {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        request_attributes(&method, &url.parse().unwrap(), template, resend)
    }

    #[test]
    fn attributes_with_their_types() {
        let kvs = attrs("GET", "http://api.example.com/v1/chat?q=1", None, 0);
        assert_eq!(get(&kvs, "http.request.method"), Some(&"GET".into()));
        assert_eq!(get(&kvs, "server.address"), Some(&"api.example.com".into()));
        assert_eq!(get(&kvs, "server.port"), Some(&Value::I64(80)));
        assert_eq!(
            get(&kvs, "url.full"),
            Some(&"http://api.example.com/v1/chat?q=1".into())
        );
        assert_eq!(get(&kvs, "url.template"), None);
        assert_eq!(get(&kvs, "http.request.resend_count"), None);
        assert_eq!(get(&kvs, "http.request.method_original"), None);

        let kvs = attrs("PURGE", "https://[::1]:8443/x", Some("/x"), 2);
        assert_eq!(get(&kvs, "http.request.method"), Some(&"_OTHER".into()));
        assert_eq!(
            get(&kvs, "http.request.method_original"),
            Some(&"PURGE".into())
        );
        assert_eq!(get(&kvs, "server.address"), Some(&"::1".into()));
        assert_eq!(get(&kvs, "server.port"), Some(&Value::I64(8443)));
        assert_eq!(get(&kvs, "url.template"), Some(&"/x".into()));
        assert_eq!(get(&kvs, "http.request.resend_count"), Some(&Value::I64(2)));
        assert_eq!(
            get(&kvs, "server.port"),
            Some(&Value::I64(8443)),
            "explicit port"
        );
        let kvs = attrs("GET", "https://example.com/", None, 0);
        assert_eq!(get(&kvs, "server.port"), Some(&Value::I64(443)));
    }

    #[test]
    fn url_full_redacts_credentials_and_signed_query_values() {
        let full = |url: &str| full_url(&url.parse().unwrap());
        assert_eq!(
            full("https://alice:s3cret@example.com/path?color=blue&sig=abc#frag"),
            "https://REDACTED:REDACTED@example.com/path?color=blue&sig=REDACTED#frag"
        );
        assert_eq!(
            full("https://token@example.com/"),
            "https://REDACTED:REDACTED@example.com/"
        );
        assert_eq!(
            full(
                "http://s3.example.com/o?AWSAccessKeyId=AK&Signature=x%2Fy&X-Goog-Signature=z&Expires=1"
            ),
            "http://s3.example.com/o?AWSAccessKeyId=REDACTED&Signature=REDACTED&X-Goog-Signature=REDACTED&Expires=1"
        );
        // Keys ignore case; a key without a value is left as it is.
        assert_eq!(
            full("http://example.com/?SIG=1&signature=2&sig&api_key=k&prompt=p"),
            "http://example.com/?SIG=REDACTED&signature=REDACTED&sig&api_key=REDACTED&prompt=REDACTED"
        );
        assert_eq!(full("http://example.com/a?b=c"), "http://example.com/a?b=c");
    }
}
