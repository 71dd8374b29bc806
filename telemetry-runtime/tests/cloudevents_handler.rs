//! `#[cloudevent_handler]` and the producer helpers through a real SDK pipeline into an
//! in-memory exporter: span names, kinds, parents and links, attributes with their types,
//! status and events; CommonAttributes read from extensions; errors, panics and
//! cancellation.
#![cfg(feature = "sdk")]
#![cfg(feature = "cloudevents")]

mod common;

use std::time::Duration;

use cloudevents::{EventBuilder, EventBuilderV10};
use common::*;
use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceContextExt, TraceFlags, TraceId, TraceState,
};
use telemetry_runtime::cloudevents::{
    Event, Messaging, creation_context, publish, read_common, start_producer, write_common,
};
use telemetry_runtime::scope;
use telemetry_runtime::{CommonAttributes, cloudevent_handler};

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[derive(Clone, Debug, PartialEq, CommonAttributes)]
struct Ids {
    #[attr(key = "gen_ai.agent.id")]
    assistant_id: String,
    #[attr(key = "session.id")]
    session_id: Option<String>,
    #[attr(key = "app.channel.id", extension = "chan", metric)]
    channel_id: String,
}

#[derive(Debug)]
struct Rejected;

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("order 42 rejected for user alice")
    }
}

fn event(ty: &str) -> Event {
    EventBuilderV10::new()
        .id("evt-1")
        .source("urn:shop:orders")
        .ty(ty)
        .subject("order-42")
        .build()
        .unwrap()
}

fn with_creation(mut event: Event) -> Event {
    event.set_extension("traceparent", TRACEPARENT);
    event.set_extension("tracestate", "vendor=v1");
    event
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

#[cloudevent_handler(system = "nats", destination = subject.to_owned())]
async fn handle(event: Event, subject: &str) -> Result<usize, Rejected> {
    tokio::time::sleep(Duration::from_millis(1)).await;
    tracing_free_child();
    if event.extension("reject").is_some() {
        return Err(Rejected);
    }
    Ok(subject.len())
}

/// The handler's span is the current context inside its body.
fn tracing_free_child() {
    assert!(
        Context::current().has_active_span(),
        "the handler's span is current in its body"
    );
}

#[test]
fn a_handler_is_one_consumer_span_with_the_cloudevents_and_messaging_attributes() {
    let h = Harness::new();
    let out = runtime().block_on(handle(event("order.created"), "orders.created"));
    assert_eq!(out.unwrap(), 14);
    let span = h.only_span();
    assert_eq!(span.name, "CloudEvents Process order.created");
    assert_eq!(span.span_kind, SpanKind::Consumer);
    assert_eq!(span.status, Status::Unset);
    assert_attributes(
        &span,
        &[
            ("cloudevents.event_id", s("evt-1")),
            ("cloudevents.event_source", s("urn:shop:orders")),
            ("cloudevents.event_spec_version", s("1.0")),
            ("cloudevents.event_type", s("order.created")),
            ("cloudevents.event_subject", s("order-42")),
            ("messaging.operation.type", s("process")),
            ("messaging.operation.name", s("process")),
            ("messaging.message.id", s("evt-1")),
            ("messaging.system", s("nats")),
            ("messaging.destination.name", s("orders.created")),
        ],
    );
    // No creation context: a root span without links.
    assert_eq!(span.parent_span_id, SpanId::INVALID);
    assert!(span.links.is_empty());
}

#[test]
fn without_ambient_context_the_creation_context_is_parent_and_link() {
    let h = Harness::new();
    runtime()
        .block_on(handle(with_creation(event("t")), "s"))
        .unwrap();
    let span = h.only_span();
    assert_eq!(
        span.span_context.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(span.parent_span_id.to_string(), "00f067aa0ba902b7");
    assert!(span.parent_span_is_remote);
    assert_eq!(span.links.len(), 1);
    let link = &span.links.links[0];
    assert_eq!(link.span_context.span_id().to_string(), "00f067aa0ba902b7");
    assert_eq!(link.span_context.trace_state().header(), "vendor=v1");
}

#[test]
fn with_an_ambient_context_that_is_the_parent_and_the_creation_context_a_link() {
    let h = Harness::new();
    let transport = SpanContext::new(
        TraceId::from(0xaaaa_u128),
        SpanId::from(0xbbbb_u64),
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let cx = Context::current().with_remote_span_context(transport);
    runtime()
        .block_on(async {
            let _attached = cx.attach();
            handle(with_creation(event("t")), "s").await
        })
        .unwrap();
    let span = h.only_span();
    assert_eq!(span.span_context.trace_id(), TraceId::from(0xaaaa_u128));
    assert_eq!(span.parent_span_id, SpanId::from(0xbbbb_u64));
    assert_eq!(span.links.len(), 1);
    assert_eq!(
        span.links.links[0].span_context.trace_id().to_string(),
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
}

#[test]
fn a_hostile_creation_context_is_ignored() {
    let h = Harness::new();
    for bad in [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra!",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "\u{0}\u{1}\u{2}",
    ] {
        let mut e = event("t");
        e.set_extension("traceparent", bad);
        runtime().block_on(handle(e, "s")).unwrap();
    }
    for span in h.spans() {
        assert_eq!(span.parent_span_id, SpanId::INVALID);
        assert!(span.links.is_empty());
    }
}

#[test]
fn an_err_sets_status_error_type_and_an_exception_event() {
    let h = Harness::new();
    common::capture_error_text();
    let mut e = event("t");
    e.set_extension("reject", true);
    assert!(runtime().block_on(handle(e, "s")).is_err());
    let span = h.only_span();
    assert_eq!(
        span.status,
        Status::error("order 42 rejected for user alice")
    );
    assert_attr(&span, "error.type", s("Rejected"));
    let exception = span.events.iter().find(|e| e.name == "exception").unwrap();
    assert!(
        exception
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "exception.type" && kv.value == s("Rejected"))
    );
}

#[cloudevent_handler]
async fn panics(_unused: u8, event: &Event) {
    let _ = event;
    panic!("boom");
}

#[test]
fn a_panic_ends_the_span_with_error_type_panic() {
    let h = Harness::new();
    let e = event("t");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime().block_on(panics(0, &e));
    }));
    assert!(result.is_err());
    let span = h.only_span();
    assert_attr(&span, "error.type", s("panic"));
    assert!(matches!(span.status, Status::Error { .. }));
}

