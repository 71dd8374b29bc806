//! Content safety: prompts, completions and credentials stay out of telemetry unless content
//! capture lets them in.
//!
//! The rule, applied on every path a value can leave the process by:
//!
//! - A **string** value whose key matches the content pattern ([`KeyPattern::content`] by
//!   default, `TELEMETRY_REDACT_KEYS` or [`TelemetryBuilder::redact_keys`] to change it) is
//!   replaced by [`MARKER`]. Numbers and booleans are kept: `prompt_tokens = 12` is a count,
//!   not content. This holds for the fields of `tracing` events on stdout (human and JSON) and
//!   in exported log records, for the fields of `tracing` spans, and for every span attribute,
//!   span event attribute and log record attribute at export, whatever set it (third-party
//!   instrumentation through the OpenTelemetry API included).
//! - Span attributes and events may carry content when capture includes spans (`SPAN_ONLY`,
//!   `SPAN_AND_EVENT`); log records and stdout lines when it includes events (`EVENT_ONLY`,
//!   `SPAN_AND_EVENT`). Content that may pass is truncated to the content size limit
//!   ([`TelemetryBuilder::content_max_bytes`]).
//! - An error's `Display` text is content too: see [`ErrorType`](crate::span::ErrorType).
//! - Query values of credential keys ([`KeyPattern::credentials`]) and of content keys are
//!   replaced by `REDACTED` in `url.query` and `url.full`.
//!
//! Each value replaced is counted in [`Status::redacted`](crate::Status::redacted) (a field
//! both printed and exported counts once on each path).
//!
//! [`TelemetryBuilder::redact_keys`]: crate::TelemetryBuilder::redact_keys
//! [`TelemetryBuilder::content_max_bytes`]: crate::TelemetryBuilder::content_max_bytes

mod callsite;
pub(crate) mod content_policy;
mod error_text;
#[cfg(feature = "sdk")]
pub(crate) mod sink;
pub(crate) mod text;

pub(crate) use crate::redaction_rules::scrub_userinfo;
pub use crate::redaction_rules::{DEFAULT_CONTENT_FRAGMENTS, DEFAULT_CREDENTIAL_KEYS, KeyPattern};
pub(crate) use callsite::FieldRule;
pub(crate) use error_text::{error_text, error_type_name, span_error_message};

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::global_slot::GlobalSlot;

/// What a redacted value is replaced by, on every path.
pub const MARKER: &str = "[REDACTED]";

/// Keys whose string values are an error's text (`error = %e`, `#[instrument(err)]`,
/// tracing-opentelemetry's `exception.message`): content like the content keys, whatever the
/// key pattern says.
pub const ERROR_TEXT_KEYS: [&str; 4] =
    ["error", "err", "exception.message", "exception.stacktrace"];

/// Whether `key` names content: it matches the content keys, or is an error-text key.
#[inline]
pub(crate) fn is_content_key(key: &str) -> bool {
    ERROR_TEXT_KEYS.contains(&key) || content_keys().matches(key)
}

static CONTENT_KEYS: GlobalSlot<KeyPattern> = GlobalSlot::new();
static QUERY_KEYS: GlobalSlot<KeyPattern> = GlobalSlot::new();
static DEFAULT_CONTENT: LazyLock<KeyPattern> = LazyLock::new(KeyPattern::content);
static DEFAULT_QUERY: LazyLock<KeyPattern> = LazyLock::new(KeyPattern::credentials);
static REDACTED: AtomicU64 = AtomicU64::new(0);

/// Installs the patterns `init()` resolved. Called before the subscriber is installed, so
/// every callsite decision is made with them.
pub(crate) fn install(content: KeyPattern, query: KeyPattern) {
    CONTENT_KEYS.install(content);
    QUERY_KEYS.install(query);
}

/// The keys of content values.
pub(crate) fn content_keys() -> &'static KeyPattern {
    CONTENT_KEYS.get().unwrap_or(&DEFAULT_CONTENT)
}

/// Whether the value of the query key `key` is replaced in `url.query` and `url.full`.
#[cfg_attr(not(any(feature = "axum", feature = "reqwest")), allow(dead_code))]
pub(crate) fn is_sensitive_query_key(key: &str) -> bool {
    QUERY_KEYS
        .get()
        .unwrap_or(&DEFAULT_QUERY)
        .matches_whole(key)
        || content_keys().matches(key)
}

/// Counts `n` values replaced.
#[inline]
pub(crate) fn count(n: u64) {
    REDACTED.fetch_add(n, Ordering::Relaxed);
}

/// Values replaced by [`MARKER`] since the process started.
pub(crate) fn redacted() -> u64 {
    REDACTED.load(Ordering::Relaxed)
}
