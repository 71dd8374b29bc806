//! Writing propagation headers into an HTTP header map.

use http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::propagation::Injector;

/// An OpenTelemetry [`Injector`] over HTTP headers: sets (replaces) a header. A name or value
/// HTTP cannot carry is skipped, never a panic.
pub(crate) struct HeaderInjector<'a>(pub(crate) &'a mut HeaderMap);

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injector_skips_what_http_cannot_carry() {
        let mut headers = HeaderMap::new();
        let mut injector = HeaderInjector(&mut headers);
        injector.set("traceparent", "00-a-b-01".to_owned());
        injector.set("traceparent", "00-c-d-01".to_owned());
        injector.set("bad name", "v".to_owned());
        injector.set("x-line", "a\r\nb".to_owned());
        assert_eq!(headers.len(), 1);
        assert_eq!(headers["traceparent"], "00-c-d-01");
    }
}
