//! The server span of a streaming response lasts until the body is done, not until the
//! handler returns; a body dropped early (the client went away) still ends it.

mod http_support;
mod support;

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use bytes::Bytes;
use http_body_util::BodyExt;
use http_support::{CLIENT_TRACE_ID, Ctx, Http1, TRACEPARENT, Telemetry, request, runtime, serve};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::tracing::info;

const CHUNKS: u32 = 4;
const PAUSE: Duration = Duration::from_millis(150);

/// Answers at once with a body that sleeps `PAUSE` before each of `n` chunks, logging each.
fn chunks(n: u32) -> Body {
    Body::from_stream(futures_util::stream::unfold(0, move |i| async move {
        if i == n {
            return None;
        }
        tokio::time::sleep(PAUSE).await;
        info!(chunk = i64::from(i), "chunk sent");
        Some((
            Ok::<_, Infallible>(Bytes::from(format!("chunk {i}\n"))),
            i + 1,
        ))
    }))
}

fn app() -> Router {
    Router::new()
        .route("/stream", get(|| async { chunks(CHUNKS) }))
        .route("/endless", get(|| async { chunks(50) }))
        .layer(TelemetryLayer::new().with_common_attributes::<Ctx>())
}

const HEADERS: [(&str, &str); 4] = [
    ("x-assistant-id", "a-1"),
    ("x-channel-id", "web"),
    ("traceparent", TRACEPARENT),
    ("x-request-id", "streamed"),
];

#[test]
fn the_span_of_a_streaming_body_ends_after_the_last_chunk() {
    let telemetry = Telemetry::init(&[]);
    let (body, headers_after, total) = runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let started = Instant::now();
        let response = client
            .send_streaming(request("GET", "/stream", &HEADERS))
            .await;
        let headers_after = started.elapsed();
        assert_eq!(response.headers()["x-request-id"], "streamed");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (body, headers_after, started.elapsed())
    });
    assert_eq!(body.as_ref(), b"chunk 0\nchunk 1\nchunk 2\nchunk 3\n");
    let sleeps = PAUSE * CHUNKS;
    assert!(
        headers_after < sleeps,
        "the handler returned before the body was produced ({headers_after:?})"
    );
    assert!(total >= sleeps);

    let span = telemetry.server_span("streamed");
    assert_eq!(span.name, "GET /stream");
    let duration = Duration::from_nanos(span.end_unix_nano - span.start_unix_nano);
    assert!(
        duration >= sleeps,
        "the span lasts until the last chunk: {duration:?} < {sleeps:?}"
    );
    assert!(
        duration <= total,
        "{duration:?} > {total:?} seen by the client"
    );

    // Log lines written while the body streams carry the trace and the common attributes.
    let lines = telemetry.logs.lines_containing("chunk sent");
    assert_eq!(lines.len(), CHUNKS as usize);
    for line in lines {
        assert!(
            line.contains(&format!("trace_id={CLIENT_TRACE_ID}")),
            "{line}"
        );
        assert!(
            line.contains(&format!("span_id={}", span.span_id)),
            "{line}"
        );
        assert!(line.contains("assistant_id=a-1"), "{line}");
    }
}

#[test]
fn a_body_dropped_early_still_ends_the_span() {
    let telemetry = Telemetry::init(&[]);
    let started = Instant::now();
    runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let mut headers = HEADERS.to_vec();
        headers[3] = ("x-request-id", "dropped");
        let response = client
            .send_streaming(request("GET", "/endless", &headers))
            .await;
        let mut body = response.into_body();
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first.as_ref(), b"chunk 0\n");
        // The client goes away: body and connection dropped.
        drop(body);
        drop(client);
        tokio::time::sleep(PAUSE * 3).await;
    });
    let span = telemetry.server_span("dropped");
    let duration = Duration::from_nanos(span.end_unix_nano - span.start_unix_nano);
    assert!(duration >= PAUSE, "{duration:?}");
    assert!(
        duration < PAUSE * 50 && duration <= started.elapsed(),
        "ended when the body was dropped, not after 50 chunks: {duration:?}"
    );
    assert_eq!(span.status_code, "UNSET");
}
