//! The request scope of `TelemetryLayer::with_common_attributes` over real sockets: the
//! identifiers reach the handler, the server span and every log line of the request; a
//! missing or invalid header is a 400 naming it; requests never see each other's identifiers,
//! on one keep-alive connection, multiplexed on one HTTP/2 connection, or on two connections.

mod http_support;
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Extension, Router};
use http_support::{
    CLIENT_TRACE_ID, Ctx, Http1, Http2, Reply, TRACEPARENT, Telemetry, request, runtime, serve,
};
use otlp_receiver::Value;
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::opentelemetry::context::FutureExt as _;
use telemetry_runtime::scope;
use telemetry_runtime::tracing::info;

const IDS: [(&str, &str); 2] = [("x-assistant-id", "a-1"), ("x-channel-id", "web")];

/// Reads the scope several times across awaits and logs each time; answers the assistant id
/// it saw, or `MIXED` if it changed, or `none` without a scope.
async fn who(headers: HeaderMap) -> String {
    let sent = headers
        .get("x-assistant-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let mut seen = Vec::new();
    for tick in 0..4_i64 {
        info!(tick, "tick");
        seen.push(scope::current::<Ctx>().map(|c| c.assistant_id));
        let pause = 2 + (sent.as_deref().map_or(0, str::len) as u64 * 7 + tick as u64 * 5) % 13;
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    if seen.iter().any(|s| s != &seen[0]) {
        return format!("MIXED {seen:?}");
    }
    seen[0].clone().unwrap_or_else(|| "none".into())
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

async fn handle(Extension(ctx): Extension<Ctx>) -> String {
    CALLS.fetch_add(1, Ordering::SeqCst);
    assert_eq!(scope::current::<Ctx>().as_ref(), Some(&ctx));
    info!("handling");
    // A spawned task keeps the scope (and the trace context) only when asked to.
    let task = async {
        info!("spawned");
        scope::current::<Ctx>().map(|c| c.assistant_id)
    };
    let kept = tokio::spawn(scope::in_current_scope(task.with_current_context()))
        .await
        .unwrap();
    format!("{} {}", ctx.assistant_id, kept.unwrap_or_default())
}

fn app(layer: TelemetryLayer) -> Router {
    Router::new()
        .route("/handle", get(handle))
        .route("/who", get(who))
        .layer(layer)
}

fn strict() -> TelemetryLayer {
    TelemetryLayer::new().with_common_attributes::<Ctx>()
}

fn lenient() -> TelemetryLayer {
    strict().ignore_invalid_common_attributes()
}

#[test]
fn common_attributes_reach_the_handler_the_span_and_every_log_line() {
    let telemetry = Telemetry::init(&[]);
    let reply = runtime().block_on(async {
        let addr = serve(app(strict())).await;
        let mut client = Http1::connect(addr).await;
        client
            .send(request(
                "GET",
                "/handle",
                &[
                    ("x-assistant-id", "a-1"),
                    ("x-session-id", "s 1"),
                    ("x-channel-id", "web"),
                    ("traceparent", TRACEPARENT),
                    ("x-request-id", "scoped"),
                ],
            ))
            .await
    });
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "a-1 a-1");
    info!("outside");

    let span = telemetry.server_span("scoped");
    assert_eq!(span.name, "GET /handle");
    assert_eq!(
        span.attr("app.assistant.id"),
        Some(&Value::String("a-1".into()))
    );
    assert_eq!(
        span.attr("app.channel.id"),
        Some(&Value::String("web".into()))
    );
    assert_eq!(span.attr("session.id"), Some(&Value::String("s 1".into())));

    for message in ["handling", "spawned"] {
        let line = telemetry.logs.lines_containing(message).pop().unwrap();
        for field in [
            "assistant_id=a-1",
            "channel_id=web",
            "session_id=\"s 1\"",
            &format!("trace_id={CLIENT_TRACE_ID}"),
        ] {
            assert!(line.contains(field), "{message}: {field} in {line}");
        }
    }
    let line = telemetry.logs.lines_containing("handling").pop().unwrap();
    assert!(
        line.contains(&format!("span_id={}", span.span_id)),
        "{line}"
    );
    let outside = telemetry.logs.lines_containing("outside").pop().unwrap();
    assert!(!outside.contains("assistant_id"), "{outside}");
    assert!(!outside.contains("trace_id"), "{outside}");
}

#[test]
fn json_log_lines_carry_the_common_attributes_as_keys() {
    let telemetry = Telemetry::init(&[("TELEMETRY_LOG_FORMAT", "json")]);
    let reply = runtime().block_on(async {
        let addr = serve(app(strict())).await;
        let mut client = Http1::connect(addr).await;
        let mut headers = IDS.to_vec();
        headers.push(("traceparent", TRACEPARENT));
        client.send(request("GET", "/handle", &headers)).await
    });
    assert_eq!(reply.status, StatusCode::OK);
    let line = telemetry.logs.lines_containing("handling").pop().unwrap();
    let object: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(object["message"], "handling");
    assert_eq!(object["assistant_id"], "a-1");
    assert_eq!(object["channel_id"], "web");
    assert_eq!(object.get("session_id"), None, "absent optional field");
    assert_eq!(object["trace_id"], CLIENT_TRACE_ID);
}

#[test]
fn a_missing_or_invalid_required_header_is_a_400_naming_it() {
    let telemetry = Telemetry::init(&[]);
    let too_long = "c".repeat(33);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("x-assistant-id", "a-1")],
            "missing required header `x-channel-id`\n",
        ),
        (
            vec![("x-assistant-id", "a-1"), ("x-channel-id", &too_long)],
            "header `x-channel-id` is too long: 33 bytes, at most 32 allowed\n",
        ),
        (
            vec![("x-assistant-id", "a\t1"), ("x-channel-id", "web")],
            "header `x-assistant-id` contains a control character at byte 1\n",
        ),
        (
            vec![
                ("x-assistant-id", "a-1"),
                ("x-assistant-id", "a-2"),
                ("x-channel-id", "web"),
            ],
            "header `x-assistant-id` is sent more than once\n",
        ),
        (
            vec![("x-assistant-id", "a-1"), ("x-channel-id", "")],
            "header `x-channel-id` is empty\n",
        ),
    ];
    let replies: Vec<Reply> = runtime().block_on(async {
        let addr = serve(app(strict())).await;
        let mut client = Http1::connect(addr).await;
        let mut replies = Vec::new();
        for (headers, _) in &cases {
            replies.push(client.send(request("GET", "/handle", headers)).await);
        }
        replies
    });
    assert_eq!(CALLS.load(Ordering::SeqCst), 0, "the handler never ran");
    for ((_, body), reply) in cases.iter().zip(&replies) {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(&reply.body, body);
        assert_eq!(
            reply.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        let trace_id = reply.header("x-trace-id").expect("X-Trace-Id on a 400");
        assert_eq!(reply.header("x-request-id"), Some(trace_id));
        let span = telemetry.server_span(trace_id);
        assert_eq!(span.name, "GET /handle");
        assert_eq!(
            span.attr("http.response.status_code"),
            Some(&Value::Int(400))
        );
        assert_eq!(span.status_code, "UNSET", "a client error");
        assert_eq!(span.attr("app.assistant.id"), None);
    }
}

