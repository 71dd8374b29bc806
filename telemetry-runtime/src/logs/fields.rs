//! Collecting an event's fields with their types.

use std::fmt;

use tracing::field::{Field, Visit};

/// One field value, typed as the event recorded it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FieldValue {
    Str(String),
    I64(i64),
    U64(u64),
    F64(f64),
    Bool(bool),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::I64(v) => write!(f, "{v}"),
            FieldValue::U64(v) => write!(f, "{v}"),
            FieldValue::F64(v) => write!(f, "{v}"),
            FieldValue::Bool(v) => write!(f, "{v}"),
        }
    }
}

/// The message and the other fields of one event.
#[derive(Debug, Default)]
pub(crate) struct EventFields {
    pub message: Option<String>,
    pub fields: Vec<(&'static str, FieldValue)>,
}

impl EventFields {
    fn push(&mut self, field: &Field, value: FieldValue) {
        let name = field.name();
        if name == "message" {
            self.message = Some(value.to_string());
        } else if !name.starts_with("log.") {
            self.fields.push((name, value));
        }
    }
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, FieldValue::Str(value.to_owned()));
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
        self.push(field, FieldValue::Str(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, FieldValue::Str(format!("{value:?}")));
    }
}
