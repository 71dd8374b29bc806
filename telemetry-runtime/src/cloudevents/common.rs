//! [`CommonAttributes`] as CloudEvents extension attributes.

use std::borrow::Cow;

use ::cloudevents::Event;
use ::cloudevents::event::ExtensionValue;

use crate::scope::{
    CommonAttributes, CommonAttributesError, ExtensionSink, ExtensionSource, Level,
};
use crate::span::SpanCore;

impl ExtensionSource for Event {
    fn extension_value(&self, name: &str) -> Option<Cow<'_, str>> {
        Some(match self.extension(name)? {
            ExtensionValue::String(value) => Cow::Borrowed(value.as_str()),
            other => Cow::Owned(other.to_string()),
        })
    }
}

impl ExtensionSink for Event {
    fn set_extension_value(&mut self, name: &str, value: &str) {
        self.set_extension(name, value);
    }
}

/// Writes `value`'s identifiers into `event`'s extension attributes
/// ([`CommonAttributes::to_extensions`]), for the consumer to read back.
pub fn write_common<C: CommonAttributes>(event: &mut Event, value: &C) {
    value.to_extensions(event);
}

/// Reads a `C` from `event`'s extension attributes ([`CommonAttributes::from_extensions`]).
pub fn read_common<C: CommonAttributes>(event: &Event) -> Result<C, CommonAttributesError> {
    C::from_extensions(event)
}

/// The handler's scope value: read from the event; when that fails the handler still runs,
/// without the scope, and the reason is a warning log line and an `app.common_attributes.error`
/// event on the span (an event is never rejected for its identifiers: there is no one to
/// answer).
pub fn common_for_handler<C: CommonAttributes>(event: &Event, span: &SpanCore) -> HandlerScope {
    HandlerScope(Level::new(read_for_handler::<C>(event, span)))
}

/// The scope a handler runs in: its `CommonAttributes` value, if the event had one.
pub struct HandlerScope(Level);

impl HandlerScope {
    pub(super) fn into_level(self) -> Level {
        self.0
    }
}

fn read_for_handler<C: CommonAttributes>(event: &Event, span: &SpanCore) -> Option<C> {
    match C::from_extensions(event) {
        Ok(value) => {
            for attribute in value.attributes() {
                span.set_attribute(attribute);
            }
            Some(value)
        }
        Err(error) => {
            tracing::warn!(
                event_id = event_id(event),
                error = %error,
                "CloudEvent without valid identifiers: handled outside their scope"
            );
            span.add_event(
                "app.common_attributes.error",
                vec![opentelemetry::KeyValue::new(
                    "error.message",
                    error.to_string(),
                )],
            );
            None
        }
    }
}

fn event_id(event: &Event) -> &str {
    use ::cloudevents::AttributesReader as _;
    event.id()
}
