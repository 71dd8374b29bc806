//! [`OtlpJsonTraces`]: spans read back from OTLP JSON documents (the traces file of
//! [`TelemetryBuilder::traces_json_file`](crate::TelemetryBuilder::traces_json_file), a
//! collector's file exporter), grouped by trace and rendered as the console waterfall.
//!
//! Documents of several processes merge: a trace that crossed them prints as one tree, with
//! the `service.name` of each process where the trace enters it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{
    SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::{Span, span, status};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};

use super::waterfall::{Layout, render_trace_of_services};

/// The service name of spans whose resource has none.
const UNKNOWN_SERVICE: &str = "unknown_service";

/// Spans of OTLP JSON documents, ready to print trace by trace.
///
/// ```
/// use telemetry_runtime::console::OtlpJsonTraces;
///
/// let gateway = r#"{"resourceSpans":[{"resource":{"attributes":[
///     {"key":"service.name","value":{"stringValue":"gateway"}}]},
///   "scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",
///     "spanId":"00f067aa0ba902b7","name":"POST /v1/chat/completions","kind":2,
///     "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000020000000"}]}]}]}"#;
/// let upstream = r#"{"resourceSpans":[{"resource":{"attributes":[
///     {"key":"service.name","value":{"stringValue":"upstream"}}]},
///   "scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736",
///     "spanId":"53995c3f42cd8ad8","parentSpanId":"00f067aa0ba902b7",
///     "name":"POST /v1/chat/completions","kind":2,
///     "startTimeUnixNano":"1700000000005000000","endTimeUnixNano":"1700000000015000000"}]}]}]}"#;
///
/// let mut traces = OtlpJsonTraces::new();
/// traces.add_json(gateway.as_bytes())?;
/// traces.add_json(upstream.as_bytes())?;
/// let text = traces.render_all();
/// assert!(text.contains("POST /v1/chat/completions SERVER [gateway]"));
/// assert!(text.contains("└─ POST /v1/chat/completions SERVER [upstream]"));
/// # Ok::<(), telemetry_runtime::console::OtlpJsonError>(())
/// ```
#[derive(Debug, Default)]
pub struct OtlpJsonTraces {
    spans: Vec<SpanData>,
    /// `service.name` of each span, by index.
    services: Vec<Arc<str>>,
    layout: Layout,
}

/// Why a document could not be read. Nothing of a document that fails is kept.
#[derive(Debug)]
pub enum OtlpJsonError {
    /// The file could not be read.
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The text is not an OTLP JSON `ExportTraceServiceRequest`.
    Format(serde_json::Error),
}

impl fmt::Display for OtlpJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OtlpJsonError::Io { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            OtlpJsonError::Format(e) => {
                write!(f, "not an OTLP JSON trace export request: {e}")
            }
        }
    }
}

impl std::error::Error for OtlpJsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OtlpJsonError::Io { source, .. } => Some(source),
            OtlpJsonError::Format(e) => Some(e),
        }
    }
}

