//! The CONSUMER span of a `#[cloudevent_handler]`.

use std::future::Future;

use ::cloudevents::{AttributesReader as _, Event};
use opentelemetry::trace::{Link, SpanBuilder, SpanKind, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};

use super::common::HandlerScope;
use super::messaging::Messaging;
use super::trace_extension::creation_context;
use crate::attribute_limits::untrusted;
use crate::scope::Scoped;
use crate::span::SpanCore;

/// What a `#[cloudevent_handler]` parameter holding the event can be.
#[diagnostic::on_unimplemented(
    message = "`#[cloudevent_handler]` needs the event as a `cloudevents::Event`, found `{Self}`",
    label = "not a `cloudevents::Event`",
    note = "take the event as `event: cloudevents::Event` (or `&Event`), or name the parameter that holds it with `#[cloudevent_handler(event = name)]`"
)]
pub trait HandlerEvent {
    /// The event.
    fn as_event(&self) -> &Event;
}

impl HandlerEvent for Event {
    fn as_event(&self) -> &Event {
        self
    }
}

impl HandlerEvent for &Event {
    fn as_event(&self) -> &Event {
        self
    }
}

impl HandlerEvent for &mut Event {
    fn as_event(&self) -> &Event {
        self
    }
}

impl HandlerEvent for Box<Event> {
    fn as_event(&self) -> &Event {
        self
    }
}

/// The event of a handler parameter.
#[inline]
pub fn handler_event<E: HandlerEvent>(event: &E) -> &Event {
    event.as_event()
}

/// The span attributes every CloudEvent span carries.
pub(super) fn event_attributes(
    event: &Event,
    operation: &'static str,
    messaging: &Messaging,
) -> Vec<KeyValue> {
    let mut attributes = Vec::with_capacity(11);
    // The event's metadata is the producer's: capped
    // (`attribute_limits::UNTRUSTED_VALUE_MAX_CHARS`).
    attributes.push(KeyValue::new(
        "cloudevents.event_id",
        untrusted(event.id()).into_owned(),
    ));
    attributes.push(KeyValue::new(
        "cloudevents.event_source",
        untrusted(event.source().as_str()).into_owned(),
    ));
    attributes.push(KeyValue::new(
        "cloudevents.event_spec_version",
        event.specversion().to_string(),
    ));
    attributes.push(KeyValue::new(
        "cloudevents.event_type",
        untrusted(event.ty()).into_owned(),
    ));
    if let Some(subject) = event.subject() {
        attributes.push(KeyValue::new(
            "cloudevents.event_subject",
            untrusted(subject).into_owned(),
        ));
    }
    attributes.push(KeyValue::new("messaging.operation.type", operation));
    attributes.push(KeyValue::new("messaging.operation.name", operation));
    attributes.push(KeyValue::new("messaging.message.id", event.id().to_owned()));
    messaging.attributes(&mut attributes);
    attributes
}

/// Starts the CONSUMER span `CloudEvents Process {type}` of a handler: linked to the event's
/// creation context, the child of the ambient context when there is one, else of the creation
/// context (see the [module](super) docs). `messaging` is called only when a tracer is
/// installed.
pub fn process_span(event: &Event, messaging: impl FnOnce() -> Messaging) -> SpanCore {
    if !crate::span::is_enabled() {
        return SpanCore::disabled();
    }
    let messaging = messaging();
    let creation = creation_context(event);
    let ambient = Context::current();
    let parent = match &creation {
        Some(creation) if !ambient.has_active_span() => {
            ambient.with_remote_span_context(creation.clone())
        }
        _ => ambient,
    };
    let builder = SpanBuilder::from_name(format!("CloudEvents Process {}", event.ty()))
        .with_kind(SpanKind::Consumer)
        .with_attributes(event_attributes(event, "process", &messaging))
        .with_links(creation.map(Link::with_context).into_iter().collect());
    SpanCore::start_built(builder, &parent)
}

/// `future` in the handler's scope.
pub fn in_scope<F: Future>(scope: HandlerScope, future: F) -> Scoped<F> {
    crate::scope::with_level(scope.into_level(), future)
}

#[cfg(test)]
mod tests {
    use ::cloudevents::{EventBuilder, EventBuilderV10};

    use super::*;

    /// The table `.ci/check-semconv` checks against the registry.
    const FACTS: &str = include_str!("../../semconv/facts.tsv");

    #[test]
    fn every_attribute_is_in_the_facts_table_with_its_type_and_enum_values() {
        let event = EventBuilderV10::new()
            .id("1")
            .source("urn:s")
            .ty("t")
            .subject("x")
            .build()
            .unwrap();
        let messaging = Messaging::new().system("kafka").destination("d");
        for operation in ["process", "create"] {
            let attributes = event_attributes(&event, operation, &messaging);
            assert_eq!(attributes.len(), 10);
            for kv in attributes {
                let row = FACTS
                    .lines()
                    .map(|l| l.split('\t').collect::<Vec<_>>())
                    .find(|cols| cols[0] == kv.key.as_str())
                    .unwrap_or_else(|| panic!("{} is not in facts.tsv", kv.key));
                assert_eq!(row[1], "string", "{}", kv.key);
                assert!(matches!(kv.value, opentelemetry::Value::String(_)));
                if let Some(values) = row.get(2) {
                    let value = kv.value.as_str();
                    assert!(
                        values.split(',').any(|v| v == value),
                        "{} = {value} is not a registry value",
                        kv.key
                    );
                }
            }
        }
    }
}
