//! The other signals of an instrumented axum service, decoded from a real OTLP receiver: log
//! records carry the request's trace context and its common attributes, and every request is
//! measured in `http.server.request.duration` with the semantic conventions' attributes and
//! buckets and the low-cardinality common attributes only.

mod http_support;
mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use http_support::{
    CLIENT_TRACE_ID, Ctx, Http1, TRACEPARENT, Telemetry, WAIT, request, runtime, serve,
};
use otlp_receiver::{ReceivedDataPoint, ReceivedMetric, Value};
use telemetry_runtime::http::TelemetryLayer;
use telemetry_runtime::tracing::info;

const IDS: [(&str, &str); 3] = [
    ("x-assistant-id", "a-1"),
    ("x-channel-id", "web"),
    ("x-session-id", "s-1"),
];

fn app() -> Router {
    Router::new()
        .route(
            "/ok/{id}",
            get(|| async {
                info!(step = 1_i64, "handling");
                "ok"
            }),
        )
        .route(
            "/fail",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }),
        )
        .layer(TelemetryLayer::new().with_common_attributes::<Ctx>())
}

fn str_value(s: &str) -> Value {
    Value::String(s.into())
}

#[test]
fn log_records_carry_the_trace_context_and_the_common_attributes() {
    let telemetry = Telemetry::init(&[
        ("OTEL_LOGS_EXPORTER", "otlp"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
    ]);
    let reply = runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        let mut headers = IDS.to_vec();
        headers.push(("traceparent", TRACEPARENT));
        client.send(request("GET", "/ok/7", &headers)).await
    });
    assert_eq!(reply.status, StatusCode::OK);
    info!("outside");

    let logs = telemetry.receiver.wait_for_logs(WAIT, |logs| {
        ["handling", "outside"]
            .iter()
            .all(|m| logs.iter().any(|l| l.body_str() == Some(m)))
    });
    let handling = logs
        .iter()
        .find(|l| l.body_str() == Some("handling"))
        .expect("the handler's record");
    assert_eq!(handling.trace_id, CLIENT_TRACE_ID);
    let server = telemetry.spans_named("GET /ok/{id}", 1).pop().unwrap();
    assert_eq!(handling.span_id, server.span_id);
    // The identifiers under their span attribute keys, beside the event's own fields.
    assert_eq!(handling.attr("app.assistant.id"), Some(&str_value("a-1")));
    assert_eq!(handling.attr("app.channel.id"), Some(&str_value("web")));
    assert_eq!(handling.attr("session.id"), Some(&str_value("s-1")));
    assert_eq!(handling.attr("step"), Some(&Value::Int(1)));

    let outside = logs
        .iter()
        .find(|l| l.body_str() == Some("outside"))
        .unwrap();
    assert_eq!(outside.trace_id, "");
    assert_eq!(outside.attr("app.assistant.id"), None);
}

/// The cumulative point of `http.server.request.duration` whose attributes include `matching`.
fn point<'a>(
    metric: &'a ReceivedMetric,
    matching: &[(&str, Value)],
) -> Option<&'a ReceivedDataPoint> {
    metric
        .data_points
        .iter()
        .find(|p| matching.iter().all(|(k, v)| p.attr(k) == Some(v)))
}

#[test]
fn every_request_is_measured_with_low_cardinality_attributes() {
    let telemetry = Telemetry::init(&[
        ("OTEL_METRICS_EXPORTER", "otlp"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "100"),
        // The metric does not depend on the span being sampled.
        ("OTEL_TRACES_SAMPLER", "always_off"),
    ]);
    runtime().block_on(async {
        let addr = serve(app()).await;
        let mut client = Http1::connect(addr).await;
        for id in ["1", "2", "3"] {
            let reply = client
                .send(request("GET", &format!("/ok/{id}"), &IDS))
                .await;
            assert_eq!(reply.status, StatusCode::OK);
        }
        let reply = client.send(request("GET", "/fail", &IDS)).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        let reply = client.send(request("GET", "/nowhere", &IDS)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND);
        // Missing identifiers: the layer's own 400 is measured too.
        let reply = client.send(request("GET", "/ok/4", &[])).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    });

    let metrics = telemetry.receiver.wait_for_metrics(WAIT, |metrics| {
        metrics.iter().any(|m| {
            m.name == "http.server.request.duration"
                && m.data_points.iter().map(|p| p.count).sum::<u64>() >= 6
        })
    });
    let metric = metrics
        .iter()
        .rev()
        .find(|m| m.name == "http.server.request.duration")
        .expect("the duration metric");
    let table = include_str!("../telemetry-runtime/semconv/metrics.tsv");
    assert!(table.contains("http.server.request.duration\thistogram\ts\t"));
    assert_eq!(metric.kind, "histogram");
    assert_eq!(metric.unit, "s");
    assert_eq!(metric.scope_name, "telemetry-runtime");

    let ok = point(
        metric,
        &[
            ("http.route", str_value("/ok/{id}")),
            ("http.response.status_code", Value::Int(200)),
        ],
    )
    .expect("a point for the route");
    assert_eq!(ok.count, 3, "three requests on one route: one series");
    assert_eq!(
        ok.explicit_bounds,
        [
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
        ]
    );
    assert!(ok.sum.unwrap() > 0.0);
    let mut keys: Vec<&str> = ok.attributes.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "app.channel.id",
            "http.request.method",
            "http.response.status_code",
            "http.route",
            "network.protocol.version",
            "url.scheme"
        ],
        "no path, no address, no user or session id"
    );
    assert_eq!(ok.attr("http.request.method"), Some(&str_value("GET")));
    assert_eq!(ok.attr("url.scheme"), Some(&str_value("http")));
    assert_eq!(ok.attr("network.protocol.version"), Some(&str_value("1.1")));
    assert_eq!(ok.attr("app.channel.id"), Some(&str_value("web")));

    let failed = point(metric, &[("http.response.status_code", Value::Int(503))]).unwrap();
    assert_eq!(failed.attr("error.type"), Some(&str_value("503")));
    assert_eq!(failed.attr("http.route"), Some(&str_value("/fail")));

    let not_found = point(metric, &[("http.response.status_code", Value::Int(404))]).unwrap();
    assert_eq!(not_found.attr("http.route"), None, "no route matched");
    assert_eq!(
        not_found.attr("error.type"),
        None,
        "a 4xx is not a server error"
    );

    let rejected = point(metric, &[("http.response.status_code", Value::Int(400))]).unwrap();
    assert_eq!(rejected.attr("app.channel.id"), None);
    assert_eq!(rejected.count, 1);
}
