//! The X-Request-ID rules of `TelemetryLayer` over real sockets: a valid client id is echoed
//! and recorded; an invalid one is replaced by the trace id; X-Trace-Id is on every response
//! and equals the server span's trace id.

mod http_support;
mod support;

use axum::routing::get;
use axum::{Extension, Router};
use http_support::{
    CLIENT_TRACE_ID, Http1, TRACEPARENT, Telemetry, is_trace_id, request, runtime, serve,
};
use otlp_receiver::Value;
use telemetry_runtime::http::{RequestId, RequestIdSource, TelemetryLayer};

async fn echo(Extension(id): Extension<RequestId>) -> String {
    let source = match id.source() {
        RequestIdSource::Client => "client",
        RequestIdSource::TraceId => "trace",
        RequestIdSource::Generated => "generated",
        _ => "other",
    };
    format!("{id} {source}")
}

fn app() -> Router {
    Router::new()
        .route("/echo", get(echo))
        .route(
            "/fail",
            get(|| async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .layer(TelemetryLayer::new())
}

#[test]
fn a_valid_client_request_id_is_echoed_and_recorded() {
    let telemetry = Telemetry::init(&[]);
    let longest = "x".repeat(128);
    let ids = ["req-42", "A1b2.C3~d4_e5:f6/g7+h8=", longest.as_str()];
    let replies = runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let mut replies = Vec::new();
        for id in ids {
            for path in ["/echo", "/missing", "/fail"] {
                let reply = client
                    .send(request("GET", path, &[("x-request-id", id)]))
                    .await;
                replies.push((id, path, reply));
            }
        }
        replies
    });
    for (id, path, reply) in &replies {
        assert_eq!(reply.header("x-request-id"), Some(*id), "{path}");
        let trace_id = reply.header("x-trace-id").unwrap();
        assert!(is_trace_id(trace_id), "{path}: {trace_id}");
        if *path == "/echo" {
            assert_eq!(reply.body, format!("{id} client"));
        }
    }
    // Each id names three spans (three requests); each trace id is that span's.
    let spans = telemetry
        .receiver
        .wait_for_spans(http_support::WAIT, |s| s.len() >= replies.len());
    for (id, path, reply) in &replies {
        let span = spans
            .iter()
            .find(|s| s.trace_id == reply.header("x-trace-id").unwrap())
            .unwrap_or_else(|| panic!("a span for {id} {path}"));
        assert_eq!(
            span.attr("http.response.header.x-request-id"),
            Some(&Value::Array(vec![Value::String(id.to_string())]))
        );
    }
}

#[test]
fn an_invalid_client_request_id_is_replaced_by_the_trace_id() {
    let telemetry = Telemetry::init(&[]);
    let too_long = "x".repeat(129);
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("too long", vec![("x-request-id", too_long.as_str())]),
        ("space", vec![("x-request-id", "has space")]),
        ("tab", vec![("x-request-id", "tab\there")]),
        ("non-ASCII", vec![("x-request-id", "café")]),
        (
            "twice",
            vec![("x-request-id", "one"), ("x-request-id", "two")],
        ),
        ("empty", vec![("x-request-id", "")]),
        ("absent", vec![]),
    ];
    let replies = runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let mut replies = Vec::new();
        for (case, headers) in &cases {
            replies.push((*case, client.send(request("GET", "/echo", headers)).await));
        }
        // With the client's trace: the request id is the client's trace id.
        let reply = client
            .send(request(
                "GET",
                "/echo",
                &[("traceparent", TRACEPARENT), ("x-request-id", "bad id")],
            ))
            .await;
        (replies, reply)
    });
    let (replies, continued) = replies;
    for (case, reply) in &replies {
        let trace_id = reply.header("x-trace-id").unwrap();
        assert!(is_trace_id(trace_id), "{case}: {trace_id}");
        assert_eq!(reply.header("x-request-id"), Some(trace_id), "{case}");
        assert_eq!(reply.body, format!("{trace_id} trace"), "{case}");
        let span = telemetry.server_span(trace_id);
        assert_eq!(span.trace_id, trace_id, "{case}");
    }
    assert_eq!(continued.header("x-request-id"), Some(CLIENT_TRACE_ID));
    assert_eq!(continued.header("x-trace-id"), Some(CLIENT_TRACE_ID));
}
