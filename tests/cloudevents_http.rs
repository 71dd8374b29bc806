//! CloudEvents over HTTP with cloudevents-sdk's own bindings (reqwest on the client, the axum
//! extractor on the server, behind `http::TelemetryLayer`), exported to a real OTLP receiver.
//!
//! Binary mode carries the event's creation context in `ce-traceparent`, distinct from the
//! transport's `traceparent` (the client span); structured mode carries it inside the JSON
//! event. Either way the handler's span is the child of the server span and links to the
//! producer span.

mod http_support;
mod support;

use axum::Router;
use axum::routing::post;
use cloudevents::binding::reqwest::RequestBuilderExt;
use cloudevents::{EventBuilder, EventBuilderV10};
use http_support::{Telemetry, runtime, serve};
use hyper::HeaderMap;
use otlp_receiver::ReceivedSpan;
use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::{Event, Messaging, inject_http_headers, start_producer};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::opentelemetry::trace::{SpanKind, TraceContextExt, Tracer};
use telemetry_runtime::opentelemetry::{Context, global};
use tokio::sync::mpsc;

#[cloudevent_handler]
async fn on_order(event: Event) -> Result<(), std::io::Error> {
    let _ = event;
    Ok(())
}

/// A server that hands the headers it saw to the test, then runs the handler.
async fn server(seen: mpsc::UnboundedSender<HeaderMap>) -> String {
    let app = Router::new()
        .route(
            "/events",
            post(move |headers: HeaderMap, event: Event| {
                let seen = seen.clone();
                async move {
                    let _ = seen.send(headers);
                    on_order(event)
                        .await
                        .map_err(|_| hyper::StatusCode::BAD_GATEWAY)?;
                    Ok::<_, hyper::StatusCode>(hyper::StatusCode::ACCEPTED)
                }
            }),
        )
        .layer(TelemetryLayer::new());
    format!("http://{}/events", serve(app).await)
}

fn order() -> Event {
    EventBuilderV10::new()
        .id("order-7")
        .source("urn:shop")
        .ty("order.created")
        .data("application/json", serde_json::json!({"sku": "A-1"}))
        .build()
        .unwrap()
}

/// Sends `event` from inside a PRODUCER span, through a CLIENT span whose context is the
/// transport's `traceparent`. Returns (producer span id, client span id).
async fn send(url: &str, mut event: Event, structured: bool) -> (String, String) {
    let producer = start_producer(&mut event, Messaging::new());
    let producer_cx = producer.context().unwrap();
    let client_span = global::tracer("test-client")
        .span_builder("POST /events")
        .with_kind(SpanKind::Client)
        .start_with_context(&global::tracer("test-client"), &producer_cx);
    let client_cx = Context::current().with_span(client_span);
    let mut headers = HeaderMap::new();
    inject_http_headers(&client_cx, &mut headers);
    let client = reqwest012::Client::new();
    let request = client.post(url).headers(headers);
    let request = if structured {
        request
            .header("content-type", "application/cloudevents+json")
            .body(serde_json::to_vec(&event).unwrap())
    } else {
        request.event(event).unwrap()
    };
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 202);
    client_cx.span().end();
    producer.end();
    (
        producer_cx.span().span_context().span_id().to_string(),
        client_cx.span().span_context().span_id().to_string(),
    )
}

fn check_tree(telemetry: &Telemetry, producer: &str, client: &str) -> ReceivedSpan {
    let handler = telemetry
        .spans_named("CloudEvents Process order.created", 1)
        .remove(0);
    let server = telemetry.spans_named("POST /events", 2);
    let server = server.iter().find(|s| s.kind == "SERVER").unwrap();
    let producer_span = telemetry
        .spans_named("CloudEvents Create order.created", 1)
        .remove(0);
    assert_eq!(producer_span.kind, "PRODUCER");
    assert_eq!(producer_span.span_id, producer);
    assert_eq!(
        server.parent_span_id, client,
        "the server's parent is the client span"
    );
    assert_eq!(handler.kind, "CONSUMER");
    assert_eq!(
        handler.parent_span_id, server.span_id,
        "the handler nests in the request"
    );
    assert_eq!(handler.trace_id, producer_span.trace_id, "one trace");
    assert_eq!(handler.links.len(), 1);
    assert_eq!(
        handler.links[0].1, producer,
        "the link is the creation context"
    );
    assert_eq!(
        handler
            .attr("cloudevents.event_id")
            .and_then(|v| v.as_str()),
        Some("order-7")
    );
    handler
}

#[test]
fn binary_mode_carries_the_creation_context_in_ce_traceparent() {
    let telemetry = Telemetry::init(&[]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (producer, client, headers) = runtime().block_on(async {
        let url = server(tx).await;
        let (producer, client) = send(&url, order(), false).await;
        (producer, client, rx.recv().await.unwrap())
    });
    let ce = headers["ce-traceparent"].to_str().unwrap();
    let transport = headers["traceparent"].to_str().unwrap();
    assert_eq!(
        &ce[36..52],
        producer,
        "ce-traceparent names the producer span"
    );
    assert_eq!(
        &transport[36..52],
        client,
        "traceparent names the client span"
    );
    assert_ne!(ce, transport);
    assert_eq!(&ce[3..35], &transport[3..35], "one trace");
    check_tree(&telemetry, &producer, &client);
}

#[test]
fn structured_mode_carries_the_creation_context_in_the_json_event() {
    let telemetry = Telemetry::init(&[]);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (producer, client, headers) = runtime().block_on(async {
        let url = server(tx).await;
        let (producer, client) = send(&url, order(), true).await;
        (producer, client, rx.recv().await.unwrap())
    });
    assert!(headers.get("ce-traceparent").is_none());
    assert_eq!(
        headers["content-type"].to_str().unwrap(),
        "application/cloudevents+json"
    );
    check_tree(&telemetry, &producer, &client);
}
