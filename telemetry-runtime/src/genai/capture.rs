//! Whether prompts and completions may enter telemetry, and how much of them.
//!
//! Off by default. `init()` sets it from `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
//! or the builder; content attributes of a contract read it when a span starts.

use super::content::ContentValue;

/// Default limit of one captured content value, in bytes of JSON.
pub use crate::config::DEFAULT_MAX_CONTENT_BYTES;
use crate::redaction::content_policy::{events_carry_content, max_bytes, spans_carry_content};
pub use crate::redaction::content_policy::{mode, set_max_bytes, set_mode};

/// The content as the attribute `key` of the `gen_ai.client.inference.operation.details`
/// event, when content capture includes events. The start values of the span carry it
/// ([`StartValues::event`](crate::span::StartValues)), so content of a span that never starts
/// is dropped with them.
#[inline]
pub fn for_event<V: ContentValue + ?Sized>(
    key: &'static str,
    value: &V,
) -> Option<opentelemetry::KeyValue> {
    if !events_carry_content() {
        return None;
    }
    // The span that carries these values emits them as the operation-details event.
    crate::span::start_hook::register(super::events::emit_operation_details);
    let json = value.to_content_json(max_bytes());
    Some(opentelemetry::KeyValue::new(key, json))
}

/// The content as JSON for a span attribute, or `None` when content stays out of spans.
#[inline]
pub fn for_span<V: ContentValue + ?Sized>(value: &V) -> Option<String> {
    if !spans_carry_content() {
        return None;
    }
    Some(value.to_content_json(max_bytes()))
}
