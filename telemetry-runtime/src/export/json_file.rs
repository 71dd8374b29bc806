//! [`JsonFileSpanProcessor`]: every sampled span, written as one OTLP JSON document (an
//! `ExportTraceServiceRequest`, the format Jaeger's and Tempo's importers read) on flush and
//! shutdown.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

/// Spans kept at most; later ones are counted as dropped.
pub(crate) const MAX_SPANS: usize = 100_000;

/// Keeps every sampled span and writes them all to `path` as OTLP JSON on flush and shutdown.
pub(crate) struct JsonFileSpanProcessor {
    path: PathBuf,
    spans: Mutex<Vec<SpanData>>,
    resource: Resource,
    max_spans: usize,
    dropped: AtomicU64,
}

impl fmt::Debug for JsonFileSpanProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonFileSpanProcessor")
            .field("path", &self.path)
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl JsonFileSpanProcessor {
    pub(crate) fn new(path: impl Into<PathBuf>, max_spans: usize) -> Self {
        JsonFileSpanProcessor {
            path: path.into(),
            spans: Mutex::new(Vec::new()),
            resource: Resource::builder_empty().build(),
            max_spans,
            dropped: AtomicU64::new(0),
        }
    }

    /// The whole document now.
    fn document(&self) -> ExportTraceServiceRequest {
        let spans = self
            .spans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let resource = ResourceAttributesWithSchema::from(&self.resource);
        ExportTraceServiceRequest {
            resource_spans: if spans.is_empty() {
                Vec::new()
            } else {
                group_spans_by_resource_and_scope(spans, &resource)
            },
        }
    }

    /// Writes the document beside `path` and renames it over `path`, so a reader never sees
    /// half a file.
    fn write(&self) -> OTelSdkResult {
        let json = serde_json::to_vec(&self.document())
            .map_err(|e| OTelSdkError::InternalFailure(e.to_string()))?;
        write_atomically(&self.path, &json).map_err(|e| {
            OTelSdkError::InternalFailure(format!("cannot write {}: {e}", self.path.display()))
        })
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

impl SpanProcessor for JsonFileSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, mut span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        crate::redaction::sink::redact_span(&mut span);
        crate::span::flagged::mark_exported_root(&mut span);
        super::limits::limit_span(&mut span);
        let mut spans = self.spans.lock().unwrap_or_else(PoisonError::into_inner);
        if spans.len() < self.max_spans {
            spans.push(span);
        } else {
            drop(spans);
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.write()
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.write()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = resource.clone();
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::KeyValue;
    use opentelemetry::trace::{Span as _, SpanKind, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::SdkTracerProvider;

    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("{name}-{}.json", std::process::id()))
    }

    #[test]
    fn writes_an_otlp_json_document_with_hex_ids_and_typed_values() {
        let path = temp_path("json-file-doc");
        let provider = SdkTracerProvider::builder()
            .with_resource(
                Resource::builder_empty()
                    .with_attribute(KeyValue::new("service.name", "svc"))
                    .build(),
            )
            .with_span_processor(JsonFileSpanProcessor::new(&path, 10))
            .build();
        let tracer = provider.tracer("scope-a");
        let mut span = tracer
            .span_builder("parent")
            .with_kind(SpanKind::Server)
            .with_attributes([
                KeyValue::new("http.response.status_code", 200_i64),
                KeyValue::new("ratio", 0.5),
                KeyValue::new("ok", true),
                KeyValue::new("route", "/v1/x"),
            ])
            .start(&tracer);
        let trace_id = span.span_context().trace_id();
        span.end();
        provider.shutdown().unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rs = &doc["resourceSpans"][0];
        assert_eq!(
            rs["resource"]["attributes"][0],
            serde_json::json!({"key": "service.name", "value": {"stringValue": "svc"}})
        );
        let s = &rs["scopeSpans"][0]["spans"][0];
        assert_eq!(rs["scopeSpans"][0]["scope"]["name"], "scope-a");
        assert_eq!(s["name"], "parent");
        assert_eq!(s["kind"], 2, "SERVER");
        assert_eq!(s["traceId"], trace_id.to_string(), "hex, not base64");
        assert!(
            s["startTimeUnixNano"].is_string(),
            "64-bit integers as strings"
        );
        let attrs = s["attributes"].as_array().unwrap();
        let value = |k: &str| {
            attrs
                .iter()
                .find(|a| a["key"] == k)
                .map(|a| a["value"].clone())
                .unwrap()
        };
        assert_eq!(
            value("http.response.status_code"),
            serde_json::json!({"intValue": "200"})
        );
        assert_eq!(value("ratio"), serde_json::json!({"doubleValue": 0.5}));
        assert_eq!(value("ok"), serde_json::json!({"boolValue": true}));
        assert_eq!(value("route"), serde_json::json!({"stringValue": "/v1/x"}));
        // The document reads back as the protobuf type.
        let back: ExportTraceServiceRequest = serde_json::from_str(&text).unwrap();
        assert_eq!(back.resource_spans[0].scope_spans[0].spans.len(), 1);
        // And as spans the console prints, with the same typed values.
        let mut traces = crate::console::OtlpJsonTraces::new();
        assert_eq!(traces.read_file(&path).unwrap(), 1);
        let (span, service) = traces.spans_of(trace_id).next().unwrap();
        assert_eq!(
            (&*span.name, service, span.span_kind.clone()),
            ("parent", "svc", SpanKind::Server)
        );
        assert!(
            span.attributes
                .contains(&KeyValue::new("http.response.status_code", 200_i64))
        );
        assert!(span.attributes.contains(&KeyValue::new("ratio", 0.5)));
        assert!(span.attributes.contains(&KeyValue::new("ok", true)));
        assert!(span.attributes.contains(&KeyValue::new("route", "/v1/x")));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn keeps_at_most_max_spans_and_counts_the_rest() {
        let path = temp_path("json-file-max");
        let processor = JsonFileSpanProcessor::new(&path, 2);
        // Spans made by a provider, fed to the processor directly.
        let exporter = opentelemetry_sdk::trace::InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("t");
        for _ in 0..3 {
            tracer.start("s").end();
        }
        for span in exporter.get_finished_spans().unwrap() {
            processor.on_end(span);
        }
        assert_eq!(processor.dropped.load(Ordering::Relaxed), 1);
        processor.force_flush().unwrap();
        let back: ExportTraceServiceRequest =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back.resource_spans[0].scope_spans[0].spans.len(), 2);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_unwritable_path_is_an_error_not_a_panic() {
        let processor = JsonFileSpanProcessor::new("/nonexistent-dir/x/traces.json", 2);
        assert!(processor.force_flush().is_err());
    }
}
