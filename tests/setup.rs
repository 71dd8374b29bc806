//! `init()` as a service sees it: idempotent, conditional, disabled, validated, warned about.
//! Each test runs in its own process (nextest).

mod support;

use support::{Captured, open_sockets, set_env, thread_names};
use telemetry_runtime::tracing::{info, info_span};
use telemetry_runtime::{ContentCapture, ExporterKind, InitError, LogFormat};

fn log_inside_a_span(lines: &Captured, message: &str) -> String {
    {
        let span = info_span!("request");
        let _e = span.enter();
        info!(user = "u-1", tokens = 3_i64, "{message}");
    }
    lines
        .lines_containing(message)
        .pop()
        .expect("the line was written")
}

#[test]
fn status_before_init_says_not_initialized() {
    let status = telemetry_runtime::status();
    assert!(!status.initialized);
    assert_eq!(status.to_string(), "telemetry: not initialized");
}

/// No endpoint: spans are real (the line has a trace id) but nothing exports, and no export
/// thread or socket exists.
#[test]
fn without_endpoint_spans_are_real_but_nothing_is_exported() {
    let sockets_before = open_sockets();
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    let status = guard.status();
    assert!(status.initialized);
    assert_eq!(status.traces.exporter, ExporterKind::None);
    assert_eq!(status.logs.exporter, ExporterKind::None);
    assert_eq!(status.metrics.exporter, ExporterKind::None);
    assert_eq!(status.traces.endpoint, None);

    let line = log_inside_a_span(&lines, "no endpoint");
    let trace_id = line
        .split("trace_id=")
        .nth(1)
        .expect("trace_id on the line");
    assert_eq!(
        trace_id.split_whitespace().next().unwrap().len(),
        32,
        "{line}"
    );
    assert!(line.contains("span_id="), "{line}");

    assert!(
        !thread_names()
            .iter()
            .any(|n| n.starts_with("telemetry-export")),
        "no export thread: {:?}",
        thread_names()
    );
    assert_eq!(open_sockets(), sockets_before, "no socket was opened");
    // A line outside any span carries no ids.
    info!("outside");
    let outside = lines.lines_containing("outside").pop().unwrap();
    assert!(!outside.contains("trace_id="), "{outside}");
}

/// A second init() returns the same state, installs nothing and warns about nothing; only
/// the first guard shuts down.
#[test]
fn init_is_idempotent() {
    set_env(&[(
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
        "SPAN_ONLY",
    )]);
    let lines = Captured::default();
    let first = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    let warnings_after_first = lines.lines_containing("WARN").len();
    assert_eq!(
        warnings_after_first,
        1,
        "one content-capture warning: {}",
        lines.text()
    );

    let second = telemetry_runtime::init().expect("a second init is fine");
    let third = telemetry_runtime::builder()
        .service_name("other")
        .init()
        .unwrap();
    assert!(first.is_owner());
    assert!(!second.is_owner() && !third.is_owner());
    assert_eq!(second.status(), first.status());
    assert_eq!(third.status().service_name, first.status().service_name);
    assert_eq!(
        lines.lines_containing("WARN").len(),
        warnings_after_first,
        "no new warning"
    );
    drop(second);
    drop(third);
    // Still installed: lines still carry trace ids.
    let line = log_inside_a_span(&lines, "after the extra guards");
    assert!(line.contains("trace_id="), "{line}");
}

