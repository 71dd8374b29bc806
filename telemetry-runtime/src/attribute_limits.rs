//! Attribute value limits: the process-wide value length limits of spans and log records
//! (`OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
//! both defaulting to `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`), the log record attribute count
//! limit, and the cap on values copied from untrusted input (request headers, event
//! metadata), which holds even when no variable is set.
//!
//! Lengths count characters, as the specification says, and a value is cut on a character
//! boundary. Strings and the strings of string arrays are cut; other values are left alone.

#[cfg(any(feature = "axum", feature = "cloudevents", test))]
use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use opentelemetry::logs::AnyValue;
use opentelemetry::{Array, StringValue, Value};

/// Characters kept at most of a value taken from a request header, a URL or an event's
/// metadata (`user_agent.original`, `url.path`, `url.query`, `cloudevents.event_*`, identifier
/// headers) when no smaller limit is configured: long enough for any real value, short
/// enough that a hostile 60 kB header costs 2 kB per span.
pub const UNTRUSTED_VALUE_MAX_CHARS: usize = 2048;

/// The default attribute count limit of every model (spans, events, links, log records).
pub const DEFAULT_COUNT_LIMIT: usize = 128;

static SPAN_VALUE_LENGTH: AtomicUsize = AtomicUsize::new(usize::MAX);
static LOG_VALUE_LENGTH: AtomicUsize = AtomicUsize::new(usize::MAX);
static LOG_COUNT: AtomicUsize = AtomicUsize::new(DEFAULT_COUNT_LIMIT);

/// Installs the limits (`None`: no length limit). Called by `init()`.
pub(crate) fn set(
    span_value_length: Option<usize>,
    log_value_length: Option<usize>,
    log_count: usize,
) {
    SPAN_VALUE_LENGTH.store(span_value_length.unwrap_or(usize::MAX), Ordering::Relaxed);
    LOG_VALUE_LENGTH.store(log_value_length.unwrap_or(usize::MAX), Ordering::Relaxed);
    LOG_COUNT.store(log_count, Ordering::Relaxed);
}

/// The span attribute value length limit, in characters (`usize::MAX`: none).
#[inline]
pub(crate) fn span_value_length() -> usize {
    SPAN_VALUE_LENGTH.load(Ordering::Relaxed)
}

/// The log record attribute value length limit, in characters (`usize::MAX`: none).
#[inline]
pub(crate) fn log_value_length() -> usize {
    LOG_VALUE_LENGTH.load(Ordering::Relaxed)
}

/// The log record attribute count limit.
#[inline]
pub(crate) fn log_count() -> usize {
    LOG_COUNT.load(Ordering::Relaxed)
}

/// The first `max_chars` characters of `text`, or `None` when it is not longer.
#[inline]
pub(crate) fn cut(text: &str, max_chars: usize) -> Option<&str> {
    // A string of at most `max_chars` bytes has at most that many characters.
    if text.len() <= max_chars {
        return None;
    }
    text.char_indices()
        .nth(max_chars)
        .map(|(byte, _)| &text[..byte])
}

/// `text` cut to the span limit and the untrusted-input cap, whichever is smaller: for values
/// copied from request headers, URLs and event metadata.
#[cfg(any(feature = "axum", feature = "cloudevents", test))]
pub(crate) fn untrusted(text: &str) -> Cow<'_, str> {
    let max = span_value_length().min(UNTRUSTED_VALUE_MAX_CHARS);
    match cut(text, max) {
        Some(prefix) => Cow::Owned(prefix.to_owned()),
        None => Cow::Borrowed(text),
    }
}

fn cut_string(value: &mut StringValue, max_chars: usize) -> bool {
    match cut(value.as_str(), max_chars) {
        Some(prefix) => {
            *value = StringValue::from(prefix.to_owned());
            true
        }
        None => false,
    }
}

/// Cuts a span attribute value to `max_chars`; returns whether it changed.
pub(crate) fn limit_value(value: &mut Value, max_chars: usize) -> bool {
    match value {
        Value::String(s) => cut_string(s, max_chars),
        Value::Array(Array::String(items)) => {
            let mut changed = false;
            for item in items {
                changed |= cut_string(item, max_chars);
            }
            changed
        }
        _ => false,
    }
}

/// Cuts a log record attribute value to `max_chars` (strings, and the strings of lists and
/// maps); returns whether it changed.
pub(crate) fn limit_any_value(value: &mut AnyValue, max_chars: usize) -> bool {
    match value {
        AnyValue::String(s) => cut_string(s, max_chars),
        AnyValue::ListAny(items) => {
            let mut changed = false;
            for item in items.iter_mut() {
                changed |= limit_any_value(item, max_chars);
            }
            changed
        }
        AnyValue::Map(map) => {
            let mut changed = false;
            for item in map.values_mut() {
                changed |= limit_any_value(item, max_chars);
            }
            changed
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_cut_to_a_number_of_characters_on_a_character_boundary() {
        assert_eq!(cut("short", 10), None);
        assert_eq!(cut("exactly", 7), None);
        assert_eq!(cut("abcdef", 3), Some("abc"));
        // Four two-byte characters: eight bytes, cut after two characters.
        assert_eq!(cut("éééé", 2), Some("éé"));
        assert_eq!(
            cut("éé", 2),
            None,
            "two characters fit, whatever their bytes"
        );
        assert_eq!(cut("a😀b", 2), Some("a😀"));
        assert_eq!(cut("abc", 0), Some(""));

        let mut v = Value::from("x".repeat(10));
        assert!(limit_value(&mut v, 4));
        assert_eq!(v, Value::from("xxxx"));
        let mut list = Value::Array(Array::String(vec!["abcdef".into(), "ab".into()]));
        assert!(limit_value(&mut list, 3));
        assert_eq!(
            list,
            Value::Array(Array::String(vec!["abc".into(), "ab".into()]))
        );
        let mut n = Value::I64(123_456);
        assert!(!limit_value(&mut n, 1), "numbers are not cut");

        let mut any = AnyValue::ListAny(Box::new(vec![AnyValue::from("ééé"), AnyValue::Int(1)]));
        assert!(limit_any_value(&mut any, 1));
        assert_eq!(
            any,
            AnyValue::ListAny(Box::new(vec![AnyValue::from("é"), AnyValue::Int(1)]))
        );
    }

    #[test]
    fn untrusted_values_are_capped_without_any_variable() {
        let header = "a".repeat(60_000);
        assert_eq!(untrusted(&header).len(), UNTRUSTED_VALUE_MAX_CHARS);
        assert!(matches!(untrusted("curl/8"), Cow::Borrowed("curl/8")));
    }
}
