//! Spawned tasks against the installed pipeline and a real OTLP receiver: a bare
//! `tokio::spawn` / `spawn_blocking` loses the OpenTelemetry context, the `tracing` parent and
//! the request scope; `task::spawn`, `task::spawn_blocking` and `.in_current_telemetry()` keep
//! all three.

mod support;

use std::time::Duration;

use otlp_receiver::{Protocol, ReceivedSpan, Receiver};
use support::{Captured, set_env};
use telemetry_runtime::opentelemetry::baggage::BaggageExt;
use telemetry_runtime::opentelemetry::context::FutureExt as _;
use telemetry_runtime::opentelemetry::trace::TraceContextExt;
use telemetry_runtime::opentelemetry::{Context, KeyValue};
use telemetry_runtime::task::{self, TelemetryFutureExt};
use telemetry_runtime::tracing::{Instrument, info, info_span};
use telemetry_runtime::{CommonAttributes, TelemetryGuard, llm_span, scope};

const WAIT: Duration = Duration::from_secs(20);

#[derive(Clone, Debug, PartialEq, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    tenant_id: String,
}

/// What a task sees of its spawner's telemetry.
#[derive(Debug)]
struct Seen {
    /// The span of the current OpenTelemetry context (hex), `None` when invalid.
    otel_span: Option<String>,
    /// The baggage member `k` of the current context.
    baggage: Option<String>,
    /// The request scope's tenant.
    tenant: Option<String>,
}

#[llm_span(kind = "format.output", format = "json")]
fn contract_span() {}

/// Records a `tracing` span `task.child` (attribute `label`) with one log line in it and a
/// contract span `format.output`, and reports what it sees.
fn observe(label: &'static str) -> Seen {
    let seen = Seen {
        otel_span: Context::map_current(|cx| {
            let sc = cx.span().span_context().clone();
            sc.is_valid().then(|| sc.span_id().to_string())
        }),
        baggage: Context::map_current(|cx| cx.baggage().get("k").map(|v| v.to_string())),
        tenant: scope::current::<Ids>().map(|ids| ids.tenant_id),
    };
    info_span!("task.child", label = label).in_scope(|| info!(label, "in task"));
    // A contract span started directly in the task: a child of whatever its context is.
    contract_span();
    seen
}

fn setup() -> (Receiver, Captured, TelemetryGuard) {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRICS_EXPORTER", "none"),
    ]);
    let logs = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(logs.clone())
        .init()
        .expect("init");
    (receiver, logs, guard)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn child<'a>(spans: &'a [ReceivedSpan], label: &str) -> &'a ReceivedSpan {
    spans
        .iter()
        .find(|s| s.name == "task.child" && s.attr("label").and_then(|v| v.as_str()) == Some(label))
        .unwrap_or_else(|| panic!("no task.child {label} in {spans:#?}"))
}

/// Runs `body` inside the span `parent`, in the scope of tenant `acme`, with baggage `k=v`
/// attached; returns what `body` returned and the parent's (trace id, span id).
async fn in_parent<T>(body: impl AsyncFnOnce() -> T) -> (T, (String, String)) {
    scope::with(
        Ids {
            tenant_id: "acme".into(),
        },
        async {
            let cx = Context::current().with_baggage([KeyValue::new("k", "v")]);
            let sc = cx.span().span_context().clone();
            let ids = (sc.trace_id().to_string(), sc.span_id().to_string());
            (body().with_context(cx).await, ids)
        },
    )
    .instrument(info_span!("parent"))
    .await
}

fn assert_kept(seen: &Seen, parent_span: &str) {
    assert_eq!(seen.otel_span.as_deref(), Some(parent_span), "{seen:?}");
    assert_eq!(seen.baggage.as_deref(), Some("v"), "{seen:?}");
    assert_eq!(seen.tenant.as_deref(), Some("acme"), "{seen:?}");
}

fn assert_lost(seen: &Seen) {
    assert_eq!(seen.otel_span, None, "{seen:?}");
    assert_eq!(seen.baggage, None, "{seen:?}");
    assert_eq!(seen.tenant, None, "{seen:?}");
}

fn contract_spans(spans: &[ReceivedSpan]) -> Vec<&ReceivedSpan> {
    spans.iter().filter(|s| s.name == "format.output").collect()
}

