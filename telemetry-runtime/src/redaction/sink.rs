//! Redaction where spans and log records leave the process: the exporters' side of the rule,
//! which holds whatever set the value (the toolkit, `tracing` span fields through
//! tracing-opentelemetry, or third-party instrumentation through the OpenTelemetry API).
//!
//! Runs on the export thread for OTLP, and where the console and JSON file sinks write.

#[cfg(feature = "otlp")]
use std::sync::LazyLock;

#[cfg(feature = "otlp")]
use opentelemetry::Key;
#[cfg(feature = "otlp")]
use opentelemetry::logs::{AnyValue, LogRecord as _, Logger as _, LoggerProvider as _};
use opentelemetry::{Array, KeyValue, StringValue, Value};
#[cfg(feature = "otlp")]
use opentelemetry_sdk::logs::{SdkLogRecord, SdkLogger, SdkLoggerProvider};
use opentelemetry_sdk::trace::SpanData;

use super::MARKER;

/// What the sinks do with content values now: pass them (truncated to this many bytes) or
/// replace them.
#[derive(Clone, Copy, Debug)]
enum Action {
    Pass(usize),
    Replace,
}

fn action(content_passes: bool) -> Action {
    if content_passes {
        Action::Pass(crate::redaction::content_policy::max_bytes())
    } else {
        Action::Replace
    }
}

/// Applies the rule to one span's attributes, its events' and its links' attributes. Returns
/// how many values were replaced.
pub(crate) fn redact_span(span: &mut SpanData) -> u64 {
    let action = action(crate::redaction::content_policy::spans_carry_content());
    let mut replaced = redact_attributes(&mut span.attributes, action);
    if let Action::Replace = action {
        replaced += redact_error_records(&mut span.attributes, false);
    }
    for event in span.events.events.iter_mut() {
        replaced += redact_attributes(&mut event.attributes, action);
        if let Action::Replace = action {
            replaced += redact_error_records(&mut event.attributes, event.name == "exception");
        }
    }
    for link in span.links.links.iter_mut() {
        replaced += redact_attributes(&mut link.attributes, action);
    }
    super::count(replaced);
    replaced
}

fn redact_attributes(attributes: &mut [KeyValue], action: Action) -> u64 {
    let mut replaced = 0;
    for attribute in attributes {
        let key = attribute.key.as_str();
        // The toolkit's own `exception.message` is judged by `redact_error_records`.
        if !is_text(&attribute.value)
            || matches!(key, "exception.message" | "exception.stacktrace")
            || !super::is_content_key(key)
        {
            continue;
        }
        match action {
            Action::Replace => {
                if !is_marker(&attribute.value) {
                    attribute.value = Value::String(StringValue::from(MARKER));
                    replaced += 1;
                }
            }
            Action::Pass(max) => truncate_value(&mut attribute.value, max),
        }
    }
    replaced
}

/// The error text tracing-opentelemetry records for a `dyn Error` field of a `tracing` span
/// or event (`error = &e as &dyn Error`): the field itself beside `{field}.chain` (the
/// source messages), and `exception.message` / `exception.stacktrace` on the span or on the
/// event it made from a log event. The toolkit's own `exception` events carry only what
/// [`span_error_message`](super::span_error_message) allowed, and are left as they are.
fn redact_error_records(attributes: &mut [KeyValue], toolkit_exception: bool) -> u64 {
    let mut fields: Vec<String> = Vec::new();
    for kv in attributes.iter() {
        if let Some(field) = kv.key.as_str().strip_suffix(".chain")
            && matches!(kv.value, Value::Array(Array::String(_)))
        {
            fields.push(field.to_owned());
        }
    }
    let mut replaced = 0;
    for kv in attributes.iter_mut() {
        let key = kv.key.as_str();
        // An `exception` event with a `{field}.chain` was made by tracing-opentelemetry from
        // a log event (its message was "exception"), not by the toolkit.
        let exception = (!toolkit_exception || !fields.is_empty())
            && matches!(key, "exception.message" | "exception.stacktrace");
        let error_field = fields
            .iter()
            .any(|f| key == f || key.strip_suffix(".chain").is_some_and(|k| k == f));
        if (exception || error_field) && is_text(&kv.value) && !is_marker(&kv.value) {
            kv.value = Value::String(StringValue::from(MARKER));
            replaced += 1;
        }
    }
    replaced
}

