//! Proves the receiver against the real OTLP exporters of `opentelemetry-otlp`
//! (tonic and reqwest), plus raw TCP clients for the transport edge cases.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, SystemTime};

use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _, Severity};
use opentelemetry::trace::{
    Event, Link, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_otlp::tonic_types::metadata::MetadataMap;
use opentelemetry_otlp::{RetryPolicy, WithExportConfig, WithHttpConfig, WithTonicConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{LogBatch, LogExporter as _, SdkLoggerProvider};
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanExporter as _, SpanLinks};
use otlp_receiver::opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use otlp_receiver::opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_client::MetricsServiceClient;
use otlp_receiver::opentelemetry_proto::tonic::common::v1::{
    AnyValue, InstrumentationScope as ProtoScope, KeyValue as ProtoKeyValue, any_value,
};
use otlp_receiver::opentelemetry_proto::tonic::metrics::v1::{
    Histogram, HistogramDataPoint, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum,
    metric, number_data_point,
};
use otlp_receiver::opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use otlp_receiver::{
    Blackhole, GRPC_LOGS_PATH, GRPC_METRICS_PATH, GRPC_TRACE_PATH, Protocol, ReceivedSpan,
    Receiver, Value,
};
use prost::Message;

const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID: &str = "b7ad6b7169203331";
const PARENT_ID: &str = "00f067aa0ba902b7";
const LINK_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const LINK_SPAN_ID: &str = "53995c3f42cd8ad8";
const WAIT: Duration = Duration::from_secs(5);

fn resource() -> Resource {
    Resource::builder_empty()
        .with_attributes([
            KeyValue::new("service.name", "receiver-test"),
            KeyValue::new("deployment.replica", 3_i64),
        ])
        .build()
}

fn span_data(name: &'static str) -> SpanData {
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut events = SpanEvents::default();
    events.events.push(Event::new(
        "gen_ai.choice",
        start + Duration::from_millis(5),
        vec![KeyValue::new("index", 0_i64)],
        0,
    ));
    let mut links = SpanLinks::default();
    links.links.push(Link::new(
        SpanContext::new(
            TraceId::from_hex(LINK_TRACE_ID).unwrap(),
            SpanId::from_hex(LINK_SPAN_ID).unwrap(),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        ),
        vec![KeyValue::new("link.kind", "retry")],
        0,
    ));
    SpanData {
        span_context: SpanContext::new(
            TraceId::from_hex(TRACE_ID).unwrap(),
            SpanId::from_hex(SPAN_ID).unwrap(),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        parent_span_id: SpanId::from_hex(PARENT_ID).unwrap(),
        parent_span_is_remote: false,
        span_kind: SpanKind::Client,
        name: name.into(),
        start_time: start,
        end_time: start + Duration::from_millis(250),
        attributes: vec![
            KeyValue::new("gen_ai.system", "openai"),
            KeyValue::new("gen_ai.usage.input_tokens", 42_i64),
            KeyValue::new("gen_ai.request.temperature", 0.5_f64),
            KeyValue::new("gen_ai.request.stream", true),
            KeyValue::new(
                "gen_ai.response.finish_reasons",
                opentelemetry::Value::Array(vec![opentelemetry::StringValue::from("stop")].into()),
            ),
        ],
        dropped_attributes_count: 0,
        events,
        links,
        status: Status::error("rate limited"),
        instrumentation_scope: InstrumentationScope::builder("llm-telemetry")
            .with_version("0.1.0")
            .build(),
    }
}

fn assert_span(span: &ReceivedSpan, name: &str) {
    assert_eq!(span.name, name);
    assert_eq!(span.trace_id, TRACE_ID);
    assert_eq!(span.span_id, SPAN_ID);
    assert_eq!(span.parent_span_id, PARENT_ID);
    assert_eq!(span.kind, "CLIENT");
    assert_eq!(span.start_unix_nano, 1_700_000_000_000_000_000);
    assert_eq!(span.end_unix_nano, 1_700_000_000_250_000_000);
    assert_eq!(
        span.attr("gen_ai.system"),
        Some(&Value::String("openai".into()))
    );
    assert_eq!(
        span.attr("gen_ai.usage.input_tokens"),
        Some(&Value::Int(42))
    );
    assert_eq!(
        span.attr("gen_ai.request.temperature")
            .and_then(Value::as_f64),
        Some(0.5)
    );
    assert_eq!(
        span.attr("gen_ai.request.stream").and_then(Value::as_bool),
        Some(true)
    );
    assert_eq!(
        span.attr("gen_ai.response.finish_reasons"),
        Some(&Value::Array(vec![Value::String("stop".into())]))
    );
    assert_eq!(span.attr("missing"), None);
    assert_eq!(span.status_code, "ERROR");
    assert_eq!(span.status_message, "rate limited");
    assert_eq!(span.events.len(), 1);
    assert_eq!(span.events[0].name, "gen_ai.choice");
    assert_eq!(span.events[0].attr("index"), Some(&Value::Int(0)));
    assert_eq!(
        span.links,
        vec![(
            LINK_TRACE_ID.to_string(),
            LINK_SPAN_ID.to_string(),
            vec![("link.kind".to_string(), Value::String("retry".into()))]
        )]
    );
    assert_eq!(span.flags & 0xff, 1, "sampled flag");
    assert_eq!(
        span.resource_attr("service.name").and_then(Value::as_str),
        Some("receiver-test")
    );
    assert_eq!(
        span.resource_attr("deployment.replica"),
        Some(&Value::Int(3))
    );
    assert_eq!(span.scope_name, "llm-telemetry");
    assert_eq!(span.scope_version, "0.1.0");
}

fn tonic_span_exporter(endpoint: String) -> opentelemetry_otlp::SpanExporter {
    let mut metadata = MetadataMap::new();
    metadata.insert("x-api-key", "grpc-secret".parse().unwrap());
    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .with_metadata(metadata)
        .with_timeout(Duration::from_secs(2))
        .with_retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    exporter.set_resource(&resource());
    exporter
}

fn http_span_exporter(endpoint: String) -> opentelemetry_otlp::SpanExporter {
    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .with_headers(HashMap::from([(
            "X-Api-Key".to_string(),
            "http-secret".to_string(),
        )]))
        .with_timeout(Duration::from_secs(2))
        .with_retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    exporter.set_resource(&resource());
    exporter
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_span_export_is_decoded() {
    let receiver = Receiver::start(Protocol::Grpc);
    assert!(receiver.addr().ip().is_loopback());
    assert_eq!(receiver.endpoint(), format!("http://{}", receiver.addr()));

    let exporter = tonic_span_exporter(receiver.endpoint());
    exporter
        .export(vec![span_data("chat gpt-4o")])
        .await
        .unwrap();

    let spans = receiver.wait_for_spans(WAIT, |s| !s.is_empty());
    assert_eq!(spans.len(), 1);
    assert_span(&spans[0], "chat gpt-4o");
    assert_eq!(receiver.trace_requests().len(), 1);

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, GRPC_TRACE_PATH);
    assert_eq!(requests[0].header("x-api-key"), Some("grpc-secret"));
    assert_eq!(requests[0].header("content-type"), Some("application/grpc"));
    assert!(
        requests[0]
            .headers
            .iter()
            .all(|(k, _)| *k == k.to_lowercase())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn http_span_export_is_decoded_on_default_and_custom_paths() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);

    let exporter = http_span_exporter(format!("{}/v1/traces", receiver.endpoint()));
    exporter.export(vec![span_data("chat http")]).await.unwrap();
    let custom = http_span_exporter(format!("{}/custom/v1/traces", receiver.endpoint()));
    custom.export(vec![span_data("chat custom")]).await.unwrap();

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 2);
    assert_eq!(spans.len(), 2);
    assert_span(&spans[0], "chat http");
    assert_span(&spans[1], "chat custom");

    let requests = receiver.requests();
    let paths: Vec<_> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/v1/traces", "/custom/v1/traces"]);
    for request in &requests {
        assert_eq!(request.header("x-api-key"), Some("http-secret"));
        assert_eq!(
            request.header("Content-Type"),
            Some("application/x-protobuf")
        );
    }
}

async fn export_logs(exporter: &opentelemetry_otlp::LogExporter) {
    let provider = SdkLoggerProvider::builder().build();
    let logger = provider.logger("llm-telemetry");
    let mut record = logger.create_log_record();
    record.set_body("prompt rejected".into());
    record.set_severity_number(Severity::Warn);
    record.set_severity_text("WARN");
    record.set_event_name("gen_ai.content.prompt");
    record.set_timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    record.set_observed_timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_001));
    record.add_attribute("gen_ai.usage.output_tokens", 7_i64);
    record.set_trace_context(
        TraceId::from_hex(TRACE_ID).unwrap(),
        SpanId::from_hex(SPAN_ID).unwrap(),
        Some(TraceFlags::SAMPLED),
    );
    let mut untraced = logger.create_log_record();
    untraced.set_body(opentelemetry::logs::AnyValue::Int(5));
    untraced.set_observed_timestamp(SystemTime::now());
    let scope = InstrumentationScope::builder("llm-telemetry").build();
    let batch = [(&record, &scope), (&untraced, &scope)];
    exporter.export(LogBatch::new(&batch)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_are_decoded_over_grpc_and_http() {
    let grpc = Receiver::start(Protocol::Grpc);
    let http = Receiver::start(Protocol::HttpProtobuf);

    let mut grpc_exporter = opentelemetry_otlp::LogExporter::builder()
        .with_tonic()
        .with_endpoint(grpc.endpoint())
        .with_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    grpc_exporter.set_resource(&resource());
    let mut http_exporter = opentelemetry_otlp::LogExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/logs", http.endpoint()))
        .with_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    http_exporter.set_resource(&resource());
    export_logs(&grpc_exporter).await;
    export_logs(&http_exporter).await;

    for (receiver, path) in [(&grpc, GRPC_LOGS_PATH), (&http, "/v1/logs")] {
        let logs = receiver.wait_for_logs(WAIT, |l| l.len() >= 2);
        assert_eq!(logs.len(), 2);
        let log = &logs[0];
        assert_eq!(log.body_str(), Some("prompt rejected"));
        assert_eq!(log.severity_number, 13);
        assert_eq!(log.severity_text, "WARN");
        assert_eq!(log.event_name, "gen_ai.content.prompt");
        assert_eq!(log.time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(log.observed_time_unix_nano, 1_700_000_001_000_000_000);
        assert_eq!(log.trace_id, TRACE_ID);
        assert_eq!(log.span_id, SPAN_ID);
        assert_eq!(log.attr("gen_ai.usage.output_tokens"), Some(&Value::Int(7)));
        assert_eq!(
            log.resource_attr("deployment.replica"),
            Some(&Value::Int(3))
        );
        assert_eq!(log.scope_name, "llm-telemetry");

        assert_eq!(logs[1].body, Some(Value::Int(5)));
        assert_eq!(logs[1].body_str(), None);
        assert_eq!(logs[1].trace_id, "");
        assert_eq!(logs[1].span_id, "");

        assert_eq!(receiver.log_requests().len(), 1);
        assert_eq!(receiver.requests()[0].path, path);
        assert!(receiver.spans().is_empty());
    }
}

fn kv(key: &str, value: any_value::Value) -> ProtoKeyValue {
    ProtoKeyValue {
        key: key.into(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn metrics_request() -> ExportMetricsServiceRequest {
    let attrs = vec![kv(
        "gen_ai.system",
        any_value::Value::StringValue("openai".into()),
    )];
    ExportMetricsServiceRequest {
        resource_metrics: vec![ResourceMetrics {
            resource: Some(ProtoResource {
                attributes: vec![kv(
                    "service.name",
                    any_value::Value::StringValue("metrics-test".into()),
                )],
                ..Default::default()
            }),
            scope_metrics: vec![ScopeMetrics {
                scope: Some(ProtoScope {
                    name: "llm-telemetry".into(),
                    version: "0.1.0".into(),
                    ..Default::default()
                }),
                metrics: vec![
                    Metric {
                        name: "gen_ai.client.operation.duration".into(),
                        unit: "s".into(),
                        description: "Duration".into(),
                        data: Some(metric::Data::Histogram(Histogram {
                            data_points: vec![HistogramDataPoint {
                                attributes: attrs.clone(),
                                count: 3,
                                sum: Some(1.5),
                                min: Some(0.1),
                                max: Some(1.0),
                                explicit_bounds: vec![0.5, 1.0],
                                bucket_counts: vec![2, 1, 0],
                                ..Default::default()
                            }],
                            aggregation_temporality: 2,
                        })),
                        ..Default::default()
                    },
                    Metric {
                        name: "gen_ai.client.token.usage".into(),
                        unit: "{token}".into(),
                        data: Some(metric::Data::Sum(Sum {
                            data_points: vec![NumberDataPoint {
                                attributes: attrs,
                                value: Some(number_data_point::Value::AsInt(42)),
                                ..Default::default()
                            }],
                            aggregation_temporality: 1,
                            is_monotonic: true,
                        })),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn assert_metrics(receiver: &Receiver) {
    let metrics = receiver.wait_for_metrics(WAIT, |m| m.len() >= 2);
    assert_eq!(metrics.len(), 2);
    let hist = &metrics[0];
    assert_eq!(hist.name, "gen_ai.client.operation.duration");
    assert_eq!(hist.unit, "s");
    assert_eq!(hist.description, "Duration");
    assert_eq!(hist.kind, "histogram");
    assert_eq!(hist.temporality, "cumulative");
    assert_eq!(hist.scope_name, "llm-telemetry");
    assert_eq!(hist.scope_version, "0.1.0");
    assert_eq!(
        hist.resource_attr("service.name").and_then(Value::as_str),
        Some("metrics-test")
    );
    let point = &hist.data_points[0];
    assert_eq!(point.count, 3);
    assert_eq!(point.sum, Some(1.5));
    assert_eq!(point.min, Some(0.1));
    assert_eq!(point.max, Some(1.0));
    assert_eq!(point.explicit_bounds, [0.5, 1.0]);
    assert_eq!(point.bucket_counts, [2, 1, 0]);
    assert_eq!(
        point.attr("gen_ai.system").and_then(Value::as_str),
        Some("openai")
    );

    let sum = &metrics[1];
    assert_eq!(sum.kind, "sum");
    assert_eq!(sum.temporality, "delta");
    assert!(sum.is_monotonic);
    assert_eq!(sum.data_points[0].value, Some(Value::Int(42)));
    assert_eq!(sum.data_points[0].number(), Some(42.0));
    assert_eq!(receiver.metric_requests(), vec![metrics_request()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn grpc_metrics_are_decoded() {
    let receiver = Receiver::start(Protocol::Grpc);
    let mut client = MetricsServiceClient::connect(receiver.endpoint())
        .await
        .unwrap();
    client.export(metrics_request()).await.unwrap();
    assert_metrics(&receiver);
    assert_eq!(receiver.requests()[0].path, GRPC_METRICS_PATH);
}

/// Sends one HTTP/1.1 request with `Connection: close`; returns (status, body).
fn http_call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nX-Trace: Raw\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response);
    let status = text[9..12].parse().unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    (status, response[split..].to_vec())
}

#[test]
fn http_metrics_and_error_statuses() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let addr = receiver.addr();
    let body = metrics_request().encode_to_vec();

    let (status, response) =
        http_call(addr, "POST", "/v1/metrics", "application/x-protobuf", &body);
    assert_eq!(status, 200);
    assert!(
        response.is_empty(),
        "empty ExportMetricsServiceResponse encodes to nothing"
    );
    assert_metrics(&receiver);
    let request = &receiver.requests()[0];
    assert_eq!(request.path, "/v1/metrics");
    assert_eq!(request.header("x-trace"), Some("Raw"));

    let protobuf = "application/x-protobuf";
    assert_eq!(
        http_call(addr, "POST", "/v1/nothing", protobuf, &body).0,
        404
    );
    assert_eq!(
        http_call(addr, "POST", "/v1/traces", protobuf, b"\xff\xff\xff").0,
        400
    );
    assert_eq!(http_call(addr, "GET", "/v1/traces", protobuf, b"").0, 405);
    assert_eq!(
        http_call(addr, "POST", "/v1/traces", "application/json", b"{}").0,
        415
    );
    // Failed requests are not recorded.
    assert_eq!(receiver.requests().len(), 1);
    assert!(receiver.spans().is_empty());
}

/// Reads until the peer closes; fails if the connection stays open.
fn assert_closed_by_peer(stream: &mut TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut buf = [0_u8; 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                panic!("connection still open after stop()")
            }
            Err(_) => return, // reset
        }
    }
}

#[test]
fn stop_closes_established_http_keep_alive_connection() {
    let mut receiver = Receiver::start(Protocol::HttpProtobuf);
    let mut stream = TcpStream::connect(receiver.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    let mut buf = [0_u8; 1024];
    while !response.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).unwrap();
        assert_ne!(n, 0, "closed before answering");
        response.extend_from_slice(&buf[..n]);
    }
    assert!(response.starts_with(b"HTTP/1.1 200"));
    assert_eq!(receiver.trace_requests().len(), 1);

    receiver.stop();
    assert_closed_by_peer(&mut stream);
    assert!(
        TcpStream::connect(receiver.addr()).is_err(),
        "still accepting"
    );
    assert_eq!(receiver.trace_requests().len(), 1, "data survives stop");
    receiver.stop(); // idempotent
}

#[test]
fn stop_closes_established_grpc_connection() {
    let mut receiver = Receiver::start(Protocol::Grpc);
    let mut stream = TcpStream::connect(receiver.addr()).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    // HTTP/2 client preface and an empty SETTINGS frame.
    stream
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .unwrap();
    stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap();
    let mut buf = [0_u8; 9];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(buf[3], 4, "server answers with SETTINGS");

    receiver.stop();
    assert_closed_by_peer(&mut stream);
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_then_start_on_same_port_receives_again() {
    let mut receiver = Receiver::start(Protocol::Grpc);
    let addr = receiver.addr();
    let exporter = tonic_span_exporter(receiver.endpoint());
    exporter.export(vec![span_data("before")]).await.unwrap();

    receiver = tokio::task::spawn_blocking(move || {
        receiver.stop();
        receiver
    })
    .await
    .unwrap();
    assert_eq!(receiver.spans().len(), 1, "data survives stop");
    assert_eq!(receiver.spans()[0].name, "before");
    assert!(
        exporter
            .export(vec![span_data("while down")])
            .await
            .is_err(),
        "export to a killed collector must fail"
    );

    let restarted = Receiver::start_on(Protocol::Grpc, addr).unwrap();
    assert_eq!(restarted.addr(), addr);
    // The channel reconnects on its own; allow a few attempts.
    let deadline = std::time::Instant::now() + WAIT;
    while exporter.export(vec![span_data("after")]).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "never reconnected");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let spans = restarted.wait_for_spans(WAIT, |s| !s.is_empty());
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].name, "after");
}

#[tokio::test(flavor = "multi_thread")]
async fn http_exporter_sees_the_collector_die() {
    let mut receiver = Receiver::start(Protocol::HttpProtobuf);
    let addr = receiver.addr();
    let exporter = http_span_exporter(format!("{}/v1/traces", receiver.endpoint()));
    exporter.export(vec![span_data("before")]).await.unwrap();
    receiver = tokio::task::spawn_blocking(move || {
        receiver.stop();
        receiver
    })
    .await
    .unwrap();
    assert!(exporter.export(vec![span_data("down")]).await.is_err());
    assert_eq!(receiver.spans().len(), 1);

    let restarted = Receiver::start_on(Protocol::HttpProtobuf, addr).unwrap();
    exporter.export(vec![span_data("after")]).await.unwrap();
    assert_eq!(restarted.spans()[0].name, "after");
}

#[tokio::test(flavor = "multi_thread")]
async fn blackhole_accepts_and_never_answers() {
    let blackhole = Blackhole::start();
    assert!(blackhole.addr().ip().is_loopback());
    assert_eq!(blackhole.endpoint(), format!("http://{}", blackhole.addr()));

    let mut raw = TcpStream::connect(blackhole.addr()).unwrap();
    raw.write_all(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    raw.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let err = raw.read(&mut [0_u8; 16]).unwrap_err();
    assert!(matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    ));

    let mut exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(blackhole.endpoint())
        .with_timeout(Duration::from_millis(300))
        .with_retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    exporter.set_resource(&resource());
    let result = tokio::time::timeout(
        Duration::from_secs(3),
        exporter.export(vec![span_data("lost")]),
    )
    .await;
    assert!(!matches!(result, Ok(Ok(()))), "a hung collector cannot ack");

    let started = std::time::Instant::now();
    while blackhole.connections() < 2 {
        assert!(
            started.elapsed() < WAIT,
            "blackhole accepted {}",
            blackhole.connections()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(blackhole);
    raw.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    assert!(matches!(raw.read(&mut [0_u8; 16]), Ok(0) | Err(_)));
}