#[test]
fn ignore_invalid_common_attributes_serves_the_request_without_a_scope() {
    let _telemetry = Telemetry::init(&[]);
    let replies = runtime().block_on(async {
        let addr = serve(app(lenient())).await;
        let mut client = Http1::connect(addr).await;
        [
            client
                .send(request("GET", "/who", &[("x-assistant-id", "a-1")]))
                .await,
            client.send(request("GET", "/who", &IDS)).await,
        ]
    });
    assert_eq!(replies[0].status, StatusCode::OK);
    assert_eq!(replies[0].body, "none");
    assert_eq!(replies[1].body, "a-1");
}

#[test]
fn requests_on_one_keep_alive_connection_never_share_a_scope() {
    let telemetry = Telemetry::init(&[]);
    let sequence: [Option<&str>; 6] = [Some("a-1"), None, Some("a-22"), None, None, Some("a-1")];
    let replies = runtime().block_on(async {
        let addr = serve(app(lenient())).await;
        let mut client = Http1::connect(addr).await;
        let mut replies = Vec::new();
        for assistant in sequence {
            let headers: Vec<(&str, &str)> = match assistant {
                Some(id) => vec![("x-assistant-id", id), ("x-channel-id", "web")],
                None => vec![],
            };
            replies.push(client.send(request("GET", "/who", &headers)).await);
        }
        replies
    });
    for (assistant, reply) in sequence.iter().zip(&replies) {
        assert_eq!(reply.body, assistant.unwrap_or("none"));
        let trace_id = reply.header("x-trace-id").unwrap();
        let lines = telemetry
            .logs
            .lines_containing(&format!("trace_id={trace_id}"));
        assert_eq!(lines.len(), 4, "{lines:?}");
        for line in lines {
            match assistant {
                Some(id) => assert!(line.contains(&format!("assistant_id={id} ")), "{line}"),
                None => assert!(!line.contains("assistant_id"), "{line}"),
            }
        }
    }
}