#[test]
fn sdk_disabled_makes_everything_a_no_op() {
    set_env(&[
        ("OTEL_SDK_DISABLED", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"),
    ]);
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    let status = guard.status();
    assert!(status.sdk_disabled);
    assert!(!status.traces.is_active() && !status.logs.is_active() && !status.metrics.is_active());
    assert_eq!(
        status.to_string(),
        "telemetry: disabled (OTEL_SDK_DISABLED=true)"
    );
    let line = log_inside_a_span(&lines, "disabled");
    assert!(
        !line.contains("trace_id="),
        "no OpenTelemetry context: {line}"
    );
    assert!(
        !thread_names()
            .iter()
            .any(|n| n.starts_with("telemetry-export"))
    );
}

/// A bad value fails init with the typed error, and nothing is installed: a corrected init
/// afterwards succeeds.
#[test]
fn invalid_configuration_fails_init_and_installs_nothing() {
    set_env(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpcc")]);
    let error = telemetry_runtime::init().unwrap_err();
    assert!(matches!(error, InitError::Config(_)));
    assert_eq!(
        error.to_string(),
        "invalid value `grpcc` for OTEL_EXPORTER_OTLP_PROTOCOL: expected one of grpc, http/protobuf"
    );
    assert!(!telemetry_runtime::status().initialized);
    let guard = telemetry_runtime::builder()
        .protocol(telemetry_runtime::Protocol::Grpc)
        .log_writer(Captured::default())
        .init()
        .expect("the builder value wins over the bad variable");
    assert!(guard.status().initialized);
}

#[test]
fn a_bad_rust_log_names_the_variable() {
    set_env(&[("RUST_LOG", "info,[[[")]);
    let error = telemetry_runtime::init().unwrap_err().to_string();
    assert!(
        error.starts_with("invalid value `info,[[[` for RUST_LOG"),
        "{error}"
    );
}

/// Non-fatal misconfigurations: one warning each at init, with its stable code, in status().
#[test]
fn misconfigurations_are_warned_once_with_stable_codes() {
    set_env(&[
        ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "0"),
        ("OTEL_TRACES_EXPORTER", "console"),
        (
            "OTEL_RESOURCE_ATTRIBUTES",
            "deployment.environment.name=production",
        ),
    ]);
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .content_capture(ContentCapture::SpanAndEvent)
        .log_writer(lines.clone())
        .init()
        .unwrap();
    let codes: Vec<&str> = guard
        .status()
        .warnings
        .iter()
        .map(|w| w.code.as_str())
        .collect();
    assert_eq!(codes, ["TR-W001", "TR-W002", "TR-W003"]);
    for code in codes {
        assert_eq!(
            lines.lines_containing(code).len(),
            1,
            "{code} logged once: {}",
            lines.text()
        );
    }
    assert!(guard.status().to_string().contains("warning TR-W001"));
}

#[test]
fn json_lines_carry_typed_fields_and_ids() {
    let lines = Captured::default();
    let _guard = telemetry_runtime::builder()
        .log_format(LogFormat::Json)
        .log_writer(lines.clone())
        .init()
        .unwrap();
    let line = log_inside_a_span(&lines, "json line");
    let value: serde_json::Value = serde_json::from_str(&line).expect("one JSON object per line");
    assert_eq!(value["message"], "json line");
    assert_eq!(value["level"], "INFO");
    assert_eq!(value["target"], "setup");
    assert_eq!(value["user"], "u-1");
    assert_eq!(value["tokens"], 3);
    assert_eq!(value["trace_id"].as_str().unwrap().len(), 32);
    assert_eq!(value["span_id"].as_str().unwrap().len(), 16);
    assert!(value["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn log_format_comes_from_the_environment() {
    set_env(&[("TELEMETRY_LOG_FORMAT", "json"), ("RUST_LOG", "warn")]);
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    assert_eq!(guard.status().log_format, LogFormat::Json);
    info!("filtered out by RUST_LOG");
    telemetry_runtime::tracing::warn!("kept");
    assert!(lines.lines_containing("filtered out").is_empty());
    let kept = lines.lines_containing("kept").pop().unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&kept).is_ok(),
        "{kept}"
    );
}

/// The user's own layers see every event, beside the toolkit's.
#[test]
fn user_layers_are_added_to_the_stack() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Count(Arc<AtomicUsize>);
    impl<S: telemetry_runtime::tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
        fn on_event(
            &self,
            _event: &telemetry_runtime::tracing::Event<'_>,
            _ctx: tracing_subscriber::layer::Context<'_, S>,
        ) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    let seen = Arc::new(AtomicUsize::new(0));
    let _guard = telemetry_runtime::builder()
        .with_layer(Count(seen.clone()))
        .log_writer(Captured::default())
        .init()
        .unwrap();
    info!("one");
    info!("two");
    assert_eq!(seen.load(Ordering::Relaxed), 2);
}

/// Another subscriber already installed: a clear error instead of a silent half-install.
#[test]
fn an_existing_global_subscriber_is_reported() {
    telemetry_runtime::tracing::subscriber::set_global_default(tracing_subscriber::registry())
        .unwrap();
    let error = telemetry_runtime::init().unwrap_err();
    assert!(matches!(error, InitError::SubscriberAlreadySet), "{error}");
    assert!(error.to_string().contains("with_layer"));
}

