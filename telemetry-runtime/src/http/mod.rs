//! HTTP servers (feature `axum`): [`TelemetryLayer`], one tower layer for axum 0.8 that gives
//! each request its server span, its W3C context, its request id and its request scope, in a
//! fixed order.
//!
//! ```no_run
//! use axum::{Extension, Router, routing::get};
//! use telemetry_runtime::http::{RequestId, TelemetryLayer};
//!
//! # #[derive(Clone)] struct Ctx;
//! # impl telemetry_runtime::scope::CommonAttributes for Ctx {
//! #     fn from_headers(_: &telemetry_runtime::scope::HeaderMap) -> Result<Self, telemetry_runtime::scope::CommonAttributesError> { Ok(Ctx) }
//! #     fn to_headers(&self, _: &mut telemetry_runtime::scope::HeaderMap) {}
//! #     fn attributes(&self) -> Vec<telemetry_runtime::opentelemetry::KeyValue> { Vec::new() }
//! #     fn log_fields(&self) -> Vec<(&'static str, String)> { Vec::new() }
//! # }
//! async fn user(Extension(id): Extension<RequestId>) -> String {
//!     tracing::info!("looking the user up"); // carries trace_id, span_id and Ctx's fields
//!     format!("request {id}")
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let _guard = telemetry_runtime::init()?;
//! let app: Router = Router::new()
//!     .route("/users/{id}", get(user))
//!     .layer(TelemetryLayer::new().with_common_attributes::<Ctx>());
//! # Ok(()) }
//! ```
//!
//! Response headers: `X-Request-ID` ([`REQUEST_ID_HEADER`]) and `X-Trace-Id`
//! ([`TRACE_ID_HEADER`]) on every response, errors and `404` included (`X-Trace-Id` only when
//! the request has a trace: always once `init()` has installed a tracer, or when the client
//! sent a valid `traceparent`).
//!
//! The request id is the server span's `http.response.header.x-request-id`
//! ([`REQUEST_ID_ATTRIBUTE`]), the registry's attribute for a response header (a string
//! array).

mod attributes;
mod body;
mod future;
mod layer;
mod request_id;
mod telemetry;

pub use body::TelemetryBody;
/// The [`Extractor`](opentelemetry::propagation::Extractor) of an HTTP header map, every
/// value of a header seen (two `traceparent` headers are two, and a new trace starts); a
/// value that is not UTF-8 reads as an empty, invalid value. Build it as
/// `Extract(&headers)` ([`propagation::Extract`](crate::propagation::Extract)).
pub type HeaderExtractor<'a> = crate::propagation::Extract<&'a ::http::HeaderMap>;
pub use future::ResponseFuture;
pub use layer::{TelemetryLayer, TelemetryService};
pub use request_id::{
    REQUEST_ID_ATTRIBUTE, REQUEST_ID_HEADER, REQUEST_ID_MAX_LEN, RequestId, RequestIdSource,
    TRACE_ID_HEADER,
};
