//! The server span of `TelemetryLayer` over real sockets: parent from the client's
//! `traceparent`, route-based names, HTTP semantic-conventions attributes, status codes,
//! 404 and 5xx, and spans and log lines of the handler nested under it.

mod http_support;
mod support;

use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{any, get};
use http_support::{
    CLIENT_SPAN_ID, CLIENT_TRACE_ID, Http1, Http2, TRACEPARENT, Telemetry, is_trace_id, request,
    runtime, serve,
};
use otlp_receiver::Value;
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::llm_span;
use telemetry_runtime::opentelemetry::Context;
use telemetry_runtime::opentelemetry::baggage::BaggageExt;
use telemetry_runtime::tracing::{Instrument, info, info_span};

#[llm_span(kind = "tokenize.input", tokens_in = prompt.split(' ').count(), tokenizer = "whitespace")]
fn tokenize(prompt: &str) -> Vec<u32> {
    prompt.split(' ').map(|w| w.len() as u32).collect()
}

async fn user(Path(id): Path<String>) -> String {
    let tenant = Context::map_current(|cx| {
        cx.baggage()
            .get("tenant")
            .map(|v| v.to_string())
            .unwrap_or_default()
    });
    tokenize("look the user up");
    async { info!(user = id.as_str(), "looked up") }
        .instrument(info_span!("db.lookup"))
        .await;
    format!("user {id} of {tenant}")
}

async fn panicking() -> &'static str {
    tokio::task::yield_now().await;
    panic!("the handler panics (expected by the test)")
}

fn app() -> Router {
    Router::new()
        .route("/users/{id}", get(user))
        .route("/fail", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route(
            "/unavailable",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }),
        )
        .route("/teapot", get(|| async { StatusCode::IM_A_TEAPOT }))
        .route("/any", any(|| async { "any" }))
        .route("/panic", get(panicking))
        .nest(
            "/api",
            Router::new().route("/items/{item}", get(|| async { "item" })),
        )
        .layer(TelemetryLayer::new())
}

fn str_attr<'a>(span: &'a otlp_receiver::ReceivedSpan, key: &str) -> Option<&'a str> {
    span.attr(key).and_then(Value::as_str)
}

#[test]
fn server_span_continues_the_client_trace_with_the_route_name() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let reply = rt.block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        client
            .send(request(
                "GET",
                "/users/42?expand=true",
                &[
                    ("traceparent", TRACEPARENT),
                    ("tracestate", "rojo=00f067aa0ba902b7"),
                    ("baggage", "tenant=acme,plan=pro"),
                ],
            ))
            .await
    });
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "user 42 of acme", "baggage reaches the handler");
    assert_eq!(reply.header("x-trace-id"), Some(CLIENT_TRACE_ID));

    let server = &telemetry.spans_named("GET /users/{id}", 1)[0];
    assert_eq!(server.kind, "SERVER");
    assert_eq!(server.trace_id, CLIENT_TRACE_ID);
    assert_eq!(server.parent_span_id, CLIENT_SPAN_ID, "the client's span");
    assert_eq!(server.trace_state, "rojo=00f067aa0ba902b7");
    assert_eq!(server.status_code, "UNSET");
    for (key, value) in [
        ("http.request.method", "GET"),
        ("url.path", "/users/42"),
        ("url.query", "expand=true"),
        ("url.scheme", "http"),
        ("http.route", "/users/{id}"),
        ("server.address", "127.0.0.1"),
        ("user_agent.original", "http-layer-test/1.0"),
        ("network.protocol.version", "1.1"),
    ] {
        assert_eq!(str_attr(server, key), Some(value), "{key}");
    }
    assert_eq!(http_support::request_id_of(server), Some(CLIENT_TRACE_ID));
    assert_eq!(
        server.attr("http.response.status_code"),
        Some(&Value::Int(200))
    );
    assert_eq!(server.attr("error.type"), None);
    assert!(server.end_unix_nano >= server.start_unix_nano);

    // Spans of the handler nest under the server span: a tracing span and an #[llm_span].
    let lookup = &telemetry.spans_named("db.lookup", 1)[0];
    assert_eq!(lookup.trace_id, CLIENT_TRACE_ID);
    assert_eq!(lookup.parent_span_id, server.span_id);
    let tokenize = &telemetry.spans_named("tokenize.input", 1)[0];
    assert_eq!(tokenize.trace_id, CLIENT_TRACE_ID);
    assert_eq!(tokenize.parent_span_id, server.span_id);

    // The handler's log line carries the trace.
    let line = telemetry.logs.lines_containing("looked up").pop().unwrap();
    assert!(
        line.contains(&format!("trace_id={CLIENT_TRACE_ID}")),
        "{line}"
    );
    assert!(
        line.contains(&format!("span_id={}", lookup.span_id)),
        "{line}"
    );
}

