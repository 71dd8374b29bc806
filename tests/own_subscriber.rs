//! An application that owns its `tracing` subscriber: `init_layers()` installs the providers
//! and hands back the toolkit's layers, which the application adds to its own registry beside
//! its own fmt layer. Spans and log records reach the real receiver with their trace ids, the
//! request scope's identifiers, and content redacted; the toolkit's line format works in the
//! application's fmt layer.

mod support;

use std::time::Duration;

use otlp_receiver::{Protocol, Receiver};
use support::{Captured, exported_bytes, occurrences, set_env};
use telemetry_runtime::tracing::{info, info_span};
use telemetry_runtime::{CommonAttributes, scope};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

const WAIT: Duration = Duration::from_secs(20);
const CANARY: &str = "CANARY-PROMPT-4410";

#[derive(Clone, Debug, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    tenant_id: String,
}

#[test]
fn the_toolkit_layers_in_the_application_s_registry_export_with_trace_ids_and_redact() {
    let receiver = Receiver::start(Protocol::Grpc);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_METRICS_EXPORTER", "none"),
    ]);
    let (guard, telemetry) = telemetry_runtime::builder()
        .default_service_name("owns-its-subscriber")
        .init_layers()
        .expect("init_layers");
    let own_lines = Captured::default();
    let toolkit_lines = Captured::default();
    tracing_subscriber::registry()
        // The application's own fmt layer, its own format.
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(own_lines.clone()),
        )
        // A second fmt layer with the toolkit's line format.
        .with(
            tracing_subscriber::fmt::layer()
                .event_format(telemetry.line_format())
                .with_writer(toolkit_lines.clone()),
        )
        .with(telemetry.layer())
        .init();

    let ids = Ids {
        tenant_id: "t-9".into(),
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (trace_id, span_id) = runtime.block_on(scope::with(ids, async {
        let span = info_span!("app.request");
        let _entered = span.enter();
        info!(prompt = CANARY, "asked the model");
        log::warn!("a record of the log facade");
        telemetry_runtime::opentelemetry::Context::map_current(|cx| {
            use telemetry_runtime::opentelemetry::trace::TraceContextExt as _;
            let sc = cx.span().span_context().clone();
            (sc.trace_id().to_string(), sc.span_id().to_string())
        })
    }));
    drop(guard);

    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "app.request"));
    let span = spans.iter().find(|s| s.name == "app.request").unwrap();
    assert_eq!(span.trace_id, trace_id);
    assert_eq!(span.span_id, span_id);
    assert_eq!(
        span.resource_attr("service.name").unwrap().as_str(),
        Some("owns-its-subscriber")
    );
    let logs = receiver.wait_for_logs(WAIT, |l| l.len() >= 2);
    let asked = logs
        .iter()
        .find(|l| l.body_str() == Some("asked the model"))
        .expect("the log record");
    assert_eq!(asked.trace_id, trace_id);
    assert_eq!(asked.span_id, span_id);
    assert_eq!(asked.attr("acme.tenant_id").unwrap().as_str(), Some("t-9"));
    assert_ne!(asked.attr("prompt").unwrap().as_str(), Some(CANARY));
    let facade = logs
        .iter()
        .find(|l| l.body_str() == Some("a record of the log facade"))
        .expect("the log facade's record");
    assert_eq!(facade.severity_text, "WARN");
    assert_eq!(facade.trace_id, trace_id);
    assert_eq!(
        occurrences(&exported_bytes(&receiver), CANARY),
        0,
        "the prompt left the process"
    );

    // The application's own lines are its own format (the canary is its business there).
    let own = own_lines.lines_containing("asked the model");
    assert_eq!(own.len(), 1, "{}", own_lines.text());
    assert!(!own[0].contains("trace_id="), "{}", own[0]);
    // The toolkit's format: trace and span ids, the scope's identifiers, content redacted.
    let line = toolkit_lines.lines_containing("asked the model");
    assert_eq!(line.len(), 1, "{}", toolkit_lines.text());
    assert!(
        line[0].contains(&format!("trace_id={trace_id}")),
        "{}",
        line[0]
    );
    assert!(
        line[0].contains(&format!("span_id={span_id}")),
        "{}",
        line[0]
    );
    assert!(line[0].contains("tenant_id=t-9"), "{}", line[0]);
    assert!(!line[0].contains(CANARY), "{}", line[0]);
}

/// `init()` after the application installed a subscriber: the error says how to keep it.
#[test]
fn init_with_a_subscriber_already_set_points_at_init_layers() {
    tracing_subscriber::registry().init();
    let error = telemetry_runtime::init().unwrap_err();
    assert!(error.to_string().contains("init_layers"), "{error}");
    // init_layers() works with it.
    let (guard, telemetry) = telemetry_runtime::init_layers().expect("init_layers");
    assert!(format!("{telemetry:?}").contains("TelemetryLayers"));
    drop(guard);
}
