//! [`RequestTelemetry`]: one request's server span, scope and ids, from the moment the request
//! arrives until its response body is done.

use std::time::Instant;

use http::HeaderValue;
use http::response::Parts;
use opentelemetry::metrics::Histogram;
use opentelemetry::trace::{Status, TraceContextExt};
use opentelemetry::{Context, KeyValue};

use super::request_id::{REQUEST_ID_HEADER, TRACE_ID_HEADER};
use crate::scope::Frame;

/// The `error.type` of a response body that failed while being sent.
pub(super) const BODY_ERROR: &str = "response_body_error";
/// The `error.type` of a request whose handler panicked.
pub(super) const PANIC: &str = "panic";
/// The `error.type` of an error returned by the inner service (no response at all).
pub(super) const OTHER: &str = "_OTHER";

/// One request's `http.server.request.duration` measurement: from the request's arrival to
/// the end of its response body.
pub(super) struct RequestMetrics {
    histogram: &'static Histogram<f64>,
    start: Instant,
    attributes: Vec<KeyValue>,
}

impl RequestMetrics {
    pub(super) fn start(histogram: &'static Histogram<f64>, attributes: Vec<KeyValue>) -> Self {
        RequestMetrics {
            histogram,
            start: Instant::now(),
            attributes,
        }
    }

    fn record(self) {
        self.histogram
            .record(self.start.elapsed().as_secs_f64(), &self.attributes);
    }
}

/// Owns the server span: ends it when the response body is complete, when the body or the
/// response future is dropped, or on panic. Records the request's duration metric then.
pub(super) struct RequestTelemetry {
    /// The extracted parent context (baggage included) with the server span.
    cx: Context,
    frame: Option<Frame>,
    request_id: HeaderValue,
    trace_id: Option<HeaderValue>,
    metrics: Option<RequestMetrics>,
    error_set: bool,
    ended: bool,
}

impl RequestTelemetry {
    pub(super) fn new(
        cx: Context,
        frame: Option<Frame>,
        request_id: HeaderValue,
        trace_id: Option<HeaderValue>,
        metrics: Option<RequestMetrics>,
    ) -> Self {
        RequestTelemetry {
            cx,
            frame,
            request_id,
            trace_id,
            metrics,
            error_set: false,
            ended: false,
        }
    }

    /// Runs `f` with the server span's context attached and the request scope current.
    #[inline]
    pub(super) fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _attached = self.cx.clone().attach();
        match &self.frame {
            Some(frame) => frame.enter(f),
            None => f(),
        }
    }

    /// Adds `X-Request-ID` and `X-Trace-Id`, and records the status code (and for 5xx the
    /// error) on the span.
    pub(super) fn on_response(&mut self, parts: &mut Parts) {
        parts
            .headers
            .insert(REQUEST_ID_HEADER, self.request_id.clone());
        if let Some(trace_id) = &self.trace_id {
            parts.headers.insert(TRACE_ID_HEADER, trace_id.clone());
        }
        let status = parts.status;
        let status_code = KeyValue::new("http.response.status_code", i64::from(status.as_u16()));
        if let Some(metrics) = &mut self.metrics {
            metrics.attributes.push(status_code.clone());
        }
        self.cx.span().set_attribute(status_code);
        if status.is_server_error() {
            self.fail_with(status.as_str().to_owned());
        }
    }

    /// Marks the request as failed with this `error.type` (only the first error counts).
    pub(super) fn fail(&mut self, error_type: &'static str) {
        self.fail_with(error_type.to_owned());
    }

    fn fail_with(&mut self, error_type: String) {
        if self.error_set {
            return;
        }
        self.error_set = true;
        let error_type = KeyValue::new("error.type", error_type);
        if let Some(metrics) = &mut self.metrics {
            metrics.attributes.push(error_type.clone());
        }
        let span = self.cx.span();
        span.set_attribute(error_type);
        span.set_status(Status::error(""));
    }

    /// Ends the span (once).
    pub(super) fn end(&mut self) {
        if !self.ended {
            self.ended = true;
            self.cx.span().end();
            if let Some(metrics) = self.metrics.take() {
                metrics.record();
            }
        }
    }
}

impl Drop for RequestTelemetry {
    fn drop(&mut self) {
        if !self.ended && std::thread::panicking() {
            self.fail(PANIC);
        }
        self.end();
    }
}
