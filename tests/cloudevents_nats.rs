//! CloudEvents over a real NATS server (structured mode: the JSON event is the payload, the
//! transport context in the message headers), exported to a real OTLP receiver.

mod http_support;
mod nats_support;
mod support;

use cloudevents::{EventBuilder, EventBuilderV10};
use futures_util::StreamExt;
use http_support::{Telemetry, runtime};
use nats_support::NatsServer;
use telemetry_runtime::cloudevent_handler;
use telemetry_runtime::cloudevents::{Event, Messaging, nats, publish};
use telemetry_runtime::tracing::{self, Instrument};

#[cloudevent_handler(system = "nats", destination = subject)]
async fn on_order(event: Event, subject: &str) -> Result<(), std::io::Error> {
    tracing::info!(id = %event.id(), "order handled");
    Ok(())
}

fn order(id: &str) -> Event {
    EventBuilderV10::new()
        .id(id)
        .source("urn:shop")
        .ty("order.created")
        .build()
        .unwrap()
}

use cloudevents::AttributesReader as _;

#[test]
fn the_message_headers_carry_the_context_and_the_handler_links_the_producer() {
    let nats_server = NatsServer::start();
    let telemetry = Telemetry::init(&[]);
    let headers_seen = runtime().block_on(async {
        let client = async_nats::connect(nats_server.url()).await.unwrap();
        let mut orders = client.subscribe("orders").await.unwrap();
        client.flush().await.unwrap();
        let publisher = client.clone();
        async move {
            publish(
                order("o-1"),
                Messaging::new().system("nats").destination("orders"),
                |event| async move {
                    let payload = serde_json::to_vec(&event).unwrap();
                    // The transport's own span, distinct from the creation context.
                    let headers = async { nats::headers() }
                        .instrument(tracing::info_span!("orders publish"))
                        .await;
                    publisher
                        .publish_with_headers("orders", headers, payload.into())
                        .await?;
                    publisher.flush().await?;
                    Ok::<_, async_nats::Error>(())
                },
            )
            .await
            .unwrap();
        }
        .instrument(tracing::info_span!("checkout"))
        .await;

        let message = orders.next().await.unwrap();
        let event: Event = serde_json::from_slice(&message.payload).unwrap();
        let headers = message.headers.clone().unwrap();
        let cx = nats::extract(&message);
        {
            let handled = on_order(event, "orders");
            let _attached = cx.attach();
            // Attach around the whole await: the handler's span starts at the first poll.
            handled.await.unwrap();
        }
        headers
    });
    let traceparent = headers_seen.get("traceparent").unwrap().as_str().to_owned();

    let producer = telemetry
        .spans_named("CloudEvents Create order.created", 1)
        .remove(0);
    let checkout = telemetry.spans_named("checkout", 1).remove(0);
    let transport = telemetry.spans_named("orders publish", 1).remove(0);
    assert_eq!(transport.parent_span_id, producer.span_id);
    let handler = telemetry
        .spans_named("CloudEvents Process order.created", 1)
        .remove(0);
    assert_eq!(producer.parent_span_id, checkout.span_id);
    assert_eq!(
        &traceparent[36..52],
        transport.span_id,
        "the NATS headers name the span the publish ran in"
    );
    assert_eq!(
        handler.parent_span_id, transport.span_id,
        "the transport's context is the parent"
    );
    assert_eq!(handler.trace_id, checkout.trace_id, "one trace");
    assert_eq!(handler.links.len(), 1);
    assert_eq!(handler.links[0].1, producer.span_id);
    assert_eq!(
        handler.attr("messaging.system").and_then(|v| v.as_str()),
        Some("nats")
    );
    assert_eq!(
        handler
            .attr("messaging.destination.name")
            .and_then(|v| v.as_str()),
        Some("orders")
    );
}

#[test]
fn hostile_headers_are_ignored_and_the_creation_context_is_the_parent() {
    let nats_server = NatsServer::start();
    let telemetry = Telemetry::init(&[]);
    let producer_span_id = runtime().block_on(async {
        let client = async_nats::connect(nats_server.url()).await.unwrap();
        let mut orders = client.subscribe("orders").await.unwrap();
        client.flush().await.unwrap();
        let mut event = order("o-2");
        let producer = telemetry_runtime::cloudevents::start_producer(&mut event, Messaging::new());
        let id = producer
            .context()
            .map(|cx| {
                use telemetry_runtime::opentelemetry::trace::TraceContextExt as _;
                cx.span().span_context().span_id().to_string()
            })
            .unwrap();
        producer.end();
        let mut headers = async_nats::HeaderMap::new();
        headers.append(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        );
        headers.append(
            "traceparent",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        );
        headers.append("tracestate", "=;=;");
        headers.append("baggage", &*"x".repeat(10_000));
        client
            .publish_with_headers(
                "orders",
                headers,
                serde_json::to_vec(&event).unwrap().into(),
            )
            .await
            .unwrap();
        client.flush().await.unwrap();
        let message = orders.next().await.unwrap();
        let event: Event = serde_json::from_slice(&message.payload).unwrap();
        let cx = nats::extract(&message);
        let handled = on_order(event, "orders");
        let _attached = cx.attach();
        handled.await.unwrap();
        id
    });
    let handler = telemetry
        .spans_named("CloudEvents Process order.created", 1)
        .remove(0);
    assert_eq!(
        handler.parent_span_id, producer_span_id,
        "two traceparent headers are no context: the event's creation context is the parent"
    );
}
