//! The HTTP/protobuf transport of the toolkit's span exporter ([`EncodedSpanExporter`]): the
//! encoded request POSTed to the signal's URL with reqwest, the collector's
//! `ExportTraceServiceResponse` read back for partial successes.
//!
//! As the OTLP/HTTP specification says: `429`, `502`, `503` and `504` are retried (after the
//! collector's `Retry-After`, in seconds or as a date, when it sends one), a connection that
//! fails is retried, every other status is final. Errors name the status
//! and the transport's own text, never the collector's body (it may echo what was sent) nor
//! the URL (it may hold credentials). The response body is read up to 64 KiB: a collector
//! that sends more is taken at its status.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;

use super::encoded_span_exporter::{EncodedSpanExporter, Failure, Retry, SpanTransport};
use super::otlp::BuildError;
use crate::config::SignalConfig;

/// The response body read at most.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Sends encoded trace requests to an OTLP/HTTP collector.
pub(crate) struct HttpTransport {
    client: reqwest_otlp::Client,
    url: reqwest_otlp::Url,
    headers: HeaderMap,
}

/// The span exporter over HTTP/protobuf.
pub(crate) type HttpSpanExporter = EncodedSpanExporter<HttpTransport>;

/// An exporter to the configured endpoint (the signal's URL, `/v1/traces` included).
pub(crate) fn exporter(config: &SignalConfig) -> Result<HttpSpanExporter, BuildError> {
    let endpoint = config.endpoint.as_deref().unwrap_or_default();
    let url = reqwest_otlp::Url::parse(endpoint).map_err(|e| {
        format!(
            "invalid HTTP endpoint `{}`: {e}",
            crate::redaction_rules::scrub_userinfo(endpoint)
        )
    })?;
    let mut headers = super::otlp::header_map(config)?;
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-protobuf"),
    );
    let transport = HttpTransport {
        client: super::tls::http_client(config)?,
        url,
        headers,
    };
    Ok(EncodedSpanExporter::new(transport, config.timeout))
}

impl SpanTransport for HttpTransport {
    async fn send(&self, request: Bytes) -> Result<ExportTraceServiceResponse, Failure> {
        let response = self
            .client
            .post(self.url.clone())
            .headers(self.headers.clone())
            .body(request)
            .send()
            .await
            .map_err(|e| Failure {
                retry: Retry::Backoff,
                error: transport_error(e),
            })?;
        let status = response.status();
        if !status.is_success() {
            let retry = match status.as_u16() {
                429 | 502 | 503 | 504 => {
                    retry_after(response.headers(), std::time::SystemTime::now())
                        .map_or(Retry::Backoff, Retry::Throttled)
                }
                _ => Retry::Never,
            };
            return Err(Failure {
                retry,
                error: format!("OTLP HTTP trace export failed with status {status}"),
            });
        }
        Ok(read_response(response).await)
    }
}

/// `Retry-After`, in seconds or as an HTTP date (RFC 9110) after `now`; `None` (the
/// back-off) when absent, unreadable, zero or past.
fn retry_after(headers: &HeaderMap, now: std::time::SystemTime) -> Option<std::time::Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => std::time::Duration::from_secs(seconds),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(now)
            .ok()?,
    };
    Some(delay).filter(|d| !d.is_zero())
}

/// The collector's response, for its partial success; an empty or unreadable one (or one
/// over [`MAX_RESPONSE_BYTES`]) is a full success, as its status says.
async fn read_response(mut response: reqwest_otlp::Response) -> ExportTraceServiceResponse {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_RESPONSE_BYTES => {
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Ok(Some(_)) | Err(_) => return ExportTraceServiceResponse::default(),
        }
    }
    ExportTraceServiceResponse::decode(body.as_slice()).unwrap_or_default()
}

/// The transport's error chain, without the URL.
fn transport_error(error: reqwest_otlp::Error) -> String {
    let error = error.without_url();
    let mut message = format!("OTLP HTTP trace export failed: {error}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date() {
        use std::time::{Duration, SystemTime};
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_792_000_000);
        let at = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            retry_after(&headers, now)
        };
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
        assert_eq!(at(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(at("0"), None);
        assert_eq!(at("-3"), None);
        assert_eq!(at("soon"), None);
        let in_90_s = httpdate::fmt_http_date(now + Duration::from_secs(90));
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&in_90_s).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }
}