#[test]
fn concurrent_requests_never_see_each_others_attributes() {
    let telemetry = Telemetry::init(&[]);
    let (h2, h1) = runtime().block_on(async {
        let addr = serve(app(lenient())).await;
        // 16 requests multiplexed on one HTTP/2 connection...
        let h2 = Http2::connect(addr).await;
        let multiplexed = (0..16).map(|i| {
            let client = h2.clone();
            async move {
                let id = format!("h2-{i}");
                let headers = [("x-assistant-id", id.as_str()), ("x-channel-id", "web")];
                (
                    id.clone(),
                    client.send(request("GET", "/who", &headers)).await,
                )
            }
        });
        let multiplexed = futures_util::future::join_all(multiplexed);
        // ...while two HTTP/1.1 connections send theirs one after the other.
        let connection = |n: usize| async move {
            let mut client = Http1::connect(addr).await;
            let mut replies = Vec::new();
            for i in 0..4 {
                let id = format!("h1-{n}-{i}");
                let headers = [("x-assistant-id", id.as_str()), ("x-channel-id", "app")];
                replies.push((
                    id.clone(),
                    client.send(request("GET", "/who", &headers)).await,
                ));
            }
            replies
        };
        let (h2, a, b) = tokio::join!(multiplexed, connection(1), connection(2));
        (h2, a.into_iter().chain(b).collect::<Vec<_>>())
    });
    assert_eq!(h2.len() + h1.len(), 24);
    for (id, reply) in h2.iter().chain(&h1) {
        assert_eq!(&reply.body, id, "the handler saw only its own attributes");
        let trace_id = reply.header("x-trace-id").unwrap();
        let lines = telemetry
            .logs
            .lines_containing(&format!("trace_id={trace_id}"));
        assert_eq!(lines.len(), 4, "{id}: {lines:?}");
        for line in lines {
            assert!(
                line.contains(&format!("assistant_id={id} ")),
                "{id}: {line}"
            );
        }
        let span = telemetry.server_span(trace_id);
        assert_eq!(
            span.attr("app.assistant.id"),
            Some(&Value::String(id.clone()))
        );
        let version = if id.starts_with("h2") { "2" } else { "1.1" };
        assert_eq!(
            span.attr("network.protocol.version"),
            Some(&Value::String(version.into()))
        );
    }
}
