//! Shared harness of the `llm_span_*` behaviour tests: a real SDK pipeline
//! (`SdkTracerProvider` -> `SimpleSpanProcessor` -> `InMemorySpanExporter`) installed as the
//! contract-span tracer, and assertions on exported spans that compare attribute values
//! *with their types* (`Value::I64(3)` is not `Value::String("3")`).
//!
//! Tests run under cargo-nextest (one process per test). The harness also holds a global lock
//! and resets the global switches when dropped, so the files still pass under `cargo test`.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};

use opentelemetry::trace::{SpanId, SpanKind, Status, TraceId, TracerProvider as _};
use opentelemetry::{Array, StringValue, Value};
use opentelemetry_sdk::trace::{
    InMemorySpanExporter, SdkTracer, SdkTracerProvider, SimpleSpanProcessor, SpanData,
};
use telemetry_runtime::ContentCapture;
use telemetry_runtime::genai::capture;
use telemetry_runtime::span::{AttributeSpec, Contract};

static SERIAL: Mutex<()> = Mutex::new(());

/// One test's pipeline. Dropping it uninstalls the tracer and restores the default content
/// capture and legacy-names settings.
pub struct Harness {
    pub exporter: InMemorySpanExporter,
    pub provider: SdkTracerProvider,
    _serial: MutexGuard<'static, ()>,
}

impl Harness {
    /// A pipeline whose tracer is installed for `#[llm_span]`.
    pub fn new() -> Self {
        let harness = Self::without_tracer();
        telemetry_runtime::span::install_tracer(harness.tracer("test"));
        harness
    }

    /// A pipeline nothing is recorded into (no tracer installed).
    pub fn without_tracer() -> Self {
        let serial = SERIAL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(SimpleSpanProcessor::new(exporter.clone()))
            .build();
        Harness {
            exporter,
            provider,
            _serial: serial,
        }
    }

    /// Another tracer of the same provider (for the tracing-opentelemetry layer).
    pub fn tracer(&self, name: &'static str) -> SdkTracer {
        self.provider.tracer(name)
    }

    /// Every finished span, in the order they ended.
    pub fn spans(&self) -> Vec<SpanData> {
        self.exporter.get_finished_spans().expect("exporter works")
    }

    /// The one finished span; fails when there are none or several.
    pub fn only_span(&self) -> SpanData {
        let mut spans = self.spans();
        assert_eq!(
            spans.len(),
            1,
            "expected exactly one span, got {:?}",
            names(&spans)
        );
        spans.pop().unwrap()
    }

    /// The one finished span named `name`; fails when there are none or several.
    pub fn span(&self, name: &str) -> SpanData {
        let spans = self.spans();
        let mut matching: Vec<SpanData> =
            spans.iter().filter(|s| s.name == name).cloned().collect();
        assert_eq!(
            matching.len(),
            1,
            "expected exactly one span named {name:?}, got {:?}",
            names(&spans)
        );
        matching.pop().unwrap()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        telemetry_runtime::span::uninstall_tracer();
        telemetry_runtime::span::set_legacy_names(false);
        capture::set_mode(ContentCapture::NoContent);
        capture::set_max_bytes(capture::DEFAULT_MAX_CONTENT_BYTES);
    }
}

pub fn names(spans: &[SpanData]) -> Vec<String> {
    spans.iter().map(|s| s.name.to_string()).collect()
}

// ----- values ---------------------------------------------------------------------------

pub fn s(v: &str) -> Value {
    Value::String(StringValue::from(v.to_owned()))
}
pub fn i(v: i64) -> Value {
    Value::I64(v)
}
pub fn f(v: f64) -> Value {
    Value::F64(v)
}
pub fn b(v: bool) -> Value {
    Value::Bool(v)
}
pub fn sa(v: &[&str]) -> Value {
    Value::Array(Array::String(
        v.iter()
            .map(|s| StringValue::from((*s).to_owned()))
            .collect(),
    ))
}

/// The value of `key`; fails when the key appears more than once.
pub fn attr<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    let found: Vec<&Value> = span
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
        .collect();
    assert!(
        found.len() <= 1,
        "attribute {key} recorded {} times on {:?}: {found:?}",
        found.len(),
        span.name
    );
    found.first().copied()
}

pub fn assert_absent(span: &SpanData, key: &str) {
    assert!(
        attr(span, key).is_none(),
        "{key} should be absent on {:?}, got {:?}",
        span.name,
        attr(span, key)
    );
}

pub fn assert_attr(span: &SpanData, key: &str, expected: Value) {
    assert_eq!(
        attr(span, key),
        Some(&expected),
        "attribute {key} of {:?}",
        span.name
    );
}

pub fn str_attr(span: &SpanData, key: &str) -> String {
    match attr(span, key) {
        Some(Value::String(v)) => v.as_str().to_owned(),
        other => panic!("{key} of {:?} is not a string: {other:?}", span.name),
    }
}

pub fn i64_attr(span: &SpanData, key: &str) -> i64 {
    match attr(span, key) {
        Some(Value::I64(v)) => *v,
        other => panic!("{key} of {:?} is not an i64: {other:?}", span.name),
    }
}

pub fn f64_attr(span: &SpanData, key: &str) -> f64 {
    match attr(span, key) {
        Some(Value::F64(v)) => *v,
        other => panic!("{key} of {:?} is not an f64: {other:?}", span.name),
    }
}

