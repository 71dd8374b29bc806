//! The `gen_ai.client.inference.operation.details` event, which carries captured content when
//! content capture includes events (`EVENT_ONLY`, `SPAN_AND_EVENT`).
//!
//! It is emitted as an OpenTelemetry log record with that event name, correlated with the
//! span, when `init()` set up a logs exporter; otherwise as an event of the span itself, so
//! the content is never silently lost.

#[cfg(feature = "sdk")]
use std::sync::OnceLock;

use opentelemetry::KeyValue;
#[cfg(feature = "sdk")]
use opentelemetry::logs::{LogRecord, Logger, Severity};
use opentelemetry::trace::Span as _;
#[cfg(feature = "sdk")]
use opentelemetry_sdk::logs::SdkLogger;

/// The event name (semantic conventions v1.41.0).
pub const OPERATION_DETAILS: &str = "gen_ai.client.inference.operation.details";

#[cfg(feature = "sdk")]
static LOGGER: OnceLock<SdkLogger> = OnceLock::new();

/// Routes content events to this logger (`init()` does this when logs are exported).
#[cfg(feature = "sdk")]
pub fn install_logger(logger: SdkLogger) {
    let _ = LOGGER.set(logger);
}

#[cfg(not(feature = "sdk"))]
pub(crate) fn emit_operation_details(span: &mut crate::span::EngineSpan, content: Vec<KeyValue>) {
    span.add_event(OPERATION_DETAILS, content);
}

#[cfg(feature = "sdk")]
pub(crate) fn emit_operation_details(span: &mut crate::span::EngineSpan, content: Vec<KeyValue>) {
    match LOGGER.get() {
        Some(logger) => {
            let mut record = logger.create_log_record();
            record.set_event_name(OPERATION_DETAILS);
            record.set_severity_number(Severity::Info);
            record.set_timestamp(std::time::SystemTime::now());
            let sc = span.span_context();
            record.set_trace_context(sc.trace_id(), sc.span_id(), Some(sc.trace_flags()));
            for kv in content {
                record.add_attribute(kv.key, crate::span::value::to_any_value(&kv.value));
            }
            logger.emit(record);
        }
        None => span.add_event(OPERATION_DETAILS, content),
    }
}
