//! The line format of the stdout log layer: human or JSON, with the active trace and span id.

use std::fmt;

use opentelemetry::Context;
use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent as _;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::fields::{EventFields, FieldValue};
use crate::config::LogFormat;

/// The ids of the span active where the event is emitted, read the way the OpenTelemetry log
/// bridge reads them, so the line and the exported record always agree.
pub(crate) fn current_ids() -> Option<(TraceId, SpanId)> {
    Context::map_current(|cx| {
        let span = cx.span();
        let sc = span.span_context();
        sc.is_valid().then(|| (sc.trace_id(), sc.span_id()))
    })
}

/// Formats one event as one line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LineFormat {
    pub format: LogFormat,
    /// Whether content fields are redacted ([`crate::redaction`]); off only in benches.
    pub redact: bool,
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let fields = EventFields::record(event, self.redact);
        let ids = current_ids();
        match self.format {
            LogFormat::Human => write_human(&mut writer, event, &fields, ids),
            LogFormat::Json => write_json(&mut writer, event, fields, ids),
        }
    }
}

fn write_human(
    writer: &mut Writer<'_>,
    event: &Event<'_>,
    fields: &EventFields,
    ids: Option<(TraceId, SpanId)>,
) -> fmt::Result {
    let normalized = event.normalized_metadata();
    let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
    SystemTime.format_time(writer)?;
    write!(writer, " {:>5} {}:", meta.level().as_str(), meta.target())?;
    if let Some(message) = &fields.message {
        writer.write_char(' ')?;
        write_escaped(writer, message)?;
    }
    for (name, value) in &fields.fields {
        match value {
            FieldValue::Str(s) => write_text_field(writer, name, s)?,
            FieldValue::Error { .. } => write_text_field(writer, name, &value.to_string())?,
            _ => write!(writer, " {name}={value}")?,
        }
    }
    // The request scope's fields (CommonAttributes), unless the event has the same key.
    let mut scoped = Ok(());
    crate::scope::for_each_log_field(|name, s| {
        if scoped.is_ok() && !fields.fields.iter().any(|(n, _)| *n == name) {
            scoped = write_text_field(writer, name, s);
        }
    });
    scoped?;
    if let Some((trace_id, span_id)) = ids {
        write!(writer, " trace_id={trace_id} span_id={span_id}")?;
    }
    writeln!(writer)
}

/// Writes `text` with its control characters escaped (`\n`, `\r`, `\t`, `\u{1b}`), so an
/// event cannot start a forged line.
fn write_escaped(writer: &mut Writer<'_>, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_control()) {
        writer.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '\n' => writer.write_str("\\n")?,
            '\r' => writer.write_str("\\r")?,
            '\t' => writer.write_str("\\t")?,
            other => write!(writer, "{}", other.escape_unicode())?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    writer.write_str(rest)
}

/// ` name=text`, the text quoted and escaped when it has spaces, quotes, `=` or control
/// characters.
fn write_text_field(writer: &mut Writer<'_>, name: &str, text: &str) -> fmt::Result {
    if needs_quotes(text) {
        write!(writer, " {name}={text:?}")
    } else {
        write!(writer, " {name}={text}")
    }
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control())
}

fn write_json(
    writer: &mut Writer<'_>,
    event: &Event<'_>,
    fields: EventFields,
    ids: Option<(TraceId, SpanId)>,
) -> fmt::Result {
    let normalized = event.normalized_metadata();
    let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
    let mut timestamp = String::with_capacity(32);
    SystemTime.format_time(&mut Writer::new(&mut timestamp))?;
    let mut object = serde_json::Map::with_capacity(fields.fields.len() + 6);
    object.insert("timestamp".into(), timestamp.into());
    object.insert("level".into(), meta.level().as_str().into());
    object.insert("target".into(), meta.target().into());
    if let Some(message) = fields.message {
        object.insert("message".into(), message.into());
    }
    for (name, value) in fields.fields {
        let value = match value {
            FieldValue::Str(s) => serde_json::Value::from(s),
            FieldValue::I64(v) => v.into(),
            FieldValue::U64(v) => v.into(),
            FieldValue::F64(v) => v.into(),
            FieldValue::Bool(v) => v.into(),
            error @ FieldValue::Error { .. } => error.to_string().into(),
        };
        object.entry(name).or_insert(value);
    }
    crate::scope::for_each_log_field(|name, value| {
        object.entry(name).or_insert_with(|| value.into());
    });
    if let Some((trace_id, span_id)) = ids {
        object.insert("trace_id".into(), trace_id.to_string().into());
        object.insert("span_id".into(), span_id.to_string().into());
    }
    let line = serde_json::Value::Object(object).to_string();
    writeln!(writer, "{line}")
}
