//! [`JsonFileSpanProcessor`]: every sampled span, written as one OTLP JSON document (an
//! `ExportTraceServiceRequest`, the format Jaeger's and Tempo's importers read) on flush and
//! shutdown.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::size::HeapSize as _;
use super::stats::ExportStats;

/// Spans kept at most; later ones are counted as dropped.
pub(crate) const MAX_SPANS: usize = 100_000;
/// Bytes of spans kept at most (their estimated size in memory); later spans are counted as
/// dropped: 64 MiB.
pub(crate) const MAX_BYTES: usize = 64 << 20;

/// The spans kept, and their bytes.
#[derive(Default)]
struct Held {
    spans: Vec<SpanData>,
    bytes: usize,
}

/// Keeps every sampled span and writes them all to `path` as OTLP JSON on flush and shutdown.
pub(crate) struct JsonFileSpanProcessor {
    path: PathBuf,
    held: Mutex<Held>,
    resource: Resource,
    max_spans: usize,
    max_bytes: usize,
    dropped: AtomicU64,
    /// Where the drops are reported (`status().traces.dropped_file`).
    stats: Option<Arc<ExportStats>>,
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
            held: Mutex::new(Held::default()),
            resource: Resource::builder_empty().build(),
            max_spans,
            max_bytes: MAX_BYTES,
            dropped: AtomicU64::new(0),
            stats: None,
        }
    }

    /// Also counts its drops in `stats` (`status()`).
    pub(crate) fn with_stats(mut self, stats: Arc<ExportStats>) -> Self {
        self.stats = Some(stats);
        self
    }

    /// At most `max` bytes of spans kept.
    #[cfg(test)]
    fn with_max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max;
        self
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The whole document now. The spans are taken out under the lock and copied without it
    /// (spans ending meanwhile are kept after them), so a flush never holds up the threads
    /// that end spans for longer than two moves of a vector.
    fn document(&self) -> ExportTraceServiceRequest {
        let taken = std::mem::take(&mut self.held().spans);
        let copy = taken.clone();
        {
            let mut held = self.held();
            let newer = std::mem::replace(&mut held.spans, taken);
            held.spans.extend(newer);
        }
        let resource = ResourceAttributesWithSchema::from(&self.resource);
        ExportTraceServiceRequest {
            resource_spans: if copy.is_empty() {
                Vec::new()
            } else {
                group_spans_by_resource_and_scope(copy, &resource)
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

/// `bytes` written to a new file beside `path` (a name no one can predict, created only if it
/// does not exist, so a link planted there is never followed; owner-only permissions), then
/// renamed over `path` (which replaces a link at `path` rather than writing through it).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::io::Write as _;
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(
        ".{}.{:016x}.tmp",
        std::process::id(),
        hasher.finish()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
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
        let size = span.heap_size();
        let mut held = self.held();
        if held.spans.len() < self.max_spans && held.bytes + size <= self.max_bytes {
            held.bytes += size;
            held.spans.push(span);
        } else {
            drop(held);
            self.dropped.fetch_add(1, Ordering::Relaxed);
            if let Some(stats) = &self.stats {
                ExportStats::add(&stats.dropped_file, 1);
            }
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

    fn spans(n: usize, attribute: &str) -> Vec<SpanData> {
        let exporter = opentelemetry_sdk::trace::InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let tracer = provider.tracer("t");
        for _ in 0..n {
            let mut span = tracer.start("s");
            span.set_attribute(KeyValue::new("big", attribute.to_owned()));
            span.end();
        }
        exporter.get_finished_spans().unwrap()
    }

    #[test]
    fn it_keeps_at_most_its_bytes_and_counts_the_rest_in_the_stats() {
        let path = temp_path("json-file-bytes");
        let stats = Arc::new(ExportStats::default());
        let processor = JsonFileSpanProcessor::new(&path, 1000)
            .with_max_bytes(3 << 20)
            .with_stats(stats.clone());
        // 1 MiB spans against 3 MiB: two fit (each is a little more than its attribute).
        for span in spans(5, &"x".repeat(1 << 20)) {
            processor.on_end(span);
        }
        assert_eq!(processor.held().spans.len(), 2);
        assert!(processor.held().bytes <= 3 << 20);
        assert_eq!(stats.dropped_file.load(Ordering::Relaxed), 3);
        processor.force_flush().unwrap();
        // The flush copied the spans outside the lock and kept them.
        assert_eq!(processor.held().spans.len(), 2);
        let _ = std::fs::remove_file(&path);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_owner_only_and_a_planted_link_is_replaced_not_followed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("json-file-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "do not touch").unwrap();
        let path = dir.join("traces.json");
        // A link at the traces path, and at the name the previous versions wrote through.
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("traces.json.tmp")).unwrap();
        let processor = JsonFileSpanProcessor::new(&path, 10);
        for span in spans(1, "v") {
            processor.on_end(span);
        }
        processor.force_flush().unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(
            meta.file_type().is_file(),
            "the link was replaced by the file"
        );
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        let back: ExportTraceServiceRequest =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back.resource_spans[0].scope_spans[0].spans.len(), 1);
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp") && n != "traces.json.tmp")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unwritable_path_is_an_error_not_a_panic() {
        let processor = JsonFileSpanProcessor::new("/nonexistent-dir/x/traces.json", 2);
        assert!(processor.force_flush().is_err());
    }
}