fn is_text(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Array(Array::String(_)))
}

fn is_marker(value: &Value) -> bool {
    matches!(value, Value::String(s) if s.as_str() == MARKER)
}

fn truncate_value(value: &mut Value, max: usize) {
    let cut = |s: &StringValue| -> Option<StringValue> {
        (s.as_str().len() > max)
            .then(|| StringValue::from(super::text::truncate(s.as_str(), max).to_owned()))
    };
    match value {
        Value::String(s) => {
            if let Some(short) = cut(s) {
                *s = short;
            }
        }
        Value::Array(Array::String(values)) => {
            for s in values {
                if let Some(short) = cut(s) {
                    *s = short;
                }
            }
        }
        _ => {}
    }
}

#[cfg(feature = "otlp")]
/// Mints empty log records (the SDK has no public constructor): a provider with no
/// processor, which never exports anything.
static RECORDS: LazyLock<SdkLogger> = LazyLock::new(|| {
    SdkLoggerProvider::builder()
        .build()
        .logger(crate::constants::INSTRUMENTATION_SCOPE)
});

#[cfg(feature = "otlp")]
/// Applies the rule to one log record's attributes (and the entries of a map body). The SDK
/// record's attributes cannot be changed in place, so a record that has content is rebuilt;
/// one that has none is returned as it is.
pub(crate) fn redact_log(record: SdkLogRecord) -> SdkLogRecord {
    let action = action(crate::redaction::content_policy::events_carry_content());
    let body_has_content = matches!(record.body(), Some(AnyValue::Map(map))
        if map.iter().any(|(k, v)| needs_change(k, v, action)));
    if !body_has_content
        && !record
            .attributes_iter()
            .any(|(k, v)| needs_change(k, v, action))
    {
        return record;
    }
    let mut replaced = 0;
    let mut out = RECORDS.create_log_record();
    if let Some(name) = record.event_name() {
        out.set_event_name(name);
    }
    if let Some(target) = record.target() {
        out.set_target(target.clone());
    }
    if let Some(t) = record.timestamp() {
        out.set_timestamp(t);
    }
    if let Some(t) = record.observed_timestamp() {
        out.set_observed_timestamp(t);
    }
    if let Some(cx) = record.trace_context() {
        out.set_trace_context(cx.trace_id, cx.span_id, cx.trace_flags);
    }
    if let Some(text) = record.severity_text() {
        out.set_severity_text(text);
    }
    if let Some(number) = record.severity_number() {
        out.set_severity_number(number);
    }
    if let Some(body) = record.body() {
        let body = match body {
            AnyValue::Map(map) => AnyValue::Map(Box::new(
                map.iter()
                    .map(|(k, v)| (k.clone(), changed(k, v, action, &mut replaced)))
                    .collect(),
            )),
            other => other.clone(),
        };
        out.set_body(body);
    }
    for (key, value) in record.attributes_iter() {
        out.add_attribute(key.clone(), changed(key, value, action, &mut replaced));
    }
    super::count(replaced);
    out
}

#[cfg(feature = "otlp")]
fn is_any_text(value: &AnyValue) -> bool {
    match value {
        AnyValue::String(_) => true,
        AnyValue::ListAny(values) => values.iter().any(is_any_text),
        AnyValue::Map(map) => map.values().any(is_any_text),
        _ => false,
    }
}

#[cfg(feature = "otlp")]
fn needs_change(key: &Key, value: &AnyValue, action: Action) -> bool {
    if !is_any_text(value) || !super::is_content_key(key.as_str()) {
        return false;
    }
    match (action, value) {
        (Action::Replace, AnyValue::String(s)) => s.as_str() != MARKER,
        (Action::Replace, _) => true,
        (Action::Pass(max), AnyValue::String(s)) => s.as_str().len() > max,
        (Action::Pass(_), _) => false,
    }
}

