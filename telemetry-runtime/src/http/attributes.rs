//! The HTTP server span's name and attributes (semantic conventions v1.41.0, `span.http.server`).

use http::{HeaderMap, Method, Uri, Version, header};
use opentelemetry::KeyValue;

use crate::attribute_limits::untrusted;
use crate::http_semconv::{method, protocol_version, redact_query};

/// The request's attributes known when it arrives.
pub(super) struct RequestAttributes<'a> {
    pub method: &'a Method,
    /// The URI as the client sent it (axum's `OriginalUri` when nested).
    pub uri: &'a Uri,
    pub version: Version,
    pub headers: &'a HeaderMap,
    pub route: Option<&'a str>,
}

impl RequestAttributes<'_> {
    /// The attributes, with room for `extra` more.
    pub(super) fn to_key_values(&self, extra: usize) -> Vec<KeyValue> {
        let mut out = Vec::with_capacity(10 + extra);
        match method(self.method) {
            Some(known) => out.push(KeyValue::new("http.request.method", known)),
            None => {
                out.push(KeyValue::new("http.request.method", "_OTHER"));
                out.push(KeyValue::new(
                    "http.request.method_original",
                    self.method.as_str().to_owned(),
                ));
            }
        }
        // Values from the request are capped (`attribute_limits::UNTRUSTED_VALUE_MAX_CHARS`).
        out.push(KeyValue::new(
            "url.path",
            untrusted(self.uri.path()).into_owned(),
        ));
        if let Some(query) = self.uri.query() {
            out.push(KeyValue::new(
                "url.query",
                untrusted(&redact_query(query)).into_owned(),
            ));
        }
        out.push(KeyValue::new("url.scheme", scheme(self.uri, self.headers)));
        if let Some(route) = self.route {
            out.push(KeyValue::new("http.route", untrusted(route).into_owned()));
        }
        if let Some((host, port)) = server_address(self.uri, self.headers) {
            out.push(KeyValue::new("server.address", host));
            if let Some(port) = port {
                out.push(KeyValue::new("server.port", i64::from(port)));
            }
        }
        if let Some(agent) = self
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
        {
            out.push(KeyValue::new(
                "user_agent.original",
                untrusted(agent).into_owned(),
            ));
        }
        if let Some(version) = protocol_version(self.version) {
            out.push(KeyValue::new("network.protocol.version", version));
        }
        out
    }
}

/// `url.scheme`: the URI's scheme (absolute form, HTTP/2 `:scheme`), else a valid
/// `X-Forwarded-Proto` (the scheme of the original client request behind a proxy), else `http`.
fn scheme(uri: &Uri, headers: &HeaderMap) -> &'static str {
    let given = uri.scheme_str().or_else(|| {
        headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
    });
    match given {
        Some(s) if s.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    }
}

/// `server.address` and `server.port`: the host and port of the URI's authority (HTTP/2
/// `:authority`, absolute form) or of the `Host` header.
fn server_address(uri: &Uri, headers: &HeaderMap) -> Option<(String, Option<u16>)> {
    let authority = match uri.authority() {
        Some(authority) => authority.clone(),
        None => headers
            .get(header::HOST)?
            .to_str()
            .ok()?
            .parse::<http::uri::Authority>()
            .ok()?,
    };
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    (!host.is_empty()).then(|| (host.to_owned(), authority.port_u16()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::Value;

    fn attrs(method: &str, uri: &str, headers: &[(&'static str, &'static str)]) -> Vec<KeyValue> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(*k, v.parse().unwrap());
        }
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let uri: Uri = uri.parse().unwrap();
        RequestAttributes {
            method: &method,
            uri: &uri,
            version: Version::HTTP_11,
            headers: &map,
            route: Some("/users/{id}"),
        }
        .to_key_values(0)
    }

    fn get<'a>(kvs: &'a [KeyValue], key: &str) -> Option<&'a Value> {
        kvs.iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    #[test]
    fn request_attributes() {
        let kvs = attrs(
            "GET",
            "/users/42?q=1&sig=secret&Signature=x",
            &[("host", "example.com:8080"), ("user-agent", "curl/8")],
        );
        assert_eq!(get(&kvs, "http.request.method"), Some(&"GET".into()));
        assert_eq!(get(&kvs, "url.path"), Some(&"/users/42".into()));
        assert_eq!(
            get(&kvs, "url.query"),
            Some(&"q=1&sig=REDACTED&Signature=REDACTED".into())
        );
        assert_eq!(get(&kvs, "url.scheme"), Some(&"http".into()));
        assert_eq!(get(&kvs, "http.route"), Some(&"/users/{id}".into()));
        assert_eq!(get(&kvs, "server.address"), Some(&"example.com".into()));
        assert_eq!(get(&kvs, "server.port"), Some(&Value::I64(8080)));
        assert_eq!(get(&kvs, "user_agent.original"), Some(&"curl/8".into()));
        assert_eq!(get(&kvs, "network.protocol.version"), Some(&"1.1".into()));
        assert_eq!(get(&kvs, "http.request.method_original"), None);
    }

    #[test]
    fn other_method_ipv6_host_and_forwarded_proto() {
        let kvs = attrs(
            "PURGE",
            "/x",
            &[("host", "[::1]"), ("x-forwarded-proto", "https, http")],
        );
        assert_eq!(get(&kvs, "http.request.method"), Some(&"_OTHER".into()));
        assert_eq!(
            get(&kvs, "http.request.method_original"),
            Some(&"PURGE".into())
        );
        assert_eq!(get(&kvs, "server.address"), Some(&"::1".into()));
        assert_eq!(get(&kvs, "server.port"), None);
        assert_eq!(get(&kvs, "url.scheme"), Some(&"https".into()));
        assert_eq!(get(&kvs, "url.query"), None);
        let kvs = attrs("GET", "https://api.example.com/x", &[]);
        assert_eq!(get(&kvs, "url.scheme"), Some(&"https".into()));
        assert_eq!(get(&kvs, "server.address"), Some(&"api.example.com".into()));
    }
}
