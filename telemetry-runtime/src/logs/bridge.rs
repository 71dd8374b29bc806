//! The OpenTelemetry logs bridge: each `tracing` event becomes a log record.
//!
//! Written here rather than taken from `opentelemetry-appender-tracing` because that crate
//! emits the pre-1.30 `code.filepath` / `code.lineno` names; the records here carry the
//! semantic-conventions v1.41.0 names (`code.file.path`, `code.line.number`), and the
//! attributes of the request scope's identifiers ([`crate::scope`]).

use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
use opentelemetry_sdk::logs::{SdkLogger, SdkLoggerProvider};
use tracing::{Event, Level, Subscriber};
use tracing_log::NormalizeEvent as _;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;

use super::fields::{EventFields, FieldValue};
use crate::semconv;

/// Bridges `tracing` events to OpenTelemetry log records.
#[derive(Debug)]
pub(crate) struct OtelLogBridge {
    logger: SdkLogger,
    /// Whether content fields are redacted ([`crate::redaction`]); off only in benches.
    redact: bool,
}

impl OtelLogBridge {
    pub(crate) fn new(provider: &SdkLoggerProvider, redact: bool) -> Self {
        Self {
            logger: provider.logger(crate::constants::INSTRUMENTATION_SCOPE),
            redact,
        }
    }
}

/// Severity numbers of the OpenTelemetry log data model.
pub(crate) fn severity(level: &Level) -> Severity {
    match *level {
        Level::TRACE => Severity::Trace,
        Level::DEBUG => Severity::Debug,
        Level::INFO => Severity::Info,
        Level::WARN => Severity::Warn,
        Level::ERROR => Severity::Error,
    }
}

fn any_value(value: FieldValue) -> AnyValue {
    match value {
        FieldValue::Str(s) => AnyValue::from(s),
        FieldValue::I64(v) => AnyValue::Int(v),
        FieldValue::U64(v) => match i64::try_from(v) {
            Ok(v) => AnyValue::Int(v),
            Err(_) => AnyValue::from(v.to_string()),
        },
        FieldValue::F64(v) => AnyValue::Double(v),
        FieldValue::Bool(v) => AnyValue::Boolean(v),
        error @ FieldValue::Error { .. } => AnyValue::from(error.to_string()),
    }
}

/// A record being filled under the log record limits
/// (`OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT`, `OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT`):
/// values cut to the length, attributes past the count left out.
struct Limited<R> {
    record: R,
    added: usize,
    max_count: usize,
    max_chars: usize,
}

impl<R: LogRecord> Limited<R> {
    fn new(record: R) -> Self {
        Limited {
            record,
            added: 0,
            max_count: crate::attribute_limits::log_count(),
            max_chars: crate::attribute_limits::log_value_length(),
        }
    }

    fn add(&mut self, key: impl Into<opentelemetry::Key>, value: impl Into<AnyValue>) {
        if self.added >= self.max_count {
            return;
        }
        let mut value = value.into();
        if self.max_chars != usize::MAX {
            crate::attribute_limits::limit_any_value(&mut value, self.max_chars);
        }
        self.record.add_attribute(key, value);
        self.added += 1;
    }
}

impl<S: Subscriber> Layer<S> for OtelLogBridge {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        // A `log` record's own level, target, file and line (tracing-log's callsite is `log`).
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let severity = severity(meta.level());
        if !self.logger.event_enabled(severity, meta.target(), None) {
            return;
        }
        let fields = EventFields::record(event, self.redact);
        let mut record = self.logger.create_log_record();
        record.set_timestamp(std::time::SystemTime::now());
        record.set_severity_number(severity);
        record.set_severity_text(meta.level().as_str());
        match &normalized {
            Some(log) => record.set_target(log.target().to_owned()),
            None => record.set_target(event.metadata().target()),
        }
        if let Some(message) = fields.message {
            record.set_body(AnyValue::from(message));
        }
        let mut limited = Limited::new(record);
        // The request scope's identifiers, under their span attribute keys, unless the event
        // has a field of the same name.
        crate::scope::for_each_attribute(|attribute| {
            if !fields
                .fields
                .iter()
                .any(|(name, _)| *name == attribute.key.as_str())
            {
                limited.add(
                    attribute.key.clone(),
                    crate::span::value::to_any_value(&attribute.value),
                );
            }
        });
        for (name, value) in fields.fields {
            if let FieldValue::Error { ty, message } = value {
                // An error field: `exception.type`, and `exception.message` only when its
                // text may enter logs.
                limited.add(semconv::EXCEPTION_TYPE, AnyValue::from(ty.into_owned()));
                if let Some(message) = message {
                    limited.add(semconv::EXCEPTION_MESSAGE, AnyValue::from(message));
                }
                continue;
            }
            limited.add(name, any_value(value));
        }
        match &normalized {
            Some(log) => {
                if let Some(file) = log.file() {
                    limited.add(semconv::CODE_FILE_PATH, file.to_owned());
                }
            }
            None => {
                if let Some(file) = event.metadata().file() {
                    limited.add(semconv::CODE_FILE_PATH, file);
                }
            }
        }
        if let Some(line) = meta.line() {
            limited.add(semconv::CODE_LINE_NUMBER, i64::from(line));
        }
        // The trace context is taken from `Context::current()` by the SDK logger.
        self.logger.emit(limited.record);
    }
}