impl OtlpJsonTraces {
    /// No spans yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the OTLP JSON document in `path`; returns how many spans it held.
    pub fn read_file(&mut self, path: impl AsRef<Path>) -> Result<usize, OtlpJsonError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| OtlpJsonError::Io {
            path: path.to_owned(),
            source,
        })?;
        self.add_json(&bytes)
    }

    /// Adds the spans of one OTLP JSON document (an `ExportTraceServiceRequest`); returns how
    /// many it held. Spans with an invalid trace or span id are left out.
    pub fn add_json(&mut self, json: &[u8]) -> Result<usize, OtlpJsonError> {
        let request: ExportTraceServiceRequest =
            serde_json::from_slice(json).map_err(OtlpJsonError::Format)?;
        let before = self.spans.len();
        for resource_spans in request.resource_spans {
            let service: Arc<str> = resource_spans
                .resource
                .iter()
                .flat_map(|r| &r.attributes)
                .find(|kv| kv.key == "service.name")
                .and_then(|kv| match kv.value.as_ref()?.value.as_ref()? {
                    any_value::Value::StringValue(name) => Some(name.as_str()),
                    _ => None,
                })
                .unwrap_or(UNKNOWN_SERVICE)
                .into();
            for scope_spans in resource_spans.scope_spans {
                let scope = scope_spans
                    .scope
                    .map(|s| InstrumentationScope::builder(s.name).build())
                    .unwrap_or_else(|| InstrumentationScope::builder("").build());
                for span in scope_spans.spans {
                    if let Some(data) = span_data(span, &scope) {
                        self.spans.push(data);
                        self.services.push(Arc::clone(&service));
                    }
                }
            }
        }
        Ok(self.spans.len() - before)
    }

    /// How many spans were read.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no span was read.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The trace ids read, the trace that started first first.
    pub fn trace_ids(&self) -> Vec<TraceId> {
        let mut first: HashMap<TraceId, SystemTime> = HashMap::new();
        for span in &self.spans {
            let start = first
                .entry(span.span_context.trace_id())
                .or_insert(span.start_time);
            *start = (*start).min(span.start_time);
        }
        let mut ids: Vec<(TraceId, SystemTime)> = first.into_iter().collect();
        ids.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.to_bytes().cmp(&b.0.to_bytes())));
        ids.into_iter().map(|(id, _)| id).collect()
    }

    /// The spans of one trace, each with its service name.
    pub fn spans_of(&self, trace: TraceId) -> impl Iterator<Item = (&SpanData, &str)> {
        self.spans
            .iter()
            .zip(&self.services)
            .filter(move |(span, _)| span.span_context.trace_id() == trace)
            .map(|(span, service)| (span, &**service))
    }

    /// One trace as the console waterfall (empty when no span of it was read).
    pub fn render(&self, trace: TraceId) -> String {
        let (spans, services): (Vec<SpanData>, Vec<&str>) = self
            .spans_of(trace)
            .map(|(span, service)| (span.clone(), service))
            .unzip();
        render_trace_of_services(&spans, Some(&services), None, &self.layout)
    }

    /// Every trace, in [`trace_ids`](Self::trace_ids) order, a blank line between two.
    pub fn render_all(&self) -> String {
        self.trace_ids()
            .into_iter()
            .map(|id| self.render(id))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The SDK's form of a decoded span; `None` when its ids are not valid.
fn span_data(span: Span, scope: &InstrumentationScope) -> Option<SpanData> {
    let trace_id = TraceId::from_bytes(span.trace_id.as_slice().try_into().ok()?);
    let span_id = SpanId::from_bytes(span.span_id.as_slice().try_into().ok()?);
    if trace_id == TraceId::INVALID || span_id == SpanId::INVALID {
        return None;
    }
    let parent_span_id = <[u8; 8]>::try_from(span.parent_span_id.as_slice())
        .map_or(SpanId::INVALID, SpanId::from_bytes);
    let time = |nanos: u64| SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos);
    let span_kind = match span::SpanKind::try_from(span.kind) {
        Ok(span::SpanKind::Server) => SpanKind::Server,
        Ok(span::SpanKind::Client) => SpanKind::Client,
        Ok(span::SpanKind::Producer) => SpanKind::Producer,
        Ok(span::SpanKind::Consumer) => SpanKind::Consumer,
        _ => SpanKind::Internal,
    };
    let status = match span.status {
        Some(s) if s.code == status::StatusCode::Error as i32 => Status::error(s.message),
        Some(s) if s.code == status::StatusCode::Ok as i32 => Status::Ok,
        _ => Status::Unset,
    };
    Some(SpanData {
        span_context: SpanContext::new(
            trace_id,
            span_id,
            TraceFlags::new((span.flags & 0xff) as u8),
            false,
            TraceState::NONE,
        ),
        parent_span_id,
        parent_span_is_remote: false,
        span_kind,
        name: Cow::Owned(span.name),
        start_time: time(span.start_time_unix_nano),
        end_time: time(span.end_time_unix_nano.max(span.start_time_unix_nano)),
        attributes: span
            .attributes
            .into_iter()
            .filter_map(|kv| Some(KeyValue::new(kv.key, value(kv.value?)?)))
            .collect(),
        dropped_attributes_count: span.dropped_attributes_count,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status,
        instrumentation_scope: scope.clone(),
    })
}

