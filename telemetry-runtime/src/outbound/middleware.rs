//! [`TracingMiddleware`]: the `CLIENT` span and the propagation headers of each outgoing
//! request.

use std::any::{TypeId, type_name};
use std::fmt;
use std::sync::LazyLock;

use http::{Extensions, HeaderMap};
use opentelemetry::context::FutureExt as _;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanBuilder, SpanKind, Status, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use reqwest_middleware::reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use super::attributes::{error_description, error_type, request_attributes};
use super::carrier::add_missing;
use super::template::UrlTemplate;
use crate::http_semconv::{method, protocol_version, span_name};
use crate::propagation::Inject;
use crate::propagation::{
    BAGGAGE_HEADER, StrictBaggagePropagator, StrictW3cPropagator, TRACESTATE_HEADER,
};
use crate::scope::CommonAttributes;

/// A [`reqwest_middleware`] middleware that records each outgoing request as a `CLIENT` span
/// and sends the W3C trace context with it (see [the module](super) for the span, its
/// attributes and the header rules).
///
/// ```no_run
/// use telemetry_runtime::CommonAttributes;
/// use telemetry_runtime::outbound::TracingMiddleware;
/// use telemetry_runtime::outbound::reqwest_middleware::{reqwest, ClientBuilder};
///
/// #[derive(Clone, CommonAttributes)]
/// #[common_attributes(namespace = "acme")]
/// struct Ids {
///     assistant_id: String,        // sent as x-assistant-id
///     session_id: Option<String>,  // sent as x-session-id when present
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ClientBuilder::new(reqwest::Client::new())
///     .with(
///         TracingMiddleware::new()
///             .forward_baggage(true)                // the context's `baggage`
///             .forward_common_attributes::<Ids>(),  // the request scope's `Ids`
///     )
///     .build();
/// // Inside a request served by `http::TelemetryLayer::new().with_common_attributes::<Ids>()`,
/// // this call continues the request's trace and forwards its baggage and identifiers.
/// client.post("http://tools.internal/v1/run").body("{}").send().await?;
/// # Ok(()) }
/// ```
///
/// By default only `traceparent` and `tracestate` are sent: baggage and identifiers can be
/// personal or internal data, and a request to a third party should not carry them unless
/// asked to.
#[derive(Clone, Default)]
pub struct TracingMiddleware {
    forward_baggage: bool,
    common: Vec<CommonWriter>,
}

/// Writes the current scope's value of one [`CommonAttributes`] type as headers.
#[derive(Clone, Copy)]
struct CommonWriter {
    type_id: TypeId,
    type_name: &'static str,
    write: fn(&mut HeaderMap),
}

fn write_common<T: CommonAttributes>(headers: &mut HeaderMap) {
    crate::scope::with_current::<T, _>(|value| value.to_headers(headers));
}

