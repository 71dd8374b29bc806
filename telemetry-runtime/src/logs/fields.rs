//! Collecting an event's fields with their types, content fields redacted
//! ([`crate::redaction`]).

use std::borrow::Cow;
use std::fmt;

use tracing::Metadata;
use tracing::field::{Field, Visit};

use crate::redaction::{self, FieldRule};

/// One field value, typed as the event recorded it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FieldValue {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
    /// A field recorded as an error: its type, and its text only when content may enter logs.
    Error {
        ty: Cow<'static, str>,
        message: Option<String>,
    },
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::I64(v) => write!(f, "{v}"),
            FieldValue::U64(v) => write!(f, "{v}"),
            FieldValue::F64(v) => write!(f, "{v}"),
            FieldValue::Bool(v) => write!(f, "{v}"),
            FieldValue::Error {
                message: Some(m), ..
            } => f.write_str(m),
            FieldValue::Error { ty, message: None } => f.write_str(ty),
        }
    }
}

/// The message and the other fields of one event.
#[derive(Debug)]
pub(crate) struct EventFields {
    pub message: Option<String>,
    pub fields: Vec<(&'static str, FieldValue)>,
    rule: FieldRule,
    /// Values replaced while recording.
    replaced: u64,
}

impl EventFields {
    /// The fields of an event of `meta`; content fields are redacted when `redact`.
    fn new(meta: &'static Metadata<'static>, redact: bool) -> Self {
        EventFields {
            message: None,
            fields: Vec::new(),
            rule: FieldRule::for_callsite(meta, redact),
            replaced: 0,
        }
    }

    /// The fields of `event`, recorded, the values replaced counted (once per event).
    pub(crate) fn record(event: &tracing::Event<'_>, redact: bool) -> Self {
        let mut fields = EventFields::new(event.metadata(), redact);
        event.record(&mut fields);
        if fields.replaced > 0 {
            redaction::count(fields.replaced);
        }
        fields
    }

    fn push(&mut self, field: &Field, value: FieldValue) {
        let name = field.name();
        if name == "message" {
            self.message = Some(value.to_string());
        } else if !name.starts_with("log.") {
            self.fields.push((name, value));
        }
    }

    fn push_text(&mut self, field: &Field, text: impl FnOnce() -> String) {
        let value = self.rule.string(field, &mut self.replaced, text);
        self.push(field, FieldValue::Str(value));
    }
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push_text(field, || value.to_owned());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, FieldValue::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, FieldValue::U64(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, FieldValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, FieldValue::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let message = redaction::error_text(value, self.rule.errors_pass(), self.rule.max_bytes());
        if message.is_none() {
            self.replaced += 1;
        }
        self.push(
            field,
            FieldValue::Error {
                ty: redaction::error_type_name(value),
                message,
            },
        );
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push_text(field, || format!("{value:?}"));
    }
}
