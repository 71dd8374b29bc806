//! Attribute limits from the standard variables, decoded from the real OTLP receiver: span,
//! event and log record values cut on a character boundary, counts capped with the dropped
//! counts in OTLP's `dropped_*` fields; and, with no variable set, values copied from a
//! request's headers and URL capped at `attribute_limits::UNTRUSTED_VALUE_MAX_CHARS`.

mod http_support;
mod support;

use axum::Router;
use axum::routing::get;
use http_support::{Http1, Telemetry, request, runtime, serve};
use otlp_receiver::{Protocol, Receiver};
use std::time::Duration;
use telemetry_runtime::attribute_limits::UNTRUSTED_VALUE_MAX_CHARS;
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use telemetry_runtime::opentelemetry::{KeyValue, global};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn configured_limits_cut_values_and_cap_counts_of_spans_events_and_log_records() {
    let receiver = Receiver::start(Protocol::Grpc);
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "16"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "5"),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "2"),
        ("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8"),
        // The general count limit, for what has no variable of its own here: log records.
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "4"),
    ]);
    let guard = telemetry_runtime::builder()
        .default_service_name("limits-test")
        .log_writer(support::Captured::default())
        .init()
        .unwrap();
    let tracer = global::tracer_provider().tracer("limits-test");
    let mut span = tracer.start("limited");
    span.set_attribute(KeyValue::new("long", "é".repeat(100)));
    span.set_attribute(KeyValue::new(
        "list",
        telemetry_runtime::opentelemetry::Value::Array(
            telemetry_runtime::opentelemetry::Array::String(vec![
                "x".repeat(40).into(),
                "short".to_owned().into(),
            ]),
        ),
    ));
    for i in 0..8 {
        span.set_attribute(KeyValue::new(format!("n{i}"), i as i64));
    }
    for i in 0..3 {
        span.add_event(
            format!("event {i}"),
            vec![KeyValue::new("detail", "y".repeat(50))],
        );
    }
    span.end();
    telemetry_runtime::tracing::info!(
        field = "0123456789abcdef",
        a = 1,
        b = 2,
        c = 3,
        d = 4,
        "limited record"
    );
    drop(guard);

    let requests = receiver.trace_requests();
    let span = requests
        .iter()
        .flat_map(|r| &r.resource_spans)
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .find(|s| s.name == "limited")
        .expect("the span is exported");
    assert_eq!(span.attributes.len(), 5, "{:?}", span.attributes);
    assert_eq!(span.dropped_attributes_count, 5, "10 set, 5 kept");
    let received = receiver
        .spans()
        .into_iter()
        .find(|s| s.name == "limited")
        .unwrap();
    assert_eq!(
        received.attr("long").unwrap().as_str(),
        Some("é".repeat(16).as_str()),
        "16 characters (32 bytes), cut on a character boundary"
    );
    let list: Vec<&str> = received
        .attr("list")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(list, ["x".repeat(16).as_str(), "short"]);
    assert_eq!(span.events.len(), 2);
    assert_eq!(span.dropped_events_count, 1);
    assert_eq!(
        received.events[0].attr("detail").unwrap().as_str(),
        Some("y".repeat(16).as_str())
    );

    let logs = receiver.wait_for_logs(WAIT, |l| {
        l.iter().any(|l| l.body_str() == Some("limited record"))
    });
    let record = logs
        .iter()
        .find(|l| l.body_str() == Some("limited record"))
        .unwrap();
    assert_eq!(record.attributes.len(), 4, "{:?}", record.attributes);
    assert_eq!(record.attr("field").unwrap().as_str(), Some("01234567"));
}

async fn ok() -> &'static str {
    "ok"
}

#[test]
fn values_from_a_request_are_capped_with_no_variable_set() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let huge = "A".repeat(60_000);
    rt.block_on(async {
        let app = Router::new()
            .route("/ok", get(ok))
            .layer(TelemetryLayer::new());
        let addr = serve(app).await;
        let mut client = Http1::connect(addr).await;
        let path = format!("/ok?q={}", "b".repeat(5_000));
        let mut hostile = request("GET", &path, &[]);
        hostile
            .headers_mut()
            .insert("user-agent", huge.parse().unwrap());
        let reply = client.send(hostile).await;
        assert_eq!(reply.status, 200);
    });
    let spans = telemetry.spans_named("GET /ok", 1);
    let span = &spans[0];
    let agent = span.attr("user_agent.original").unwrap().as_str().unwrap();
    assert_eq!(agent.len(), UNTRUSTED_VALUE_MAX_CHARS);
    assert!(huge.starts_with(agent));
    let query = span.attr("url.query").unwrap().as_str().unwrap();
    assert_eq!(query.chars().count(), UNTRUSTED_VALUE_MAX_CHARS);
    assert!(query.starts_with("q=bbbb"));
}
