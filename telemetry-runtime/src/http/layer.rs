//! [`TelemetryLayer`] and the service it wraps around each route.

use std::any::type_name;
use std::fmt;
use std::sync::LazyLock;
use std::task::{Context as TaskContext, Poll};

use axum::extract::{MatchedPath, OriginalUri};
use bytes::Bytes;
use http::{Extensions, HeaderMap, Request, Response};
use http_body::Body;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt, TraceId, Tracer};
use opentelemetry::{Context, KeyValue};
use tower_layer::Layer;
use tower_service::Service;

use super::attributes::RequestAttributes;
use super::body::TelemetryBody;
use super::future::ResponseFuture;
use super::request_id::{REQUEST_ID_ATTRIBUTE, RequestId, header_value};
use super::telemetry::{RequestMetrics, RequestTelemetry};
use crate::http_semconv::{method, span_name};
use crate::propagation::Extract;
use crate::propagation::{StrictBaggagePropagator, StrictW3cPropagator};
use crate::scope::{CommonAttributes, CommonAttributesError, Frame};

/// The tower layer that instruments an axum 0.8 router: for each request, in this order,
///
/// 1. extracts the W3C trace context (`traceparent`, `tracestate`) and `baggage` with the
///    strict propagators ([`crate::propagation`]): all values of each header are read, so
///    two `traceparent` headers start a new trace;
/// 2. reads the [`CommonAttributes`] type given to
///    [`with_common_attributes`](Self::with_common_attributes) from the headers;
/// 3. starts a `SERVER` span, a child of the extracted context, through the tracer `init()`
///    installed (else the global tracer provider), named `{METHOD} {route}` from axum's
///    [`MatchedPath`] (`{METHOD}` alone when no route matched, never the raw path; `HTTP` for
///    a method the conventions do not know), with the HTTP server attributes of the semantic
///    conventions v1.41.0 (`http.request.method`, `url.path`, `url.query` with the sensitive
///    values redacted, `url.scheme`, `http.route`, `server.address`, `server.port`,
///    `user_agent.original`, `network.protocol.version`) and the common attributes;
/// 4. picks the request id ([`RequestId::for_request`]): the client's `X-Request-ID` when
///    valid, else the trace id, else a random UUID; records it as `request.id`, and puts it
///    (and the common attributes value) into the request extensions;
/// 5. answers `400 Bad Request` with a text body naming the header when the common attributes
///    are missing or invalid (unless [`ignore_invalid_common_attributes`](Self::ignore_invalid_common_attributes));
/// 6. runs the handler with the span's context attached and the common attributes as the
///    request scope ([`crate::scope`]), so spans created inside nest under the server span and
///    log lines carry its trace id and the common attributes;
/// 7. adds `X-Request-ID` and `X-Trace-Id` (when there is a trace) to every response, records
///    `http.response.status_code`, and for a 5xx `error.type` (the status code) with status
///    `ERROR` (4xx are not errors of the server);
/// 8. ends the span when the response body has been sent completely (streaming bodies too),
///    fails, or is dropped: not when the handler returns; and then records the request in the
///    `http.server.request.duration` histogram (seconds, the conventions' buckets), sampled or
///    not, with `http.request.method`, `url.scheme`, `http.route`, `network.protocol.version`,
///    `http.response.status_code`, `error.type` and the common attributes'
///    [`metric_dimensions`](CommonAttributes::metric_dimensions) only: no path, no address, no
///    user or session id. Metrics are recorded on the meter provider `init()` installed (none
///    when `OTEL_METRICS_EXPORTER=none`).
///
/// Apply it with [`Router::layer`](axum::Router::layer), which runs it after routing (axum's
/// matched route is known then) around every route and the fallback:
///
/// ```
/// use axum::{Router, routing::get};
/// use telemetry_runtime::http::TelemetryLayer;
///
/// let app: Router = Router::new()
///     .route("/users/{id}", get(|| async { "user" }))
///     .layer(TelemetryLayer::new());
/// ```
///
/// Outside a router (around `Router` as a whole) no route is known and spans are named by the
/// method alone. A request already instrumented by an outer `TelemetryLayer` (nested routers
/// that both have it) is passed through untouched: one server span per request.
///
/// Other `error.type` values: `panic` (the handler panicked), `response_body_error` (the
/// body failed while being sent), `_OTHER` (the inner service returned an error).
#[derive(Clone, Default)]
pub struct TelemetryLayer {
    config: Config,
}