impl fmt::Debug for TracingMiddleware {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TracingMiddleware")
            .field("forward_baggage", &self.forward_baggage)
            .field(
                "forward_common_attributes",
                &self.common.iter().map(|c| c.type_name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl TracingMiddleware {
    /// A middleware that sends the trace context only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also sends the current context's W3C baggage (`baggage`, with the strict encoder
    /// [`StrictBaggagePropagator`]), unless the request already has a `baggage` header.
    /// Off by default.
    pub fn forward_baggage(mut self, forward: bool) -> Self {
        self.forward_baggage = forward;
        self
    }

    /// Also sends the current request scope's `T` ([`scope::current::<T>()`](crate::scope::current))
    /// as headers, through [`CommonAttributes::to_headers`]; a header the request already has
    /// is left as it is, and nothing is sent outside a scope of `T`. May be called for more
    /// than one type. None by default.
    pub fn forward_common_attributes<T: CommonAttributes>(mut self) -> Self {
        let type_id = TypeId::of::<T>();
        if !self.common.iter().any(|c| c.type_id == type_id) {
            self.common.push(CommonWriter {
                type_id,
                type_name: type_name::<T>(),
                write: write_common::<T>,
            });
        }
        self
    }

    /// Starts the `CLIENT` span of `request`, a child of the current context, and writes the
    /// propagation headers. Returns the context holding the span.
    fn start(&self, request: &mut Request, extensions: &mut Extensions) -> Context {
        let parent = Context::current();
        let resend_count = match extensions.get_mut::<Attempts>() {
            Some(attempts) => {
                attempts.0 = attempts.0.saturating_add(1);
                attempts.0
            }
            None => {
                extensions.insert(Attempts(0));
                0
            }
        };
        let template = extensions
            .get::<UrlTemplate>()
            .map(UrlTemplate::as_str)
            .filter(|template| !template.is_empty());
        let builder = SpanBuilder::from_name(span_name(method(request.method()), template))
            .with_kind(SpanKind::Client)
            .with_attributes(request_attributes(
                request.method(),
                request.url(),
                template,
                resend_count,
            ));
        let cx = match crate::span::tracer::current() {
            Some(tracer) => parent.with_span(tracer.build_with_context(builder, &parent)),
            None => {
                let tracer = opentelemetry::global::tracer(crate::constants::INSTRUMENTATION_SCOPE);
                parent.with_span(tracer.build_with_context(builder, &parent))
            }
        };
        self.inject(&cx, request.headers_mut());
        cx
    }

    fn inject(&self, cx: &Context, headers: &mut HeaderMap) {
        let (w3c, baggage) = &*PROPAGATORS;
        if cx.span().span_context().is_valid() {
            // The trace context headers must name this span: a `tracestate` of another trace
            // (or of none) must not go out beside its `traceparent`.
            headers.remove(TRACESTATE_HEADER);
            w3c.inject_context(cx, &mut Inject(&mut *headers));
        }
        if self.forward_baggage && !headers.contains_key(BAGGAGE_HEADER) {
            baggage.inject_context(cx, &mut Inject(&mut *headers));
        }
        if !self.common.is_empty() {
            let mut extra = HeaderMap::new();
            for common in &self.common {
                (common.write)(&mut extra);
            }
            add_missing(headers, extra);
        }
    }
}

static PROPAGATORS: LazyLock<(StrictW3cPropagator, StrictBaggagePropagator)> =
    LazyLock::new(|| (StrictW3cPropagator::new(), StrictBaggagePropagator::new()));

/// How many times this request has passed the middleware before (a retry middleware placed
/// before it sends the same request again with the same extensions).
#[derive(Clone, Copy)]
struct Attempts(u32);

/// Owns the `CLIENT` span: ends it when dropped, so a request future dropped before its
/// response (a timeout around it, a cancelled task) still ends its span.
struct ClientSpan(Context);

impl ClientSpan {
    fn record(&self, result: &reqwest_middleware::Result<Response>) {
        let span = self.0.span();
        if !span.is_recording() {
            return;
        }
        match result {
            Ok(response) => {
                let status = response.status();
                span.set_attribute(KeyValue::new(
                    "http.response.status_code",
                    i64::from(status.as_u16()),
                ));
                if let Some(version) = protocol_version(response.version()) {
                    span.set_attribute(KeyValue::new("network.protocol.version", version));
                }
                if let Some(peer) = response.remote_addr() {
                    span.set_attribute(KeyValue::new(
                        "network.peer.address",
                        peer.ip().to_string(),
                    ));
                    span.set_attribute(KeyValue::new("network.peer.port", i64::from(peer.port())));
                }
                if status.is_client_error() || status.is_server_error() {
                    span.set_attribute(KeyValue::new("error.type", status.as_str().to_owned()));
                    span.set_status(Status::error(""));
                }
            }
            Err(error) => {
                span.set_attribute(KeyValue::new("error.type", error_type(error)));
                span.set_status(Status::error(error_description(
                    error,
                    crate::redaction::content_policy::spans_carry_content(),
                )));
            }
        }
    }
}

impl Drop for ClientSpan {
    fn drop(&mut self) {
        self.0.span().end();
    }
}

#[async_trait::async_trait]
impl Middleware for TracingMiddleware {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let cx = self.start(&mut request, extensions);
        let span = ClientSpan(cx.clone());
        // The rest of the chain runs inside the span: what it records nests under it.
        let result = next.run(request, extensions).with_context(cx).await;
        span.record(&result);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct A;
    impl CommonAttributes for A {
        fn from_headers(_: &HeaderMap) -> Result<Self, crate::scope::CommonAttributesError> {
            Ok(A)
        }
        fn to_headers(&self, headers: &mut HeaderMap) {
            crate::scope::insert_header(headers, "x-a", "1");
        }
        fn attributes(&self) -> Vec<KeyValue> {
            Vec::new()
        }
        fn log_fields(&self) -> Vec<(&'static str, String)> {
            Vec::new()
        }
    }

    #[test]
    fn builder_defaults_and_debug() {
        let middleware = TracingMiddleware::new();
        assert!(!middleware.forward_baggage);
        assert!(middleware.common.is_empty());
        let middleware = middleware
            .forward_baggage(true)
            .forward_common_attributes::<A>()
            .forward_common_attributes::<A>();
        assert_eq!(middleware.common.len(), 1, "a type is forwarded once");
        let debug = format!("{middleware:?}");
        assert!(debug.contains("forward_baggage: true"), "{debug}");
        assert!(debug.contains("::A"), "{debug}");
    }

    #[test]
    fn common_attributes_only_inside_a_scope() {
        let middleware = TracingMiddleware::new().forward_common_attributes::<A>();
        let mut headers = HeaderMap::new();
        middleware.inject(&Context::new(), &mut headers);
        assert!(headers.is_empty(), "no scope, no context: nothing written");
        crate::scope::with_sync(A, || middleware.inject(&Context::new(), &mut headers));
        assert_eq!(headers["x-a"], "1");
    }
}
