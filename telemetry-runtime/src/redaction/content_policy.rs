//! The content-capture policy in force: whether prompts and completions may enter spans and
//! log records, and how many bytes of each. Off by default; `init()` sets it from
//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` or the builder. The redaction sinks,
//! the outbound middleware and the GenAI contracts all read it from here.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use crate::config::{ContentCapture, DEFAULT_MAX_CONTENT_BYTES};

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