#[derive(Clone, Copy, Default)]
struct Config {
    common: Option<CommonParser>,
    ignore_invalid: bool,
}

/// The type-erased parser of the user's [`CommonAttributes`] type.
#[derive(Clone, Copy)]
struct CommonParser {
    type_name: &'static str,
    parse: fn(&HeaderMap, &mut Extensions) -> Result<Parsed, CommonAttributesError>,
}

struct Parsed {
    frame: Frame,
    attributes: Vec<KeyValue>,
    dimensions: Vec<KeyValue>,
}

fn parse_common<T: CommonAttributes>(
    headers: &HeaderMap,
    extensions: &mut Extensions,
) -> Result<Parsed, CommonAttributesError> {
    let value = T::from_headers(headers)?;
    let attributes = value.attributes();
    let dimensions = value.metric_dimensions();
    extensions.insert(value.clone());
    Ok(Parsed {
        frame: Frame::root(value),
        attributes,
        dimensions,
    })
}

impl fmt::Debug for TelemetryLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt("TelemetryLayer", f)
    }
}

impl Config {
    fn fmt(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("common_attributes", &self.common.map(|c| c.type_name))
            .field("ignore_invalid_common_attributes", &self.ignore_invalid)
            .finish()
    }
}

impl TelemetryLayer {
    /// A layer without common attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `T` from each request's headers into the request scope: [`scope::current::<T>()`](crate::scope::current)
    /// and `axum::Extension<T>` give it to the handler, its
    /// [`attributes`](CommonAttributes::attributes) go on the server span and its
    /// [`log_fields`](CommonAttributes::log_fields) on every log line of the request. A missing
    /// or invalid header is answered with `400 Bad Request` whose body names the header.
    ///
    /// The scope holds this request's value only (it is never nested in a scope that happens
    /// to be current when the request arrives) and ends with the response body.
    pub fn with_common_attributes<T: CommonAttributes>(mut self) -> Self {
        self.config.common = Some(CommonParser {
            type_name: type_name::<T>(),
            parse: parse_common::<T>,
        });
        self
    }

    /// Serves requests whose common attributes are missing or invalid instead of answering
    /// `400`: they run without a scope (`scope::current::<T>()` is `None`), and the error is
    /// logged at debug level.
    pub fn ignore_invalid_common_attributes(mut self) -> Self {
        self.config.ignore_invalid = true;
        self
    }
}

impl<S> Layer<S> for TelemetryLayer {
    type Service = TelemetryService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TelemetryService {
            inner,
            config: self.config,
        }
    }
}

/// The service of [`TelemetryLayer`].
#[derive(Clone)]
pub struct TelemetryService<S> {
    inner: S,
    config: Config,
}

impl<S> fmt::Debug for TelemetryService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt("TelemetryService", f)
    }
}

/// The span attributes known at arrival that `http.server.request.duration` carries (its
/// required and recommended ones: no path, no address).
const METRIC_ATTRIBUTES: [&str; 4] = [
    "http.request.method",
    "url.scheme",
    "http.route",
    "network.protocol.version",
];

