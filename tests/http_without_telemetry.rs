//! `TelemetryLayer` with telemetry never initialised: no tracer, so no trace id unless the
//! client sent one; the request id falls back to a fresh UUID, and the scope still works.

mod http_support;
mod support;

use axum::Router;
use axum::routing::get;
use http_support::{CLIENT_TRACE_ID, Ctx, Http1, TRACEPARENT, request, runtime, serve};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::scope;

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[test]
fn without_a_trace_the_request_id_is_a_fresh_uuid() {
    let app = Router::new()
        .route(
            "/who",
            get(|| async { format!("{:?}", scope::current::<Ctx>().map(|c| c.assistant_id)) }),
        )
        .layer(TelemetryLayer::new().with_common_attributes::<Ctx>());
    let (first, second, continued) = runtime().block_on(async {
        let addr = serve(app).await;
        let mut client = Http1::connect(addr).await;
        let headers = [("x-assistant-id", "a-1"), ("x-channel-id", "web")];
        let first = client.send(request("GET", "/who", &headers)).await;
        let second = client.send(request("GET", "/who", &headers)).await;
        let mut with_trace = headers.to_vec();
        with_trace.push(("traceparent", TRACEPARENT));
        let continued = client.send(request("GET", "/who", &with_trace)).await;
        (first, second, continued)
    });
    for reply in [&first, &second] {
        assert_eq!(reply.body, "Some(\"a-1\")");
        let id = reply.header("x-request-id").unwrap();
        assert!(is_uuid(id), "{id}");
        assert_eq!(reply.header("x-trace-id"), None, "no trace to report");
    }
    assert_ne!(
        first.header("x-request-id"),
        second.header("x-request-id"),
        "a fresh id per request"
    );
    // The client's trace is still propagated (no-op tracer): its trace id is the request id.
    assert_eq!(continued.header("x-trace-id"), Some(CLIENT_TRACE_ID));
    assert_eq!(continued.header("x-request-id"), Some(CLIENT_TRACE_ID));
}
