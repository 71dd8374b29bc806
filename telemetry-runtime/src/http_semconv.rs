//! What the HTTP server layer and the HTTP client middleware share: the semantic conventions'
//! (v1.41.0) HTTP method names, span names, protocol versions and query redaction.

use http::{Method, Version};

/// `http.request.method`: the known methods as they are, `None` for any other (recorded as
/// `_OTHER`, with `http.request.method_original`).
pub(crate) fn method(method: &Method) -> Option<&'static str> {
    Some(match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::CONNECT => "CONNECT",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::PATCH => "PATCH",
        _ if method.as_str() == "QUERY" => "QUERY",
        _ => return None,
    })
}

/// The span name: `{method} {target}` (the server's route, the client's URL template),
/// `{method}` without one; `HTTP` stands for a method the conventions do not know.
pub(crate) fn span_name(method: Option<&'static str>, target: Option<&str>) -> String {
    let method = method.unwrap_or("HTTP");
    match target {
        Some(target) => format!("{method} {target}"),
        None => method.to_owned(),
    }
}

/// `network.protocol.version`.
pub(crate) fn protocol_version(version: Version) -> Option<&'static str> {
    Some(match version {
        Version::HTTP_09 => "0.9",
        Version::HTTP_10 => "1.0",
        Version::HTTP_11 => "1.1",
        Version::HTTP_2 => "2",
        Version::HTTP_3 => "3",
        _ => return None,
    })
}

/// Whether the value of the query key `key` (as written, possibly percent-encoded) is
/// replaced: a credential key or a content key ([`crate::redaction`]).
pub(crate) fn is_sensitive_key(key: &str) -> bool {
    if crate::redaction::is_sensitive_query_key(key) {
        return true;
    }
    // `si%67=` is `sig=`: judge the decoded key too (`+` is a space in a query).
    key.contains(['%', '+'])
        && crate::percent::percent_decode(&key.replace('+', " "))
            .is_ok_and(|decoded| crate::redaction::is_sensitive_query_key(&decoded))
}

/// The query with the values of the sensitive keys ([`is_sensitive_key`]) replaced by
/// `REDACTED` (the keys kept); anything else as it is.
pub(crate) fn redact_query(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) if is_sensitive_key(key) => {
                out.push_str(key);
                out.push_str("=REDACTED");
            }
            _ => out.push_str(pair),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_methods_and_versions() {
        assert_eq!(
            span_name(Some("GET"), Some("/users/{id}")),
            "GET /users/{id}"
        );
        assert_eq!(span_name(Some("POST"), None), "POST");
        assert_eq!(span_name(None, Some("/x")), "HTTP /x");
        assert_eq!(span_name(None, None), "HTTP");
        assert_eq!(
            method(&Method::from_bytes(b"QUERY").unwrap()),
            Some("QUERY")
        );
        assert_eq!(method(&Method::from_bytes(b"get").unwrap()), None);
        assert_eq!(method(&Method::from_bytes(b"PURGE").unwrap()), None);
        assert_eq!(protocol_version(Version::HTTP_11), Some("1.1"));
        assert_eq!(protocol_version(Version::HTTP_2), Some("2"));
    }

    #[test]
    fn sensitive_query_values_are_redacted() {
        assert_eq!(
            redact_query("sig=abc&x=1&Signature=s&AWSAccessKeyId=k&X-Goog-Signature=g&SIG=also"),
            "sig=REDACTED&x=1&Signature=REDACTED&AWSAccessKeyId=REDACTED&X-Goog-Signature=REDACTED&SIG=REDACTED"
        );
        assert_eq!(redact_query("a&sig"), "a&sig");
        // The common credential keys, the content keys, and percent-encoded keys.
        assert_eq!(
            redact_query(
                "key=AIza&api_key=1&apikey=2&api-key=3&token=4&access_token=5&code=6&q=ok"
            ),
            "key=REDACTED&api_key=REDACTED&apikey=REDACTED&api-key=REDACTED&token=REDACTED&access_token=REDACTED&code=REDACTED&q=ok"
        );
        assert_eq!(
            redact_query("prompt=hi&user_messages=x&si%67=s&pass%77ord=p&monkey=m"),
            "prompt=REDACTED&user_messages=REDACTED&si%67=REDACTED&pass%77ord=REDACTED&monkey=m"
        );
    }
}
