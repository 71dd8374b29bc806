//! Export through a real OTLP receiver on loopback, over gRPC and over HTTP/protobuf:
//! spans, correlated log records and metrics, decoded from the protobuf the receiver got.

mod support;

use std::time::Duration;

use otlp_receiver::{Protocol, Receiver, Value};
use support::{Captured, set_env};
use telemetry_runtime::tracing::{self, info, info_span};

const WAIT: Duration = Duration::from_secs(20);

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "grpc",
        Protocol::HttpProtobuf => "http/protobuf",
    }
}

fn spans_and_logs_arrive_correlated(protocol: Protocol) {
    let receiver = Receiver::start(protocol);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol_name(protocol)),
        ("OTEL_SERVICE_NAME", "export-test"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment.name=staging,team=llm",
        ),
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret%20value"),
    ]);
    let logs = Captured::default();
    let guard = telemetry_runtime::builder()
        .service_version("1.2.3")
        .log_writer(logs.clone())
        .init()
        .expect("init");
    let status = guard.status();
    assert_eq!(
        status.traces.exporter,
        telemetry_runtime::ExporterKind::Otlp
    );
    assert_eq!(status.logs.exporter, telemetry_runtime::ExporterKind::Otlp);

    {
        let parent = info_span!("http.handler", http.route = "/chat", otel.kind = "server");
        let _p = parent.enter();
        let child = info_span!("llm.decode", llm.tokens.out = 17_i64);
        let _c = child.enter();
        info!(steps = 17_i64, cached = true, "decode finished");
    }
    drop(guard); // flush and shut down

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 2);
    let parent = spans
        .iter()
        .find(|s| s.name == "http.handler")
        .expect("parent span");
    let child = spans
        .iter()
        .find(|s| s.name == "llm.decode")
        .expect("child span");
    assert_eq!(child.trace_id, parent.trace_id);
    assert_eq!(child.parent_span_id, parent.span_id);
    assert_eq!(parent.parent_span_id, "");
    assert_eq!(parent.kind, "SERVER");
    assert_eq!(child.attr("llm.tokens.out"), Some(&Value::Int(17)));
    assert!(
        child.events.is_empty(),
        "log events are not copied into span events by default: {:?}",
        child.events
    );
    assert_eq!(
        parent.resource_attr("service.name"),
        Some(&Value::String("export-test".into()))
    );
    assert_eq!(
        parent.resource_attr("service.version"),
        Some(&Value::String("1.2.3".into()))
    );
    assert_eq!(
        parent.resource_attr("deployment.environment.name"),
        Some(&Value::String("staging".into()))
    );
    assert_eq!(
        parent.resource_attr("team"),
        Some(&Value::String("llm".into()))
    );
    assert_eq!(
        parent.resource_attr("telemetry.sdk.language"),
        Some(&Value::String("rust".into()))
    );
    assert_eq!(
        parent.resource_attr("telemetry.distro.name"),
        Some(&Value::String("telemetry-runtime".into()))
    );

    let records = receiver.wait_for_logs(WAIT, |l| {
        l.iter().any(|r| r.body_str() == Some("decode finished"))
    });
    let record = records
        .iter()
        .find(|r| r.body_str() == Some("decode finished"))
        .expect("log record");
    assert_eq!(
        record.trace_id, child.trace_id,
        "the log record carries the active span's trace"
    );
    assert_eq!(record.span_id, child.span_id);
    assert_eq!(record.severity_number, 9, "INFO");
    assert_eq!(record.severity_text, "INFO");
    assert_eq!(record.attr("steps"), Some(&Value::Int(17)));
    assert_eq!(record.attr("cached"), Some(&Value::Bool(true)));
    assert_eq!(
        record.attr("code.file.path"),
        Some(&Value::String(file!().into()))
    );
    assert!(matches!(record.attr("code.line.number"), Some(Value::Int(n)) if *n > 0));
    assert_eq!(
        record
            .resource
            .iter()
            .find(|(k, _)| k == "service.name")
            .map(|(_, v)| v),
        Some(&Value::String("export-test".into()))
    );

    // The stdout line of the same event carries the same ids.
    let line = logs
        .lines_containing("decode finished")
        .pop()
        .expect("log line");
    assert!(
        line.contains(&format!("trace_id={}", child.trace_id)),
        "{line}"
    );
    assert!(
        line.contains(&format!("span_id={}", child.span_id)),
        "{line}"
    );

    // The configured header reached the collector with every request.
    let requests = receiver.requests();
    assert!(!requests.is_empty());
    for request in &requests {
        assert!(
            request
                .headers
                .iter()
                .any(|(k, v)| k == "api-key" && v == "secret value"),
            "{request:?}"
        );
    }
    // No exporter diagnostics leaked into the exported logs.
    assert!(
        records
            .iter()
            .all(|r| !r.scope_name.starts_with("opentelemetry"))
    );
}

