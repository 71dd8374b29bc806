//! The toolkit's OTLP/gRPC span exporter against a real receiver whose answers are scripted:
//! the failures the OTLP specification calls retryable are retried with the same request,
//! the others are not; `RESOURCE_EXHAUSTED` is retried only when the collector's
//! `RetryInfo` says when; a partial success counts as exported and is warned about; the
//! collector's own message never reaches the application's logs.

mod support;

use std::time::{Duration, Instant};

use otlp_receiver::{Code, Protocol, Receiver, TraceReply};
use support::{Captured, set_env};
use telemetry_runtime::tracing::info_span;

const WAIT: Duration = Duration::from_secs(20);
const CANARY: &str = "CANARY-COLLECTOR-MESSAGE";

fn emit(name: &'static str) {
    let span = info_span!("work", otel.name = name);
    drop(span.enter());
}

fn start(receiver: &Receiver, logs: &Captured) -> telemetry_runtime::TelemetryGuard {
    set_env(&[
        ("OTEL_SERVICE_NAME", "grpc-export"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
    ]);
    telemetry_runtime::builder()
        .log_writer(logs.clone())
        .init()
        .expect("telemetry installs")
}

fn fail(code: Code, retry_after: Option<Duration>) -> TraceReply {
    TraceReply::Fail {
        code,
        message: CANARY.to_owned(),
        retry_after,
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn unavailable_is_retried_with_the_same_request_until_it_is_accepted() {
    let receiver = Receiver::start(Protocol::Grpc);
    receiver.reply_to_traces([fail(Code::Unavailable, None), fail(Code::Unavailable, None)]);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);
    for _ in 0..5 {
        emit("retried");
    }
    let spans = receiver.wait_for_spans(WAIT, |spans| spans.len() >= 5);
    assert_eq!(spans.len(), 5);
    let failed = receiver.failed_trace_requests();
    assert_eq!(
        failed.len(),
        2,
        "two failed attempts before the accepted one"
    );
    let accepted = receiver.trace_requests();
    assert_eq!(accepted.len(), 1);
    assert!(
        failed.iter().all(|attempt| *attempt == accepted[0]),
        "each retry sends the same request"
    );
    wait_until("the export is counted", || {
        guard.status().traces.exported == 5
    });
    assert_eq!(guard.status().traces.dropped, 0);
    assert!(!logs.text().contains(CANARY), "{}", logs.text());
}

#[test]
fn a_permanent_failure_is_not_retried_and_its_error_names_the_code_not_the_message() {
    let receiver = Receiver::start(Protocol::Grpc);
    receiver.reply_to_traces([fail(Code::InvalidArgument, None)]);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);
    for _ in 0..3 {
        emit("rejected");
    }
    wait_until("the batch is dropped", || {
        guard.status().traces.dropped == 3
    });
    // Later spans go through: the failure was one request's, not the exporter's.
    let spans = receiver.wait_for_spans(WAIT, |spans| {
        emit("after");
        !spans.is_empty()
    });
    assert!(spans.iter().all(|s| s.name == "after"));
    assert_eq!(receiver.failed_trace_requests().len(), 1, "not retried");
    wait_until("the warning is logged", || logs.text().contains("TR-W100"));
    let text = logs.text();
    assert!(
        text.contains("OTLP gRPC trace export failed with code InvalidArgument"),
        "{text}"
    );
    assert!(!text.contains(CANARY), "{text}");
    assert_eq!(guard.status().traces.dropped, 3);
}

#[test]
fn resource_exhausted_is_retried_only_when_the_collector_says_when() {
    let receiver = Receiver::start(Protocol::Grpc);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);

    receiver.reply_to_traces([fail(
        Code::ResourceExhausted,
        Some(Duration::from_millis(200)),
    )]);
    emit("throttled");
    let spans = receiver.wait_for_spans(WAIT, |spans| !spans.is_empty());
    assert_eq!(spans[0].name, "throttled");
    assert_eq!(receiver.failed_trace_requests().len(), 1);
    wait_until("the export is counted", || {
        guard.status().traces.exported == 1
    });

    receiver.reply_to_traces([fail(Code::ResourceExhausted, None)]);
    emit("exhausted");
    wait_until("the batch is dropped", || {
        guard.status().traces.dropped == 1
    });
    assert_eq!(receiver.failed_trace_requests().len(), 2, "not retried");
    assert_eq!(receiver.spans().len(), 1);
}

#[test]
fn a_partial_success_counts_as_exported_and_is_warned_without_the_collectors_message() {
    let receiver = Receiver::start(Protocol::Grpc);
    receiver.reply_to_traces([TraceReply::PartialSuccess {
        rejected: 1,
        message: CANARY.to_owned(),
    }]);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);
    emit("partial-1");
    emit("partial-2");
    receiver.wait_for_spans(WAIT, |spans| spans.len() >= 2);
    wait_until("the export is counted", || {
        guard.status().traces.exported == 2
    });
    wait_until("the warning is logged", || logs.text().contains("TR-W101"));
    let text = logs.text();
    assert!(text.contains("1 spans rejected"), "{text}");
    assert!(!text.contains(CANARY), "{text}");
    assert_eq!(receiver.failed_trace_requests().len(), 0);
}