#[cfg(feature = "otlp")]
fn changed(key: &Key, value: &AnyValue, action: Action, replaced: &mut u64) -> AnyValue {
    if !needs_change(key, value, action) {
        return value.clone();
    }
    match (action, value) {
        (Action::Pass(max), AnyValue::String(s)) => {
            AnyValue::from(super::text::truncate(s.as_str(), max).to_owned())
        }
        _ => {
            *replaced += 1;
            AnyValue::from(MARKER)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{SpanContext, SpanKind, Status};
    use opentelemetry::{InstrumentationScope, trace::SpanId};
    use std::time::SystemTime;

    fn span(attributes: Vec<KeyValue>) -> SpanData {
        SpanData {
            span_context: SpanContext::empty_context(),
            parent_span_id: SpanId::INVALID,
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: "s".into(),
            start_time: SystemTime::UNIX_EPOCH,
            end_time: SystemTime::UNIX_EPOCH,
            attributes,
            dropped_attributes_count: 0,
            events: Default::default(),
            links: Default::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("t").build(),
        }
    }

    #[test]
    fn error_text_recorded_by_tracing_opentelemetry_is_replaced_and_the_toolkits_safe_message_kept()
    {
        use opentelemetry::trace::Event;
        let chain = || Value::Array(Array::String(vec!["CANARY cause".into()]));
        let mut s = span(vec![
            KeyValue::new("error", "CANARY"),
            KeyValue::new("error.chain", chain()),
            KeyValue::new("exception.message", "CANARY"),
            KeyValue::new("error.type", "timeout"),
        ]);
        let toolkit = Event::new(
            "exception",
            SystemTime::UNIX_EPOCH,
            vec![
                KeyValue::new("exception.type", "rate_limited"),
                KeyValue::new("exception.message", "retry after 3 s"),
            ],
            0,
        );
        let spoofed = Event::new(
            "exception",
            SystemTime::UNIX_EPOCH,
            vec![
                KeyValue::new("exception.message", "CANARY"),
                KeyValue::new("err", "CANARY"),
                KeyValue::new("err.chain", chain()),
            ],
            0,
        );
        s.events.events = vec![toolkit, spoofed];
        redact_span(&mut s);
        assert!(
            s.attributes[..3].iter().all(|kv| is_marker(&kv.value)),
            "{:?}",
            s.attributes
        );
        assert_eq!(s.attributes[3].value.as_str(), "timeout");
        assert_eq!(
            s.events.events[0].attributes[1].value.as_str(),
            "retry after 3 s"
        );
        assert!(
            s.events.events[1]
                .attributes
                .iter()
                .all(|kv| is_marker(&kv.value))
        );
    }

    #[test]
    fn span_content_strings_are_replaced_and_numbers_kept() {
        let mut s = span(vec![
            KeyValue::new("user_prompt", "CANARY"),
            KeyValue::new("llm.usage.prompt_tokens", 12),
            KeyValue::new("gen_ai.request.model", "m"),
            KeyValue::new(
                "gen_ai.output.messages",
                Value::Array(Array::String(vec!["CANARY".into()])),
            ),
        ]);
        assert_eq!(redact_span(&mut s), 2);
        assert_eq!(s.attributes[0].value.as_str(), MARKER);
        assert_eq!(s.attributes[1].value, Value::I64(12));
        assert_eq!(s.attributes[2].value.as_str(), "m");
        assert_eq!(s.attributes[3].value.as_str(), MARKER);
        // Already replaced: not counted again.
        assert_eq!(redact_span(&mut s), 0);
    }

    #[cfg(feature = "otlp")]
    #[test]
    fn log_records_with_content_are_rebuilt_without_it() {
        let mut record = RECORDS.create_log_record();
        record.set_body(AnyValue::from("calling"));
        record.add_attribute("completion", "CANARY");
        record.add_attribute("user.id", "u-1");
        let out = redact_log(record);
        let attrs: Vec<_> = out.attributes_iter().cloned().collect();
        assert_eq!(attrs[0], (Key::new("completion"), AnyValue::from(MARKER)));
        assert_eq!(attrs[1], (Key::new("user.id"), AnyValue::from("u-1")));
        assert_eq!(out.body(), Some(&AnyValue::from("calling")));
    }
}