#[test]
fn not_found_errors_and_other_methods() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let replies = rt.block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let mut replies = Vec::new();
        for (method, path, id) in [
            ("GET", "/nope/17", "r-404"),
            ("GET", "/fail", "r-500"),
            ("GET", "/unavailable", "r-503"),
            ("GET", "/teapot", "r-418"),
            ("PURGE", "/any", "r-purge"),
            ("GET", "/api/items/7", "r-nested"),
        ] {
            let reply = client
                .send(request(method, path, &[("x-request-id", id)]))
                .await;
            replies.push((id, reply));
        }
        replies
    });
    for (id, reply) in &replies {
        assert_eq!(reply.header("x-request-id"), Some(*id), "{id}");
        let trace_id = reply
            .header("x-trace-id")
            .expect("X-Trace-Id on every response");
        assert!(is_trace_id(trace_id), "{trace_id}");
        assert_eq!(telemetry.server_span(id).trace_id, trace_id, "{id}");
    }
    let status = |id: &str| replies.iter().find(|(i, _)| *i == id).unwrap().1.status;
    assert_eq!(status("r-404"), StatusCode::NOT_FOUND);
    assert_eq!(status("r-500"), StatusCode::INTERNAL_SERVER_ERROR);

    // No route matched: the method alone, never the raw path.
    let not_found = telemetry.server_span("r-404");
    assert_eq!(not_found.name, "GET");
    assert_eq!(str_attr(&not_found, "http.route"), None);
    assert_eq!(str_attr(&not_found, "url.path"), Some("/nope/17"));
    assert_eq!(
        not_found.attr("http.response.status_code"),
        Some(&Value::Int(404))
    );
    assert_eq!(not_found.status_code, "UNSET", "4xx is not a server error");
    assert_eq!(not_found.attr("error.type"), None);
    assert_eq!(not_found.parent_span_id, "", "no traceparent: a new trace");

    for (id, code) in [("r-500", 500), ("r-503", 503)] {
        let span = telemetry.server_span(id);
        assert_eq!(span.status_code, "ERROR", "{id}");
        assert_eq!(
            span.attr("http.response.status_code"),
            Some(&Value::Int(code))
        );
        assert_eq!(
            str_attr(&span, "error.type"),
            Some(code.to_string().as_str())
        );
    }

    let teapot = telemetry.server_span("r-418");
    assert_eq!(teapot.name, "GET /teapot");
    assert_eq!(teapot.status_code, "UNSET");
    assert_eq!(teapot.attr("error.type"), None);

    let purge = telemetry.server_span("r-purge");
    assert_eq!(purge.name, "HTTP /any");
    assert_eq!(str_attr(&purge, "http.request.method"), Some("_OTHER"));
    assert_eq!(
        str_attr(&purge, "http.request.method_original"),
        Some("PURGE")
    );

    let nested = telemetry.server_span("r-nested");
    assert_eq!(nested.name, "GET /api/items/{item}");
    assert_eq!(str_attr(&nested, "http.route"), Some("/api/items/{item}"));
    assert_eq!(str_attr(&nested, "url.path"), Some("/api/items/7"));
}

#[test]
fn two_traceparent_headers_start_a_new_trace() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let reply = rt.block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        client
            .send(request(
                "GET",
                "/users/1",
                &[
                    ("traceparent", TRACEPARENT),
                    ("traceparent", TRACEPARENT),
                    ("tracestate", "rojo=00f067aa0ba902b7"),
                    ("x-request-id", "two-parents"),
                ],
            ))
            .await
    });
    assert_eq!(reply.status, StatusCode::OK);
    let span = telemetry.server_span("two-parents");
    assert_ne!(span.trace_id, CLIENT_TRACE_ID);
    assert_eq!(span.parent_span_id, "");
    assert_eq!(span.trace_state, "");
    assert_eq!(reply.header("x-trace-id"), Some(span.trace_id.as_str()));
}

#[test]
fn http2_requests_are_instrumented_the_same() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let reply = rt.block_on(async {
        let addr = serve(app()).await;
        let client = Http2::connect(addr).await;
        client
            .send(request(
                "GET",
                "/users/7",
                &[("traceparent", TRACEPARENT), ("x-request-id", "h2")],
            ))
            .await
    });
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-request-id"), Some("h2"));
    let span = telemetry.server_span("h2");
    assert_eq!(span.name, "GET /users/{id}");
    assert_eq!(span.parent_span_id, CLIENT_SPAN_ID);
    assert_eq!(str_attr(&span, "network.protocol.version"), Some("2"));
    assert_eq!(str_attr(&span, "server.address"), Some("127.0.0.1"));
    assert_eq!(str_attr(&span, "url.scheme"), Some("http"));
}

#[test]
fn a_panicking_handler_ends_its_span_as_an_error() {
    let telemetry = Telemetry::init(&[]);
    let outcome = runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        client
            .try_send(request("GET", "/panic", &[("x-request-id", "panics")]))
            .await
    });
    assert!(outcome.is_err(), "the connection closes without a response");
    let span = telemetry.server_span("panics");
    assert_eq!(span.name, "GET /panic");
    assert_eq!(span.status_code, "ERROR");
    assert_eq!(str_attr(&span, "error.type"), Some("panic"));
    assert_eq!(span.attr("http.response.status_code"), None);
}
