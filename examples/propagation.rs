//! A W3C Trace Context test service (<https://github.com/w3c/trace-context/tree/main/test>):
//! `POST /test` takes a JSON array of `{"url": "...", "arguments": [...]}` and, for each
//! element in order, POSTs `arguments` as JSON to `url` carrying the propagated trace
//! context; it answers `200` once every call has completed.
//!
//! ```text
//! PROPAGATION_ADDR=127.0.0.1:5000 cargo run --example propagation
//! cargo run --example propagation -- 127.0.0.1:5000        # the same
//! python test.py http://127.0.0.1:5000/test                # the W3C harness, from its test/ folder
//! ```
//!
//! Each request gets a SERVER span `POST /test` from `http::TelemetryLayer` (a child of the
//! caller's `traceparent`, extracted strictly), and each callback a CLIENT span `POST` from
//! `outbound::TracingMiddleware`, a child of the server span: the callback's `traceparent`
//! has the caller's trace id and the CLIENT span's id, and its `tracestate` is the caller's.
//!
//! The service calls whatever URL it is given: it is a test service, listening on loopback by
//! default; do not expose it.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::routing::post;
use serde_json::Value;
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::outbound::TracingMiddleware;
use telemetry_runtime::outbound::reqwest_middleware::{
    ClientBuilder, ClientWithMiddleware, reqwest,
};

/// The listen address when neither the first argument nor `PROPAGATION_ADDR` gives one.
pub const DEFAULT_ADDR: &str = "127.0.0.1:5000";

/// The test service: `POST /test`, instrumented by `TelemetryLayer`, calling out through a
/// client with `TracingMiddleware`.
pub fn app() -> Router {
    let http = reqwest::Client::builder()
        // The harness and the callbacks are local: never route them through a proxy.
        .no_proxy()
        .build()
        .expect("a reqwest client without TLS or proxy settings always builds");
    let client = ClientBuilder::new(http)
        .with(TracingMiddleware::new())
        .build();
    Router::new()
        .route("/test", post(test))
        .with_state(client)
        .layer(TelemetryLayer::new())
}

/// One instruction of the harness: POST `arguments` to `url`.
struct Call {
    url: String,
    arguments: Value,
}

/// Reads the request body: a JSON array of `{"url": string, "arguments": any}`.
fn parse(body: &[u8]) -> Result<Vec<Call>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("the body must be a JSON array".to_owned());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(mut object) => match object.remove("url") {
                Some(Value::String(url)) => Ok(Call {
                    url,
                    arguments: object
                        .remove("arguments")
                        .unwrap_or_else(|| Value::Array(Vec::new())),
                }),
                _ => Err(format!("element {i} has no string `url`")),
            },
            _ => Err(format!("element {i} is not an object")),
        })
        .collect()
}

/// `POST /test`: makes the calls one after the other, then answers `200`; `400` for a body
/// that is not the harness's format, `502` naming the calls that got no response.
async fn test(
    State(client): State<ClientWithMiddleware>,
    body: Bytes,
) -> Result<StatusCode, (StatusCode, String)> {
    let calls = parse(&body).map_err(|message| (StatusCode::BAD_REQUEST, message))?;
    let mut failed = Vec::new();
    for call in calls {
        let body = serde_json::to_vec(&call.arguments).expect("a JSON value serialises");
        let sent = client
            .post(&call.url)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            // Read the answer to its end: the call is complete only then.
            Ok(response) => {
                let _ = response.bytes().await;
            }
            Err(error) => {
                tracing::warn!(url = call.url.as_str(), "callback failed: {error}");
                failed.push(call.url);
            }
        }
    }
    if failed.is_empty() {
        Ok(StatusCode::OK)
    } else {
        Err((
            StatusCode::BAD_GATEWAY,
            format!("no response from {}", failed.join(", ")),
        ))
    }
}

/// The listen address: the first argument, else `PROPAGATION_ADDR`, else [`DEFAULT_ADDR`].
fn listen_addr() -> Result<SocketAddr, String> {
    let given = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PROPAGATION_ADDR").ok())
        .filter(|addr| !addr.is_empty())
        .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    given.parse().map_err(|e| {
        format!("invalid listen address `{given}`: {e} (expected e.g. {DEFAULT_ADDR})")
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _guard = telemetry_runtime::init()?;
    let addr = listen_addr()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("W3C trace-context test service on http://{addr}/test");
    axum::serve(listener, app())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(()) // dropping the guard flushes the spans
}