/// The span has exactly these attributes (any order, each once, same type and value).
pub fn assert_attributes(span: &SpanData, expected: &[(&str, Value)]) {
    for (key, value) in expected {
        assert_attr(span, key, value.clone());
    }
    let extra: Vec<String> = span
        .attributes
        .iter()
        .map(|kv| kv.key.as_str().to_owned())
        .filter(|k| !expected.iter().any(|(e, _)| e == k))
        .collect();
    assert!(
        extra.is_empty(),
        "unexpected attributes on {:?}: {extra:?} (all: {:?})",
        span.name,
        span.attributes
    );
    assert_eq!(
        span.attributes.len(),
        expected.len(),
        "attribute count of {:?}: {:?}",
        span.name,
        span.attributes
    );
    assert_eq!(span.dropped_attributes_count, 0);
}

/// Every attribute the span carries that the contract declares has the contract's type.
pub fn assert_types_follow_contract<C: Contract>(span: &SpanData) {
    for kv in &span.attributes {
        let Some(spec) = C::ATTRIBUTES
            .iter()
            .find(|a: &&AttributeSpec| a.key == kv.key.as_str())
        else {
            continue;
        };
        let ok = match (spec.ty, &kv.value) {
            ("string", Value::String(_)) => true,
            ("int", Value::I64(_)) => true,
            ("double", Value::F64(_)) => true,
            ("boolean", Value::Bool(_)) => true,
            ("string[]", Value::Array(Array::String(_))) => true,
            // Content is recorded as a JSON string.
            ("any", Value::String(_)) => true,
            _ => false,
        };
        assert!(
            ok,
            "{} is declared {} by {} but recorded as {:?}",
            spec.key,
            spec.ty,
            C::KIND,
            kv.value
        );
    }
}

// ----- status, events, tree -------------------------------------------------------------

/// Succeeded: status left unset, no events.
pub fn assert_ok(span: &SpanData) {
    assert_eq!(span.status, Status::Unset, "status of {:?}", span.name);
    assert!(
        span.events.is_empty(),
        "no events expected on {:?}: {:?}",
        span.name,
        span.events.events
    );
    assert!(attr(span, "error.type").is_none());
}

/// Failed: status ERROR, `error.type`, and one `exception` event carrying `message` (when
/// given) as `exception.message`.
pub fn assert_error(span: &SpanData, error_type: &str, message: Option<&str>) {
    assert!(
        matches!(span.status, Status::Error { .. }),
        "status of {:?} should be ERROR, got {:?}",
        span.name,
        span.status
    );
    assert_attr(span, "error.type", s(error_type));
    let exceptions: Vec<_> = span
        .events
        .iter()
        .filter(|e| e.name == "exception")
        .collect();
    assert_eq!(
        exceptions.len(),
        1,
        "one exception event expected on {:?}: {:?}",
        span.name,
        span.events.events
    );
    let message_attr = exceptions[0]
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "exception.message")
        .map(|kv| kv.value.clone());
    match message {
        Some(m) => assert_eq!(message_attr, Some(s(m)), "exception.message"),
        None => assert_eq!(message_attr, None, "exception.message"),
    }
}

/// Failed with `error_type`: status ERROR, `error.type`, and one `exception` event.
pub fn assert_error_type(span: &SpanData, error_type: &str) {
    assert!(
        matches!(span.status, Status::Error { .. }),
        "status of {:?} should be ERROR, got {:?}",
        span.name,
        span.status
    );
    assert_attr(span, "error.type", s(error_type));
    let exceptions = span.events.iter().filter(|e| e.name == "exception").count();
    assert_eq!(exceptions, 1, "one exception event on {:?}", span.name);
}

pub fn assert_kind(span: &SpanData, kind: SpanKind) {
    assert_eq!(span.span_kind, kind, "span kind of {:?}", span.name);
}

pub fn assert_root(span: &SpanData) {
    assert_eq!(
        span.parent_span_id,
        SpanId::INVALID,
        "{:?} should be a root span",
        span.name
    );
}

pub fn assert_child_of(child: &SpanData, parent: &SpanData) {
    assert_eq!(
        child.span_context.trace_id(),
        parent.span_context.trace_id(),
        "{:?} and {:?} should share a trace",
        child.name,
        parent.name
    );
    assert_eq!(
        child.parent_span_id,
        parent.span_context.span_id(),
        "{:?} should be a child of {:?}",
        child.name,
        parent.name
    );
    assert!(
        !child.parent_span_is_remote,
        "{:?}: local parent",
        child.name
    );
}

/// The distinct trace ids, in order of first appearance.
pub fn trace_ids(spans: &[SpanData]) -> Vec<TraceId> {
    let mut ids: Vec<TraceId> = Vec::new();
    for id in spans.iter().map(|s| s.span_context.trace_id()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

// ----- runtimes -------------------------------------------------------------------------

pub fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

pub fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

/// Lets error text enter spans (content capture `SPAN_ONLY`): for tests that check the macro
/// reaches an error's `Display` in every fn shape. With capture off it is never recorded.
pub fn capture_error_text() {
    telemetry_runtime::genai::capture::set_mode(telemetry_runtime::ContentCapture::SpanOnly);
}

/// A test error with a Display text that must never become `error.type`.
#[derive(Debug)]
pub struct UpstreamError(pub String);

impl std::fmt::Display for UpstreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "upstream said: {}", self.0)
    }
}
impl std::error::Error for UpstreamError {}
