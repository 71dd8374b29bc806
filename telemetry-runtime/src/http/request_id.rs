//! The request id: the client's `X-Request-ID` when valid, else the trace id, else a UUID.

use std::fmt;

use http::{HeaderMap, HeaderValue};
use opentelemetry::trace::TraceId;

/// The request id header, read from requests and set on every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The response header that carries the request's trace id (32 lower-case hex digits).
pub const TRACE_ID_HEADER: &str = "x-trace-id";
/// The longest client request id accepted, in bytes. Longer ids are replaced: an id is a
/// correlation key, not a payload, and it is copied into every response and span.
pub const REQUEST_ID_MAX_LEN: usize = 128;
/// The span attribute that holds the request id: the `X-Request-ID` response header, under
/// the registry's `http.response.header.<key>` (a string array, as the conventions type it).
pub const REQUEST_ID_ATTRIBUTE: &str = "http.response.header.x-request-id";

/// Where a [`RequestId`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestIdSource {
    /// The client's `X-Request-ID` header.
    Client,
    /// The request's trace id (the client sent no valid id).
    TraceId,
    /// A fresh random UUID (no valid client id, and no trace id: telemetry is off).
    Generated,
}

/// The id of one request, echoed in the `X-Request-ID` response header and recorded on the
/// server span as [`REQUEST_ID_ATTRIBUTE`].
///
/// [`TelemetryLayer`](super::TelemetryLayer) puts it into the request's extensions, so a
/// handler reads it with `axum::Extension<RequestId>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId {
    value: HeaderValue,
    source: RequestIdSource,
}

impl RequestId {
    /// The request id of a request with these headers and this trace id: the client's
    /// `X-Request-ID` when it is [valid](Self::is_valid), else the trace id (when valid),
    /// else a random UUID.
    pub fn for_request(headers: &HeaderMap, trace_id: TraceId) -> Self {
        let mut values = headers.get_all(REQUEST_ID_HEADER).iter();
        if let (Some(value), None) = (values.next(), values.next())
            && Self::is_valid(value.as_bytes())
        {
            return RequestId {
                value: value.clone(),
                source: RequestIdSource::Client,
            };
        }
        if trace_id != TraceId::INVALID {
            return RequestId {
                value: header_value(trace_id.to_string()),
                source: RequestIdSource::TraceId,
            };
        }
        RequestId {
            value: header_value(uuid::Uuid::new_v4().to_string()),
            source: RequestIdSource::Generated,
        }
    }

    /// Whether a client's request id is accepted: 1 to [`REQUEST_ID_MAX_LEN`] bytes, each a
    /// visible ASCII character (`!` to `~`; no space, no control character, no non-ASCII).
    /// A request that sends the header more than once has no valid id.
    pub fn is_valid(id: &[u8]) -> bool {
        !id.is_empty()
            && id.len() <= REQUEST_ID_MAX_LEN
            && id.iter().all(|b| (0x21..=0x7e).contains(b))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        // Only visible ASCII is ever stored.
        self.value.to_str().unwrap_or_default()
    }

    /// Where it came from.
    pub fn source(&self) -> RequestIdSource {
        self.source
    }

    /// The id as a header value.
    pub fn header_value(&self) -> &HeaderValue {
        &self.value
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A header value from hex digits, UUIDs and such: always valid.
pub(super) fn header_value(ascii: String) -> HeaderValue {
    HeaderValue::from_str(&ascii).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(REQUEST_ID_HEADER, HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    const TRACE: TraceId = TraceId::from_bytes([0xab; 16]);

    #[test]
    fn client_id_when_valid() {
        let id = RequestId::for_request(&headers(&[b"req-1_A.b~c"]), TRACE);
        assert_eq!(id.as_str(), "req-1_A.b~c");
        assert_eq!(id.source(), RequestIdSource::Client);
        let longest = vec![b'x'; REQUEST_ID_MAX_LEN];
        assert_eq!(
            RequestId::for_request(&headers(&[&longest]), TRACE).source(),
            RequestIdSource::Client
        );
    }

    #[test]
    fn trace_id_when_invalid_or_absent() {
        let too_long = vec![b'x'; REQUEST_ID_MAX_LEN + 1];
        let cases: [&[&[u8]]; 6] = [
            &[],
            &[b"a b"],
            &[b"a\tb"],
            &["é".as_bytes()],
            &[&too_long],
            &[b"one", b"two"],
        ];
        for bad in cases {
            let id = RequestId::for_request(&headers(bad), TRACE);
            assert_eq!(id.as_str(), "abababababababababababababababab", "{bad:?}");
            assert_eq!(id.source(), RequestIdSource::TraceId);
        }
    }

    #[test]
    fn uuid_without_trace() {
        let id = RequestId::for_request(&HeaderMap::new(), TraceId::INVALID);
        assert_eq!(id.source(), RequestIdSource::Generated);
        assert!(uuid::Uuid::parse_str(id.as_str()).is_ok(), "{id}");
        let other = RequestId::for_request(&HeaderMap::new(), TraceId::INVALID);
        assert_ne!(id, other);
    }
}