static PROPAGATORS: LazyLock<(StrictW3cPropagator, StrictBaggagePropagator)> =
    LazyLock::new(|| (StrictW3cPropagator::new(), StrictBaggagePropagator::new()));

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for TelemetryService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Body,
    ResBody::Data: From<Bytes>,
{
    type Response = Response<TelemetryBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.extensions().get::<RequestId>().is_some() {
            // An outer TelemetryLayer already instruments this request.
            return ResponseFuture::inner(self.inner.call(request), None);
        }
        let (mut parts, body) = request.into_parts();

        // 1. The remote context and baggage.
        let (w3c, baggage) = &*PROPAGATORS;
        let carrier = Extract(&parts.headers);
        let parent = baggage.extract_with_context(
            &w3c.extract_with_context(&Context::new(), &carrier),
            &carrier,
        );

        // 2. The common attributes.
        let mut common = self
            .config
            .common
            .map(|common| (common.parse)(&parts.headers, &mut parts.extensions));

        // 3. The server span.
        let route = parts
            .extensions
            .get::<MatchedPath>()
            .map(MatchedPath::as_str);
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let (common_attributes, dimensions) = match &mut common {
            Some(Ok(parsed)) => (
                std::mem::take(&mut parsed.attributes),
                std::mem::take(&mut parsed.dimensions),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        let mut attributes = RequestAttributes {
            method: &parts.method,
            uri,
            version: parts.version,
            headers: &parts.headers,
            route,
        }
        .to_key_values(common_attributes.len() + 1);
        // The duration metric's attributes, recorded whether or not the span is sampled: the
        // span's low-cardinality ones and the common attributes' dimensions.
        let metrics = crate::metrics::current().map(|instruments| {
            let mut metric_attributes: Vec<KeyValue> = attributes
                .iter()
                .filter(|kv| METRIC_ATTRIBUTES.contains(&kv.key.as_str()))
                .cloned()
                .collect();
            metric_attributes.extend(dimensions);
            RequestMetrics::start(&instruments.http_server_request_duration, metric_attributes)
        });
        attributes.extend(common_attributes);
        let builder = SpanBuilder::from_name(span_name(method(&parts.method), route))
            .with_kind(SpanKind::Server)
            .with_attributes(attributes);
        let cx = match crate::span::tracer::current() {
            Some(tracer) => parent.with_span(tracer.build_with_context(builder, &parent)),
            None => {
                let tracer = opentelemetry::global::tracer(crate::constants::INSTRUMENTATION_SCOPE);
                parent.with_span(tracer.build_with_context(builder, &parent))
            }
        };

        // 4. The request id.
        let trace_id = cx.span().span_context().trace_id();
        let request_id = RequestId::for_request(&parts.headers, trace_id);
        cx.span().set_attribute(KeyValue::new(
            REQUEST_ID_ATTRIBUTE,
            opentelemetry::Value::Array(
                vec![opentelemetry::StringValue::from(
                    request_id.as_str().to_owned(),
                )]
                .into(),
            ),
        ));
        let trace_header =
            (trace_id != TraceId::INVALID).then(|| header_value(trace_id.to_string()));
        let request_id_header = request_id.header_value().clone();
        parts.extensions.insert(request_id);

        // 5. Invalid common attributes.
        let frame = match common {
            None => None,
            Some(Ok(parsed)) => Some(parsed.frame),
            Some(Err(error)) if !self.config.ignore_invalid => {
                let telemetry =
                    RequestTelemetry::new(cx, None, request_id_header, trace_header, metrics);
                return ResponseFuture::bad_request(error.to_string(), telemetry);
            }
            Some(Err(error)) => {
                let _attached = cx.clone().attach();
                tracing::debug!(
                    target: "telemetry_runtime::http",
                    header = error.header(),
                    "common attributes ignored: {error}"
                );
                None
            }
        };

        // 6. The handler, inside the span and the scope.
        let telemetry = RequestTelemetry::new(cx, frame, request_id_header, trace_header, metrics);
        let future = telemetry.in_scope(|| self.inner.call(Request::from_parts(parts, body)));
        ResponseFuture::inner(future, Some(telemetry))
    }
}
