//! The toolkit's OTLP/HTTP span exporter against a real receiver whose answers are scripted:
//! `503`, `502`, `504` and `429` are retried with the same request (after the collector's
//! `Retry-After` when it sends one), other statuses are not; a partial success in the
//! protobuf response counts as exported and is warned about; neither the collector's body
//! nor the endpoint's credentials reach the application's logs.

mod support;

use std::time::{Duration, Instant};

use otlp_receiver::{Protocol, Receiver, TraceReply};
use support::{Captured, set_env};
use telemetry_runtime::tracing::info_span;

const WAIT: Duration = Duration::from_secs(20);
const CANARY: &str = "CANARY-COLLECTOR-BODY";

fn emit(name: &'static str) {
    let span = info_span!("work", otel.name = name);
    drop(span.enter());
}

fn start_at(endpoint: &str, logs: &Captured) -> telemetry_runtime::TelemetryGuard {
    set_env(&[
        ("OTEL_SERVICE_NAME", "http-export"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
    ]);
    telemetry_runtime::builder()
        .log_writer(logs.clone())
        .init()
        .expect("telemetry installs")
}

fn start(receiver: &Receiver, logs: &Captured) -> telemetry_runtime::TelemetryGuard {
    start_at(&receiver.endpoint(), logs)
}

fn fail(status: u16, retry_after: Option<u64>) -> TraceReply {
    TraceReply::HttpFail {
        status,
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
fn retryable_statuses_are_retried_with_the_same_request_until_it_is_accepted() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    receiver.reply_to_traces([fail(503, None), fail(502, None), fail(504, None)]);
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
        3,
        "three failed attempts before the accepted one"
    );
    let accepted = receiver.trace_requests();
    assert_eq!(accepted.len(), 1);
    assert!(
        failed.iter().all(|attempt| *attempt == accepted[0]),
        "each retry sends the same request"
    );
    let request = &receiver.requests()[0];
    assert_eq!(request.path, "/v1/traces");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-protobuf")
    );
    wait_until("the export is counted", || {
        guard.status().traces.exported == 5
    });
    assert_eq!(guard.status().traces.dropped, 0);
    assert!(!logs.text().contains(CANARY), "{}", logs.text());
}

#[test]
fn a_permanent_failure_is_not_retried_and_its_error_names_the_status_not_the_body() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    receiver.reply_to_traces([fail(400, None)]);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);
    for _ in 0..3 {
        emit("rejected");
    }
    wait_until("the batch is dropped", || {
        guard.status().traces.dropped == 3
    });
    let spans = receiver.wait_for_spans(WAIT, |spans| {
        emit("after");
        !spans.is_empty()
    });
    assert!(spans.iter().all(|s| s.name == "after"));
    assert_eq!(receiver.failed_trace_requests().len(), 1, "not retried");
    wait_until("the warning is logged", || logs.text().contains("TR-W100"));
    let text = logs.text();
    assert!(
        text.contains("OTLP HTTP trace export failed with status 400 Bad Request"),
        "{text}"
    );
    assert!(!text.contains(CANARY), "{text}");
    assert_eq!(guard.status().traces.dropped, 3);
}

#[test]
fn too_many_requests_waits_for_the_collectors_retry_after() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let logs = Captured::default();
    let guard = start(&receiver, &logs);
    receiver.reply_to_traces([fail(429, Some(1))]);
    emit("throttled");
    let first = Instant::now();
    wait_until("the first attempt fails", || {
        !receiver.failed_trace_requests().is_empty()
    });
    let spans = receiver.wait_for_spans(WAIT, |spans| !spans.is_empty());
    assert_eq!(spans[0].name, "throttled");
    // The retry came after the collector's delay, not after the 100 ms back-off.
    assert!(
        first.elapsed() >= Duration::from_millis(900),
        "{:?}",
        first.elapsed()
    );
    assert_eq!(receiver.failed_trace_requests().len(), 1);
    wait_until("the export is counted", || {
        guard.status().traces.exported == 1
    });
}

#[test]
fn a_partial_success_counts_as_exported_and_is_warned_without_the_collectors_message() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
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

#[test]
fn a_collector_that_is_gone_costs_dropped_spans_and_an_error_without_the_credentials() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://alice:CANARY-PASSWORD@127.0.0.1:{port}");
    set_env(&[("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")]);
    let logs = Captured::default();
    let guard = start_at(&endpoint, &logs);
    emit("lost");
    wait_until("the batch is dropped", || {
        guard.status().traces.dropped == 1
    });
    wait_until("the warning is logged", || logs.text().contains("TR-W100"));
    let text = logs.text();
    assert!(text.contains("OTLP HTTP trace export failed: "), "{text}");
    assert!(!text.contains("CANARY"), "{text}");
}