#[cloudevent_handler]
async fn slow(event: Event) {
    let _ = event;
    tokio::time::sleep(Duration::from_secs(3600)).await;
}

#[test]
fn a_handler_dropped_early_is_cancelled() {
    let h = Harness::new();
    runtime().block_on(async {
        let _ = tokio::time::timeout(Duration::from_millis(5), slow(event("t"))).await;
    });
    let span = h.only_span();
    assert_attr(&span, "error.type", s("cancelled"));
}

#[cloudevent_handler(common = Ids)]
async fn scoped(event: Event) -> Option<Ids> {
    let _ = event;
    tokio::task::yield_now().await;
    scope::current::<Ids>()
}

fn ids() -> Ids {
    Ids {
        assistant_id: "asst-1".into(),
        session_id: Some("sess-9".into()),
        channel_id: "web".into(),
    }
}

#[test]
fn common_attributes_come_from_extensions_into_the_scope_and_onto_the_span() {
    let h = Harness::new();
    let mut e = event("t");
    write_common(&mut e, &ids());
    assert_eq!(
        e.extension("assistantid")
            .map(ToString::to_string)
            .as_deref(),
        Some("asst-1")
    );
    assert_eq!(
        e.extension("chan").map(ToString::to_string).as_deref(),
        Some("web")
    );
    assert_eq!(read_common::<Ids>(&e).unwrap(), ids());
    let seen = runtime().block_on(scoped(e));
    assert_eq!(seen, Some(ids()));
    let span = h.only_span();
    assert_attr(&span, "gen_ai.agent.id", s("asst-1"));
    assert_attr(&span, "session.id", s("sess-9"));
    assert_attr(&span, "app.channel.id", s("web"));
}

#[test]
fn an_event_without_the_identifiers_is_handled_outside_their_scope() {
    let h = Harness::new();
    let mut e = event("t");
    e.set_extension("assistantid", "a\u{7}b"); // a control character
    e.set_extension("chan", "web");
    assert_eq!(runtime().block_on(scoped(e)), None);
    let span = h.only_span();
    let error = span
        .events
        .iter()
        .find(|e| e.name == "app.common_attributes.error")
        .expect("the reason is on the span");
    assert_eq!(
        error.attributes[0].value.as_str(),
        "CloudEvents extension `assistantid` contains a control character at byte 1"
    );
    assert_absent(&span, "gen_ai.agent.id");
}

#[test]
fn the_scope_applies_with_telemetry_off() {
    let _h = Harness::without_tracer();
    let mut e = event("t");
    write_common(&mut e, &ids());
    assert_eq!(runtime().block_on(scoped(e)), Some(ids()));
}

#[test]
fn the_producer_span_writes_the_creation_context_once() {
    let h = Harness::new();
    let mut e = event("order.created");
    let span = start_producer(
        &mut e,
        Messaging::new().system("kafka").destination("orders"),
    );
    let written = creation_context(&e).unwrap();
    span.end();
    let producer = h.only_span();
    assert_eq!(producer.name, "CloudEvents Create order.created");
    assert_eq!(producer.span_kind, SpanKind::Producer);
    assert_eq!(written.span_id(), producer.span_context.span_id());
    assert_eq!(written.trace_id(), producer.span_context.trace_id());
    assert_attr(&producer, "messaging.operation.type", s("create"));
    assert_attr(&producer, "messaging.system", s("kafka"));
    assert_attr(&producer, "messaging.destination.name", s("orders"));

    // A second hop keeps the first creation context.
    let again = start_producer(&mut e, Messaging::new());
    again.end();
    assert_eq!(creation_context(&e).unwrap().span_id(), written.span_id());
}

#[test]
fn publish_covers_the_send_and_records_its_error() {
    let h = Harness::new();
    common::capture_error_text();
    let rt = runtime();
    let seen = rt
        .block_on(publish(event("t"), Messaging::new(), |e| async move {
            let current = Context::current().span().span_context().clone();
            Ok::<_, Rejected>((creation_context(&e).unwrap(), current))
        }))
        .unwrap();
    assert_eq!(
        seen.0.span_id(),
        seen.1.span_id(),
        "the send runs in the span"
    );
    let failed = rt.block_on(publish(event("t"), Messaging::new(), |_| async {
        Err::<(), _>(Rejected)
    }));
    assert!(failed.is_err());
    let spans = h.spans();
    assert_eq!(spans.len(), 2);
    assert_eq!(
        spans[1].status,
        Status::error("order 42 rejected for user alice")
    );
    assert_attr(&spans[1], "error.type", s("Rejected"));
}

#[test]
fn with_telemetry_off_nothing_is_written_into_the_event() {
    let _h = Harness::without_tracer();
    let mut e = event("t");
    start_producer(&mut e, Messaging::new()).end();
    assert!(e.extension("traceparent").is_none());
}
