//! One trace across every boundary: an HTTP request, whose handler publishes a CloudEvent on
//! a real NATS server; a `#[cloudevent_handler]` consumer that takes it and runs a child
//! process (`trace-child`) in its trace. The tree is read back from a real OTLP receiver:
//!
//! ```text
//! client span (the request's traceparent)
//! └─ POST /orders                         SERVER    (http::TelemetryLayer)
//!    └─ CloudEvents Create order.created  PRODUCER  (publish; NATS headers name it)
//!       └─ CloudEvents Process order.created  CONSUMER, linked to the producer
//!          └─ child.work                  (trace-child, another process)
//!             └─ tokenize.input
//! ```

mod http_support;
mod nats_support;
mod support;

use std::process::Command;

use axum::Router;
use axum::routing::post;
use cloudevents::{EventBuilder, EventBuilderV10};
use futures_util::StreamExt;
use http_support::{
    CLIENT_SPAN_ID, CLIENT_TRACE_ID, Http1, TRACEPARENT, Telemetry, request, runtime, serve,
};
use nats_support::NatsServer;
use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::{Event, Messaging, nats, publish};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::opentelemetry::context::FutureExt as _;
use telemetry_runtime::process::CommandExt;

const CHILD: &str = env!("CARGO_BIN_EXE_trace-child");

#[cloudevent_handler(system = "nats", destination = subject)]
async fn on_order(event: Event, subject: &str) -> Result<(), std::io::Error> {
    let _ = event;
    // The child joins this span's trace through TRACEPARENT.
    let output = Command::new(CHILD)
        .arg("e2e")
        .env("OTEL_SERVICE_NAME", "trace-child")
        .with_trace_context()
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

#[test]
fn http_to_nats_to_consumer_to_child_process_is_one_trace() {
    let nats_server = NatsServer::start();
    let telemetry = Telemetry::init(&[]);
    runtime().block_on(async {
        let client = async_nats::connect(nats_server.url()).await.unwrap();
        let mut orders = client.subscribe("orders").await.unwrap();
        client.flush().await.unwrap();

        // The consumer.
        let consumer = tokio::spawn(async move {
            let message = orders.next().await.unwrap();
            let event: Event = serde_json::from_slice(&message.payload).unwrap();
            let cx = nats::extract(&message);
            on_order(event, "orders").with_context(cx).await.unwrap();
        });

        // The HTTP service that publishes.
        let publisher = client.clone();
        let app = Router::new()
            .route(
                "/orders",
                post(move || {
                    let publisher = publisher.clone();
                    async move {
                        let event = EventBuilderV10::new()
                            .id("order-1")
                            .source("urn:shop")
                            .ty("order.created")
                            .build()
                            .unwrap();
                        let messaging = Messaging::new().system("nats").destination("orders");
                        publish(event, messaging, |event| async move {
                            let payload = serde_json::to_vec(&event).unwrap();
                            publisher
                                .publish_with_headers("orders", nats::headers(), payload.into())
                                .await?;
                            publisher.flush().await?;
                            Ok::<_, async_nats::Error>(())
                        })
                        .await
                        .map_err(|_| hyper::StatusCode::BAD_GATEWAY)?;
                        Ok::<_, hyper::StatusCode>(hyper::StatusCode::ACCEPTED)
                    }
                }),
            )
            .layer(TelemetryLayer::new());
        let addr = serve(app).await;
        let reply = Http1::connect(addr)
            .await
            .send(request("POST", "/orders", &[("traceparent", TRACEPARENT)]))
            .await;
        assert_eq!(reply.status, 202);
        consumer.await.unwrap();
    });

    let server = telemetry.spans_named("POST /orders", 1).remove(0);
    let producer = telemetry
        .spans_named("CloudEvents Create order.created", 1)
        .remove(0);
    let handler = telemetry
        .spans_named("CloudEvents Process order.created", 1)
        .remove(0);
    let child = telemetry.spans_named("child.work", 1).remove(0);
    let child_tokenize = telemetry.spans_named("tokenize.input", 1).remove(0);

    for span in [&server, &producer, &handler, &child, &child_tokenize] {
        assert_eq!(
            span.trace_id, CLIENT_TRACE_ID,
            "{} is in the client's trace",
            span.name
        );
    }
    assert_eq!(server.kind, "SERVER");
    assert_eq!(server.parent_span_id, CLIENT_SPAN_ID);
    assert_eq!(producer.kind, "PRODUCER");
    assert_eq!(producer.parent_span_id, server.span_id);
    assert_eq!(handler.kind, "CONSUMER");
    assert_eq!(handler.parent_span_id, producer.span_id);
    assert_eq!(handler.links.len(), 1);
    assert_eq!(handler.links[0].1, producer.span_id);
    assert_eq!(
        child.parent_span_id, handler.span_id,
        "the child process's root span"
    );
    assert_eq!(
        child.resource_attr("service.name").and_then(|v| v.as_str()),
        Some("trace-child"),
        "exported by the child process"
    );
    assert_eq!(child_tokenize.parent_span_id, child.span_id);
}
