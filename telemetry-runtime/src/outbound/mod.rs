//! Outbound HTTP requests (feature `reqwest`): [`TracingMiddleware`], a
//! [`reqwest_middleware`] middleware for reqwest 0.13 clients that gives each request a
//! `CLIENT` span and carries the trace (and, when asked, the baggage and the request scope's
//! identifiers) to the server it calls.
//!
//! ```no_run
//! use telemetry_runtime::outbound::reqwest_middleware::{reqwest, ClientBuilder};
//! use telemetry_runtime::outbound::{RequestBuilderExt, TracingMiddleware};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ClientBuilder::new(reqwest::Client::new())
//!     .with(TracingMiddleware::new())
//!     .build();
//! // A CLIENT span `GET /users/{id}`, child of the current span; the request carries its
//! // `traceparent` (and `tracestate`).
//! let response = client
//!     .get("http://users.internal:8080/users/42")
//!     .url_template("/users/{id}")
//!     .send()
//!     .await?;
//! # let _ = response; Ok(()) }
//! ```
//!
//! # Headers
//!
//! | header | written | when the request already has it |
//! |---|---|---|
//! | `traceparent`, `tracestate` | always, when there is a valid span context | replaced (and a stale `tracestate` removed) |
//! | `baggage` | with [`forward_baggage(true)`](TracingMiddleware::forward_baggage), when the context has baggage | kept as is |
//! | the headers of [`CommonAttributes::to_headers`](crate::scope::CommonAttributes::to_headers) | with [`forward_common_attributes`](TracingMiddleware::forward_common_attributes), inside a scope of that type | kept as is |
//!
//! The trace context headers are the middleware's: they must name the `CLIENT` span, or the
//! server's span would not be its child, so a value set by hand is replaced. `baggage` and the
//! identifier headers are data the caller may set deliberately for one request: a value set
//! on the request wins.
//!
//! # Spans
//!
//! One `CLIENT` span per call of the middleware (HTTP client semantic conventions v1.41.0,
//! `span.http.client`), a child of [`Context::current()`](opentelemetry::Context::current):
//! the span of the handler, of a `tracing` span entered or instrumenting the future, or of an
//! attached OpenTelemetry context. Attach the middleware *after* a retry middleware to get
//! one span per attempt, each with its own `traceparent` and `http.request.resend_count` from
//! the second attempt on; redirects followed by reqwest itself stay within one span whose
//! `url.full` is the URL first requested.
//!
//! - Name: `{METHOD}`, or `{METHOD} {url.template}` when the request has a [`UrlTemplate`]
//!   (never the raw path: it has unbounded cardinality); `HTTP` stands for a method the
//!   conventions do not know.
//! - Attributes: `http.request.method` (`_OTHER` and `http.request.method_original` for an
//!   unknown method), `server.address`, `server.port` (the URL's, or the scheme's default),
//!   `url.full` (credentials replaced by `REDACTED:REDACTED`, the values of the query keys
//!   `AWSAccessKeyId`, `Signature`, `sig` and `X-Goog-Signature` by `REDACTED`),
//!   `url.template` when given, `http.request.resend_count` on a resend; from the response
//!   `http.response.status_code`, `network.protocol.version`, `network.peer.address` and
//!   `network.peer.port`.
//! - Errors: a status code of 400 or more sets status `ERROR` and `error.type` to the code
//!   (`"500"`); a request that got no response sets status `ERROR` and `error.type` to one of
//!   `timeout`, `dns`, `connect`, `redirect`, `body`, `decode`, `builder`, `request` (the
//!   reqwest error kind, checked in that order) or `_OTHER` (an error of another middleware);
//!   otherwise the status is left unset.
//! - The span ends when the response head arrives (the body is read afterwards, by the
//!   caller), when the request fails, or when the request future is dropped.
//!
//! The tracer is the one `init()` installed, else the global tracer provider's: with neither,
//! no span is recorded and an ambient remote context (a `traceparent` the server layer
//! extracted, say) is still propagated as it is.

pub(crate) mod attributes;
mod carrier;
mod middleware;
mod template;

pub use middleware::TracingMiddleware;
pub use template::{RequestBuilderExt, UrlTemplate};

/// The version of `reqwest-middleware` (and, through its `reqwest` re-export, of reqwest)
/// [`TracingMiddleware`] is built for, so your client uses exactly these.
pub use reqwest_middleware;