#[test]
fn grpc_spans_and_logs_arrive_correlated() {
    spans_and_logs_arrive_correlated(Protocol::Grpc);
}

#[test]
fn http_spans_and_logs_arrive_correlated() {
    spans_and_logs_arrive_correlated(Protocol::HttpProtobuf);
}

/// One trace backend, one log backend: each receives only its signal.
fn separate_trace_and_log_endpoints(protocol: Protocol) {
    let traces = Receiver::start(protocol);
    let logs = Receiver::start(protocol);
    let (traces_endpoint, logs_endpoint) = match protocol {
        Protocol::Grpc => (traces.endpoint(), logs.endpoint()),
        Protocol::HttpProtobuf => (
            format!("{}/v1/traces", traces.endpoint()),
            format!("{}/v1/logs", logs.endpoint()),
        ),
    };
    set_env(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol_name(protocol)),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &traces_endpoint),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", &logs_endpoint),
    ]);
    let guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap();
    let status = guard.status();
    assert_eq!(
        status.traces.endpoint.as_deref(),
        Some(traces_endpoint.as_str())
    );
    assert_eq!(
        status.logs.endpoint.as_deref(),
        Some(logs_endpoint.as_str())
    );
    assert_eq!(
        status.metrics.exporter,
        telemetry_runtime::ExporterKind::None
    );
    {
        let span = info_span!("rag.retrieve");
        let _e = span.enter();
        info!("retrieved");
    }
    drop(guard);
    assert_eq!(traces.wait_for_spans(WAIT, |s| !s.is_empty()).len(), 1);
    assert_eq!(logs.wait_for_logs(WAIT, |l| !l.is_empty()).len(), 1);
    assert!(traces.logs().is_empty(), "the trace backend got no logs");
    assert!(logs.spans().is_empty(), "the log backend got no spans");
    assert!(traces.metrics().is_empty() && logs.metrics().is_empty());
}

#[test]
fn grpc_separate_trace_and_log_endpoints() {
    separate_trace_and_log_endpoints(Protocol::Grpc);
}

#[test]
fn http_separate_trace_and_log_endpoints() {
    separate_trace_and_log_endpoints(Protocol::HttpProtobuf);
}

fn metrics_are_exported(protocol: Protocol) {
    let receiver = Receiver::start(protocol);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol_name(protocol)),
        ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
    ]);
    let guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap();
    let meter = telemetry_runtime::opentelemetry::global::meter("test");
    let counter = meter.u64_counter("requests").build();
    counter.add(3, &[]);
    let metrics = receiver.wait_for_metrics(WAIT, |m| m.iter().any(|m| m.name == "requests"));
    assert!(metrics.iter().any(|m| m.name == "requests"), "{metrics:?}");
    let deadline = std::time::Instant::now() + WAIT;
    while guard.status().metrics.exported == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(guard.status().metrics.exported >= 1);
}

#[test]
fn grpc_metrics_are_exported() {
    metrics_are_exported(Protocol::Grpc);
}

#[test]
fn http_metrics_are_exported() {
    metrics_are_exported(Protocol::HttpProtobuf);
}

/// The sampler from the environment: always_off exports no span, yet trace ids exist for
/// the log lines.
#[test]
fn always_off_sampler_exports_nothing_but_lines_keep_trace_ids() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    set_env(&[
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            &format!("{}/v1/traces", receiver.endpoint()),
        ),
        ("OTEL_TRACES_SAMPLER", "always_off"),
    ]);
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    {
        let span = info_span!("unsampled");
        let _e = span.enter();
        tracing::info!("inside");
    }
    drop(guard);
    std::thread::sleep(Duration::from_millis(300));
    assert!(receiver.spans().is_empty());
    let line = lines.lines_containing("inside").pop().unwrap();
    assert!(line.contains("trace_id="), "{line}");
}
