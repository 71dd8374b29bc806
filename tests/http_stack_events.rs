//! Events of the application's own HTTP stack are exported; nothing the export path emits is.
//!
//! A user's `tower_http` span, `hyper` and `reqwest` events, and a record of the `log` facade
//! reach the real receiver with their trace context. The export thread's own events (reqwest
//! and hyper connecting to the collector, logged at `trace` here) never do, whether the
//! collector a signal goes to refuses connections or accepts and never answers.

mod support;

use std::net::TcpListener;
use std::time::Duration;

use otlp_receiver::{Protocol, ReceivedLog, Receiver};
use support::set_env;
use telemetry_runtime::opentelemetry::global;
use telemetry_runtime::tracing::{info, info_span};

const WAIT: Duration = Duration::from_secs(20);

/// The crates whose events the export path emits while it sends.
const STACK: &[&str] = &["reqwest", "hyper", "hyper_util", "h2", "tonic", "tower"];

fn of_the_stack(log: &ReceivedLog) -> bool {
    STACK
        .iter()
        .any(|c| log.scope_name == *c || log.scope_name.starts_with(&format!("{c}::")))
}

/// Exports traces and logs to a working receiver and metrics to `metrics_endpoint`, with the
/// HTTP stack logging at `trace`; emits the application's own stack events; returns the
/// receiver once everything is flushed.
fn run(metrics_endpoint: &str) -> Receiver {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metrics_endpoint),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100"),
        ("OTEL_METRIC_EXPORT_TIMEOUT", "300"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        (
            "RUST_LOG",
            "info,reqwest=trace,hyper=trace,hyper_util=trace,h2=trace,tower=trace",
        ),
    ]);
    let guard = telemetry_runtime::init().expect("init");
    let counter = global::meter("app").u64_counter("app.requests").build();
    info_span!(target: "tower_http::trace::make_span", "request", http.method = "GET").in_scope(
        || {
            counter.add(1, &[]);
            info!(target: "tower_http::trace::on_response", "from the application: tower_http");
            info!(target: "hyper_util::client::legacy", "from the application: hyper");
            info!(target: "reqwest::connect", "from the application: reqwest");
            log::warn!("from the application: log facade");
        },
    );
    // Several metric exports fail meanwhile, each logging on the export thread.
    std::thread::sleep(Duration::from_millis(600));
    drop(guard);
    receiver
}

fn assert_stack_events_of_the_app_only(receiver: &Receiver) {
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "request"));
    let request = spans.iter().find(|s| s.name == "request").unwrap();
    let logs = receiver.wait_for_logs(WAIT, |l| {
        l.iter()
            .filter(|l| {
                l.body_str()
                    .is_some_and(|b| b.starts_with("from the application"))
            })
            .count()
            >= 4
    });
    for (body, scope) in [
        (
            "from the application: tower_http",
            "tower_http::trace::on_response",
        ),
        ("from the application: hyper", "hyper_util::client::legacy"),
        ("from the application: reqwest", "reqwest::connect"),
        ("from the application: log facade", "http_stack_events"),
    ] {
        let log = logs
            .iter()
            .find(|l| l.body_str() == Some(body))
            .unwrap_or_else(|| panic!("{body} not exported: {logs:#?}"));
        assert_eq!(log.scope_name, scope, "{log:#?}");
        assert_eq!(log.trace_id, request.trace_id, "{log:#?}");
        assert_eq!(log.span_id, request.span_id, "{log:#?}");
    }
    let facade = logs
        .iter()
        .find(|l| l.body_str() == Some("from the application: log facade"))
        .unwrap();
    assert_eq!(facade.severity_text, "WARN");
    let from_export: Vec<_> = logs
        .iter()
        .filter(|l| of_the_stack(l))
        .filter(|l| {
            !l.body_str()
                .is_some_and(|b| b.starts_with("from the application"))
        })
        .collect();
    assert!(
        from_export.is_empty(),
        "the export path's own events were exported: {from_export:#?}"
    );
    let stack_spans: Vec<_> = spans.iter().filter(|s| s.name != "request").collect();
    assert!(
        stack_spans.is_empty(),
        "export-path spans exported: {stack_spans:#?}"
    );
}

#[test]
fn a_refusing_collector_s_errors_stay_out_and_the_app_s_stack_events_go_in() {
    let refusing = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = refusing.local_addr().unwrap();
    drop(refusing);
    let receiver = run(&format!("http://{addr}/v1/metrics"));
    assert_stack_events_of_the_app_only(&receiver);
}

#[test]
fn a_hung_collector_s_connection_stays_out_and_the_app_s_stack_events_go_in() {
    // Accepts connections and never answers.
    let hung = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = hung.local_addr().unwrap();
    let _held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in hung.incoming().flatten() {
            open.push(stream);
        }
    });
    let receiver = run(&format!("http://{addr}/v1/metrics"));
    assert_stack_events_of_the_app_only(&receiver);
}