/// After init() the global propagator is the strict W3C one: an upper-case traceparent is
/// rejected (a lenient parser would accept it), a valid one with the level-2 random flag is
/// kept and injected again.
#[test]
fn the_global_propagator_is_strict_w3c() {
    use std::collections::HashMap;
    use telemetry_runtime::opentelemetry::global;
    use telemetry_runtime::opentelemetry::trace::TraceContextExt;
    let _guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap();
    let extract = |traceparent: &str| {
        let carrier: HashMap<String, String> =
            [("traceparent".to_owned(), traceparent.to_owned())].into();
        global::get_text_map_propagator(|p| p.extract(&carrier))
    };
    let upper = extract("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01");
    assert!(
        !upper.span().span_context().is_valid(),
        "upper-case hex is rejected"
    );
    let random = extract("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
    assert!(random.span().span_context().is_valid());
    let mut out: HashMap<String, String> = HashMap::new();
    global::get_text_map_propagator(|p| p.inject_context(&random, &mut out));
    assert_eq!(
        out.get("traceparent").map(String::as_str),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")
    );
}

/// The service name an application sets with `default_service_name` is what the operator
/// renames with `OTEL_SERVICE_NAME`: the exported resource carries the operator's name.
#[test]
fn otel_service_name_renames_the_default_set_in_code() {
    let receiver = otlp_receiver::Receiver::start(otlp_receiver::Protocol::HttpProtobuf);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_SERVICE_NAME", "renamed-by-the-operator"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRICS_EXPORTER", "none"),
    ]);
    let guard = telemetry_runtime::builder()
        .default_service_name("named-in-code")
        .init()
        .unwrap();
    assert_eq!(guard.status().service_name, "renamed-by-the-operator");
    telemetry_runtime::tracing::info_span!("renamed.work").in_scope(|| {});
    drop(guard);
    let spans = receiver.wait_for_spans(std::time::Duration::from_secs(20), |s| !s.is_empty());
    let span = spans
        .iter()
        .find(|s| s.name == "renamed.work")
        .expect("span");
    assert_eq!(
        span.resource_attr("service.name").and_then(|v| v.as_str()),
        Some("renamed-by-the-operator")
    );
}

#[test]
fn a_guard_dropped_at_once_is_warned_about_and_later_inits_say_why_nothing_works() {
    let lines = Captured::default();
    #[allow(clippy::let_underscore_must_use)]
    let _ = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init();
    let warning = lines.lines_containing("TR-W102");
    assert_eq!(warning.len(), 1, "{}", lines.text());
    assert!(
        warning[0].contains("the guard it returned was dropped at once")
            && warning[0].contains("let _guard = init()?;"),
        "{}",
        warning[0]
    );
    let later = telemetry_runtime::init().unwrap_err();
    assert!(matches!(later, InitError::ShutDown));
    assert!(
        later
            .to_string()
            .starts_with("telemetry was shut down when the guard of the first init() was dropped"),
        "{later}"
    );
}

#[test]
fn a_guard_kept_for_a_while_shuts_down_without_the_warning() {
    let lines = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .init()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    drop(guard);
    assert!(
        lines.lines_containing("TR-W102").is_empty(),
        "{}",
        lines.text()
    );
}

/// `shutdown_async` against a collector that accepts connections and never answers: the
/// runtime's only worker thread keeps running other tasks while the shutdown waits out the
/// export timeout.
#[test]
fn shutdown_async_leaves_the_runtime_free_while_a_hung_collector_times_out() {
    let hung = otlp_receiver::Blackhole::start();
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &hung.endpoint()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1000"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_LOGS_EXPORTER", "none"),
    ]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (ticked_until, shut_down_at) = runtime.block_on(async {
        let guard = telemetry_runtime::builder()
            .log_writer(Captured::default())
            .init()
            .unwrap();
        info_span!("to export").in_scope(|| info!("one span for the hung collector"));
        let ticker = tokio::spawn(async {
            for _ in 0..20 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            std::time::Instant::now()
        });
        guard.shutdown_async().await;
        let shut_down_at = std::time::Instant::now();
        (ticker.await.unwrap(), shut_down_at)
    });
    // The ticker, on the runtime's one thread, finished while the shutdown was still waiting
    // for the hung collector (a blocking drop would have held that thread until the end).
    assert!(ticked_until < shut_down_at);
}
