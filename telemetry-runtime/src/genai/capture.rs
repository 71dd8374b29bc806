//! Whether prompts and completions may enter telemetry, and how much of them.
//!
//! Off by default. `init()` sets it from `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
//! or the builder; content attributes of a contract read it when a span starts.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use crate::config::ContentCapture;

use super::content::ContentValue;

/// Default limit of one captured content value, in bytes of JSON.
pub const DEFAULT_MAX_CONTENT_BYTES: usize = 16 * 1024;

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

thread_local! {
    /// Content captured for the event of the span being started on this thread.
    static PENDING_EVENT: std::cell::RefCell<Vec<opentelemetry::KeyValue>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps the content for the `gen_ai.client.inference.operation.details` event of the span
/// being started, when content capture includes events.
#[inline]
pub fn for_event<V: ContentValue + ?Sized>(key: &'static str, value: &V) {
    if MODE.load(Ordering::Relaxed) & 2 == 0 {
        return;
    }
    let json = value.to_content_json(MAX_BYTES.load(Ordering::Relaxed));
    PENDING_EVENT.with(|pending| {
        pending
            .borrow_mut()
            .push(opentelemetry::KeyValue::new(key, json))
    });
}

/// Takes the content kept by [`for_event`] on this thread.
pub(crate) fn take_event_content() -> Vec<opentelemetry::KeyValue> {
    if MODE.load(Ordering::Relaxed) & 2 == 0 {
        return Vec::new();
    }
    PENDING_EVENT.with(|pending| std::mem::take(&mut *pending.borrow_mut()))
}

/// The content as JSON for a span attribute, or `None` when content stays out of spans.
#[inline]
pub fn for_span<V: ContentValue + ?Sized>(value: &V) -> Option<String> {
    if MODE.load(Ordering::Relaxed) & 1 == 0 {
        return None;
    }
    Some(value.to_content_json(MAX_BYTES.load(Ordering::Relaxed)))
}