/// An attribute value; arrays of one type keep it, anything else becomes its JSON text.
fn value(any: AnyValue) -> Option<Value> {
    Some(match any.value? {
        any_value::Value::StringValue(v) => Value::from(v),
        any_value::Value::BoolValue(v) => Value::Bool(v),
        any_value::Value::IntValue(v) => Value::I64(v),
        any_value::Value::DoubleValue(v) => Value::F64(v),
        any_value::Value::ArrayValue(array) => {
            let items: Vec<any_value::Value> =
                array.values.into_iter().filter_map(|v| v.value).collect();
            let strings: Option<Vec<StringValue>> = items
                .iter()
                .map(|v| match v {
                    any_value::Value::StringValue(s) => Some(StringValue::from(s.clone())),
                    _ => None,
                })
                .collect();
            let ints: Option<Vec<i64>> = items
                .iter()
                .map(|v| match v {
                    any_value::Value::IntValue(i) => Some(*i),
                    _ => None,
                })
                .collect();
            match (strings, ints) {
                (Some(strings), _) => Value::Array(Array::String(strings)),
                (None, Some(ints)) => Value::Array(Array::I64(ints)),
                (None, None) => Value::from(format!("{} values", items.len())),
            }
        }
        any_value::Value::KvlistValue(list) => {
            Value::from(format!("{} entries", list.values.len()))
        }
        any_value::Value::BytesValue(bytes) => Value::from(format!("{} bytes", bytes.len())),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    fn document(service: &str, spans: &str) -> String {
        format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{service}"}}}}]}},"scopeSpans":[{{"scope":{{"name":"s"}},"spans":[{spans}]}}]}}]}}"#
        )
    }

    fn span(id: &str, parent: &str, name: &str, start_ms: u64, end_ms: u64, extra: &str) -> String {
        let ns = |ms: u64| 1_700_000_000_000_000_000u64 + ms * 1_000_000;
        format!(
            r#"{{"traceId":"{TRACE}","spanId":"{id}","parentSpanId":"{parent}","name":"{name}","kind":3,"startTimeUnixNano":"{}","endTimeUnixNano":"{}"{extra}}}"#,
            ns(start_ms),
            ns(end_ms)
        )
    }

    #[test]
    fn a_trace_over_three_processes_prints_as_one_tree_with_each_service_where_it_enters() {
        let mut traces = OtlpJsonTraces::new();
        let gateway = document(
            "gateway",
            &[
                span("0000000000000001", "", "gw", 0, 100, ""),
                span(
                    "0000000000000002",
                    "0000000000000001",
                    "chat",
                    1,
                    40,
                    r#","status":{"code":2,"message":"rate_limit_exceeded"},"attributes":[{"key":"error.type","value":{"stringValue":"rate_limit_exceeded"}},{"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"stop"}]}}},{"key":"server.port","value":{"intValue":"8081"}}]"#,
                ),
                span("0000000000000003", "0000000000000001", "chat", 50, 99, ""),
            ]
            .join(","),
        );
        let a = document(
            "upstream-a",
            &span("00000000000000a1", "0000000000000002", "a", 2, 39, ""),
        );
        let b = document(
            "upstream-b",
            &[
                span("00000000000000b1", "0000000000000003", "b", 51, 98, ""),
                span("00000000000000b2", "00000000000000b1", "decode", 60, 90, ""),
            ]
            .join(","),
        );
        assert_eq!(traces.add_json(b.as_bytes()).unwrap(), 2);
        assert_eq!(traces.add_json(gateway.as_bytes()).unwrap(), 3);
        assert_eq!(traces.add_json(a.as_bytes()).unwrap(), 1);
        assert_eq!(traces.len(), 6);
        assert_eq!(traces.trace_ids(), vec![TraceId::from_hex(TRACE).unwrap()]);
        let text = traces.render_all();
        let labels: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|l| {
                // label, padding, duration ("37.00 ms"), bar
                let before_bar = l.split('▕').next().unwrap().trim_end();
                let (rest, _unit) = before_bar.rsplit_once(' ').unwrap();
                let (label, _number) = rest.rsplit_once(' ').unwrap();
                label.trim_end()
            })
            .collect();
        assert_eq!(
            labels,
            [
                "gw CLIENT [gateway]",
                "├─ chat CLIENT ✗ rate_limit_exceeded",
                "│  └─ a CLIENT [upstream-a]",
                "└─ chat CLIENT",
                "   └─ b CLIENT [upstream-b]",
                "      └─ decode CLIENT",
            ],
            "{text}"
        );
        assert!(
            text.starts_with(&format!("trace {TRACE} · 100.00 ms · 6 spans\n")),
            "{text}"
        );
        assert!(
            text.contains("error.type=rate_limit_exceeded gen_ai.response.finish_reasons=[stop] server.port=8081"),
            "{text}"
        );
    }

    #[test]
    fn one_service_prints_no_service_tags() {
        let mut traces = OtlpJsonTraces::new();
        let doc = document(
            "solo",
            &[
                span("0000000000000001", "", "root", 0, 10, ""),
                span("0000000000000002", "0000000000000001", "child", 1, 9, ""),
            ]
            .join(","),
        );
        traces.add_json(doc.as_bytes()).unwrap();
        assert!(
            !traces.render_all().contains('['),
            "{}",
            traces.render_all()
        );
    }

    #[test]
    fn what_is_not_an_export_request_is_an_error_and_bad_ids_are_left_out() {
        let mut traces = OtlpJsonTraces::new();
        assert!(matches!(
            traces.add_json(b"{\"resourceSpans\": 7}"),
            Err(OtlpJsonError::Format(_))
        ));
        assert!(traces.add_json(b"not json").is_err());
        let err = traces.read_file("/nonexistent/traces.json").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/traces.json: "),
            "{err}"
        );
        let doc = document(
            "s",
            &[
                span("0000000000000000", "", "invalid id", 0, 1, ""),
                span("0000000000000001", "", "ok", 0, 1, ""),
            ]
            .join(","),
        );
        assert_eq!(traces.add_json(doc.as_bytes()).unwrap(), 1);
        assert!(!traces.is_empty());
    }
}
