//! Whether prompts and completions may enter telemetry, and how much of them.
//!
//! Off by default. `init()` sets it from `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
//! or the builder; content attributes of a contract read it when a span starts.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use crate::config::ContentCapture;

use super::content::ContentValue;

/// Default limit of one captured content value, in bytes of JSON.
pub use crate::config::DEFAULT_MAX_CONTENT_BYTES;

static MODE: AtomicU8 = AtomicU8::new(0);
static MAX_BYTES: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_CONTENT_BYTES);

fn encode(mode: ContentCapture) -> u8 {
    match mode {
        ContentCapture::NoContent => 0,
        ContentCapture::SpanOnly => 1,
        ContentCapture::EventOnly => 2,
        ContentCapture::SpanAndEvent => 3,
    }
}

/// Sets what content capture does from now on.
pub fn set_mode(mode: ContentCapture) {
    MODE.store(encode(mode), Ordering::Relaxed);
}

/// What content capture does now.
pub fn mode() -> ContentCapture {
    match MODE.load(Ordering::Relaxed) {
        1 => ContentCapture::SpanOnly,
        2 => ContentCapture::EventOnly,
        3 => ContentCapture::SpanAndEvent,
        _ => ContentCapture::NoContent,
    }
}

/// Sets the size limit of one captured value; longer content is truncated to valid JSON.
pub fn set_max_bytes(max: usize) {
    MAX_BYTES.store(max, Ordering::Relaxed);
}

/// The content as the attribute `key` of the `gen_ai.client.inference.operation.details`
/// event, when content capture includes events. The start values of the span carry it
/// ([`StartValues::event`](crate::span::StartValues)), so content of a span that never starts
/// is dropped with them.
#[inline]
pub fn for_event<V: ContentValue + ?Sized>(
    key: &'static str,
    value: &V,
) -> Option<opentelemetry::KeyValue> {
    if MODE.load(Ordering::Relaxed) & 2 == 0 {
        return None;
    }
    let json = value.to_content_json(MAX_BYTES.load(Ordering::Relaxed));
    Some(opentelemetry::KeyValue::new(key, json))
}

/// The content as JSON for a span attribute, or `None` when content stays out of spans.
#[inline]
pub fn for_span<V: ContentValue + ?Sized>(value: &V) -> Option<String> {
    if MODE.load(Ordering::Relaxed) & 1 == 0 {
        return None;
    }
    Some(value.to_content_json(MAX_BYTES.load(Ordering::Relaxed)))
}

/// Whether content may enter span attributes and span events.
#[inline]
pub(crate) fn spans_carry_content() -> bool {
    MODE.load(Ordering::Relaxed) & 1 != 0
}

/// Whether content may enter log records and log lines.
#[inline]
pub(crate) fn events_carry_content() -> bool {
    MODE.load(Ordering::Relaxed) & 2 != 0
}

/// The size limit of one captured value, in bytes.
#[inline]
pub(crate) fn max_bytes() -> usize {
    MAX_BYTES.load(Ordering::Relaxed)
}