#[test]
fn bare_spawn_loses_everything_and_the_helpers_keep_it() {
    let (receiver, logs, guard) = setup();
    let ((bare, helped, wrapped), (trace_id, parent_span)) =
        runtime().block_on(in_parent(async || {
            let bare = tokio::spawn(async { observe("bare") }).await.unwrap();
            let helped = task::spawn(async { observe("helped") }).await.unwrap();
            let wrapped = tokio::spawn(async { observe("wrapped") }.in_current_telemetry())
                .await
                .unwrap();
            (bare, helped, wrapped)
        }));
    assert_lost(&bare);
    assert_kept(&helped, &parent_span);
    assert_kept(&wrapped, &parent_span);
    drop(guard);

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 7);
    let parent = spans.iter().find(|s| s.name == "parent").expect("parent");
    assert_eq!(parent.span_id, parent_span);

    let bare = child(&spans, "bare");
    assert_eq!(bare.parent_span_id, "", "a bare spawn starts a new trace");
    assert_ne!(bare.trace_id, trace_id);
    for label in ["helped", "wrapped"] {
        let span = child(&spans, label);
        assert_eq!(span.parent_span_id, parent_span, "{label}");
        assert_eq!(span.trace_id, trace_id, "{label}");
    }
    // Contract spans: one root (the bare task's), two children of the parent.
    let contract = contract_spans(&spans);
    assert_eq!(contract.len(), 3);
    assert_eq!(
        contract
            .iter()
            .filter(|s| s.parent_span_id.is_empty())
            .count(),
        1
    );
    assert_eq!(
        contract
            .iter()
            .filter(|s| s.parent_span_id == parent_span && s.trace_id == trace_id)
            .count(),
        2
    );

    // Log lines: the kept tasks carry the trace id and the scope's identifiers.
    for label in ["helped", "wrapped"] {
        let line = logs
            .lines_containing(&format!("in task label={label} "))
            .pop()
            .unwrap_or_else(|| panic!("no line for {label}: {}", logs.text()));
        assert!(line.contains(&trace_id), "{line}");
        assert!(line.contains("tenant_id=acme"), "{line}");
    }
    let bare_line = logs
        .lines_containing("in task label=bare ")
        .pop()
        .unwrap_or_else(|| panic!("no line for bare: {}", logs.text()));
    assert!(!bare_line.contains(&trace_id), "{bare_line}");
    assert!(!bare_line.contains("tenant_id"), "{bare_line}");
}

#[test]
fn bare_spawn_blocking_loses_everything_and_the_helper_keeps_it() {
    let (receiver, _logs, guard) = setup();
    let ((bare, helped), (trace_id, parent_span)) = runtime().block_on(in_parent(async || {
        let bare = tokio::task::spawn_blocking(|| observe("bare"))
            .await
            .unwrap();
        let helped = task::spawn_blocking(|| observe("helped")).await.unwrap();
        (bare, helped)
    }));
    assert_lost(&bare);
    assert_kept(&helped, &parent_span);
    drop(guard);

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 5);
    assert_eq!(child(&spans, "bare").parent_span_id, "");
    let helped = child(&spans, "helped");
    assert_eq!(helped.parent_span_id, parent_span);
    assert_eq!(helped.trace_id, trace_id);
    let contract = contract_spans(&spans);
    assert_eq!(contract.len(), 2);
    assert!(contract.iter().any(|s| s.parent_span_id.is_empty()));
    assert!(contract.iter().any(|s| s.parent_span_id == parent_span));
}

#[test]
fn a_thread_runs_in_a_captured_context() {
    let (receiver, _logs, guard) = setup();
    let ((bare, helped), (_, parent_span)) = runtime().block_on(in_parent(async || {
        let bare = std::thread::spawn(|| observe("bare")).join().unwrap();
        let captured = task::TelemetryContext::current();
        let helped = std::thread::spawn(move || captured.in_scope(|| observe("helped")))
            .join()
            .unwrap();
        (bare, helped)
    }));
    assert_lost(&bare);
    assert_kept(&helped, &parent_span);
    drop(guard);
    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 5);
    assert_eq!(child(&spans, "helped").parent_span_id, parent_span);
    assert_eq!(child(&spans, "bare").parent_span_id, "");
}
