//! An OpenTelemetry [`Extractor`] over an HTTP header map that yields every value of a header.

use http::HeaderMap;
use opentelemetry::propagation::Extractor;

/// Reads propagation headers from an [`http::HeaderMap`], all values of a header included
/// (so two `traceparent` headers are seen as two, and a new trace starts). A value that is not
/// visible ASCII is read as an empty (invalid) value rather than skipped.
#[derive(Debug, Clone, Copy)]
pub struct HeaderExtractor<'a>(pub &'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.to_str().unwrap_or_default())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }

    fn get_all(&self, key: &str) -> Option<Vec<&str>> {
        let values: Vec<&str> = self
            .0
            .get_all(key)
            .iter()
            .map(|v| v.to_str().unwrap_or_default())
            .collect();
        (!values.is_empty()).then_some(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::strict_w3c_propagators;
    use opentelemetry::propagation::TextMapPropagator;
    use opentelemetry::trace::TraceContextExt;

    const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn one_traceparent_is_extracted_two_are_not() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        let cx = strict_w3c_propagators().extract(&HeaderExtractor(&headers));
        assert!(cx.span().span_context().is_remote());

        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        let cx = strict_w3c_propagators().extract(&HeaderExtractor(&headers));
        assert!(!cx.span().span_context().is_valid());
    }

    #[test]
    fn a_non_ascii_value_still_counts() {
        let mut headers = HeaderMap::new();
        headers.append("traceparent", TRACEPARENT.parse().unwrap());
        headers.append(
            "traceparent",
            http::HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        let cx = strict_w3c_propagators().extract(&HeaderExtractor(&headers));
        assert!(!cx.span().span_context().is_valid());
    }
}
