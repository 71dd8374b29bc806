//! Export over TLS to a real receiver whose certificate is signed by a private CA (the
//! fixtures of `test-support/otlp-receiver/fixtures/tls`), over gRPC and HTTP/protobuf:
//! `OTEL_EXPORTER_OTLP_CERTIFICATE` makes the collector trusted, and without it the
//! collector is refused; `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE` and `..._CLIENT_KEY` (or
//! their per-signal forms) give the client certificate a mutual-TLS collector requires, and
//! without them the handshake fails; a file that cannot be read turns the signal off with a
//! `TR-W006` warning that names it.

mod support;

use std::time::{Duration, Instant};

use otlp_receiver::{Protocol, Receiver, ServerTls, fixture_path};
use support::{Captured, set_env};
use telemetry_runtime::tracing::{info, info_span};

const WAIT: Duration = Duration::from_secs(20);

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "grpc",
        Protocol::HttpProtobuf => "http/protobuf",
    }
}

fn fixture(name: &str) -> String {
    fixture_path(name).display().to_string()
}

fn start(
    receiver: &Receiver,
    protocol: Protocol,
    tls: &[(&str, &str)],
) -> (telemetry_runtime::TelemetryGuard, Captured) {
    let endpoint = receiver.endpoint();
    assert!(endpoint.starts_with("https://127.0.0.1:"), "{endpoint}");
    set_env(&[
        ("OTEL_SERVICE_NAME", "tls-export"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol_name(protocol)),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "3000"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
        ("OTEL_METRICS_EXPORTER", "none"),
    ]);
    set_env(tls);
    let logs = Captured::default();
    let guard = telemetry_runtime::builder()
        .log_writer(logs.clone())
        .init()
        .expect("telemetry installs");
    (guard, logs)
}

fn emit() {
    let span = info_span!("tls.work");
    let _entered = span.enter();
    info!("over tls");
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Spans and log records reach the receiver, over handshakes that all completed, with a
/// client certificate exactly when `mutual`.
fn spans_and_logs_arrive(receiver: &Receiver, mutual: bool) {
    emit();
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "tls.work"));
    let span = spans.iter().find(|s| s.name == "tls.work").expect("span");
    let records =
        receiver.wait_for_logs(WAIT, |l| l.iter().any(|r| r.body_str() == Some("over tls")));
    let record = records
        .iter()
        .find(|r| r.body_str() == Some("over tls"))
        .expect("log record");
    assert_eq!(record.trace_id, span.trace_id);
    let handshakes = receiver.tls_handshakes();
    assert!(!handshakes.is_empty());
    assert!(
        handshakes
            .iter()
            .all(|h| h.completed && h.client_certificate == mutual),
        "{handshakes:?}"
    );
}

fn private_ca(protocol: Protocol) {
    let receiver = Receiver::start_tls(protocol, ServerTls::fixture());
    let ca = fixture("ca.pem");
    let (guard, logs) = start(
        &receiver,
        protocol,
        &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca)],
    );
    spans_and_logs_arrive(&receiver, false);
    drop(guard);
    assert!(!logs.text().contains("TR-W"), "{}", logs.text());
}

#[test]
fn a_collector_signed_by_the_configured_ca_is_trusted_over_grpc() {
    private_ca(Protocol::Grpc);
}

#[test]
fn a_collector_signed_by_the_configured_ca_is_trusted_over_http() {
    private_ca(Protocol::HttpProtobuf);
}

/// Without the CA the webpki roots do not know the collector's issuer: the handshake
/// fails, nothing is delivered, and the spans are counted as dropped.
fn unknown_ca(protocol: Protocol) {
    let receiver = Receiver::start_tls(protocol, ServerTls::fixture());
    let (guard, _logs) = start(&receiver, protocol, &[]);
    emit();
    wait_until("the failed export is counted", || {
        guard.status().traces.dropped >= 1
    });
    let handshakes = receiver.tls_handshakes();
    assert!(!handshakes.is_empty());
    assert!(handshakes.iter().all(|h| !h.completed), "{handshakes:?}");
    assert!(receiver.spans().is_empty());
    assert_eq!(guard.status().traces.exported, 0);
}

#[test]
fn without_the_ca_a_private_collector_is_refused_over_grpc() {
    unknown_ca(Protocol::Grpc);
}

#[test]
fn without_the_ca_a_private_collector_is_refused_over_http() {
    unknown_ca(Protocol::HttpProtobuf);
}

/// Mutual TLS with the generic variables for one protocol and the per-signal ones for the
/// other, so both forms are read.
fn mutual(protocol: Protocol, per_signal: bool) {
    let receiver = Receiver::start_tls(protocol, ServerTls::fixture_mutual());
    let (ca, certificate, key) = (
        fixture("ca.pem"),
        fixture("client.pem"),
        fixture("client.key"),
    );
    let vars: Vec<(String, &str)> = if per_signal {
        ["TRACES", "LOGS"]
            .iter()
            .flat_map(|signal| {
                [
                    (
                        format!("OTEL_EXPORTER_OTLP_{signal}_CERTIFICATE"),
                        ca.as_str(),
                    ),
                    (
                        format!("OTEL_EXPORTER_OTLP_{signal}_CLIENT_CERTIFICATE"),
                        certificate.as_str(),
                    ),
                    (
                        format!("OTEL_EXPORTER_OTLP_{signal}_CLIENT_KEY"),
                        key.as_str(),
                    ),
                ]
            })
            .collect()
    } else {
        vec![
            ("OTEL_EXPORTER_OTLP_CERTIFICATE".to_owned(), ca.as_str()),
            (
                "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE".to_owned(),
                certificate.as_str(),
            ),
            ("OTEL_EXPORTER_OTLP_CLIENT_KEY".to_owned(), key.as_str()),
        ]
    };
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (guard, logs) = start(&receiver, protocol, &vars);
    spans_and_logs_arrive(&receiver, true);
    drop(guard);
    assert!(!logs.text().contains("TR-W"), "{}", logs.text());
}

#[test]
fn a_mutual_tls_collector_gets_the_client_certificate_over_grpc() {
    mutual(Protocol::Grpc, false);
}

#[test]
fn a_mutual_tls_collector_gets_the_per_signal_client_certificate_over_http() {
    mutual(Protocol::HttpProtobuf, true);
}

/// A collector that requires a client certificate refuses one that has none.
fn mutual_without_client_certificate(protocol: Protocol) {
    let receiver = Receiver::start_tls(protocol, ServerTls::fixture_mutual());
    let ca = fixture("ca.pem");
    let (guard, _logs) = start(
        &receiver,
        protocol,
        &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca)],
    );
    emit();
    wait_until("the failed export is counted", || {
        guard.status().traces.dropped >= 1
    });
    let handshakes = receiver.tls_handshakes();
    assert!(!handshakes.is_empty());
    assert!(handshakes.iter().all(|h| !h.completed), "{handshakes:?}");
    assert!(receiver.spans().is_empty());
}

#[test]
fn a_mutual_tls_collector_refuses_a_client_without_certificate_over_grpc() {
    mutual_without_client_certificate(Protocol::Grpc);
}

#[test]
fn a_mutual_tls_collector_refuses_a_client_without_certificate_over_http() {
    mutual_without_client_certificate(Protocol::HttpProtobuf);
}

/// A CA file that does not exist, or one that holds no certificate, turns the signals off at
/// `init()` with a warning naming the file, instead of failing every export.
#[test]
fn an_unreadable_or_empty_ca_file_turns_the_signals_off_with_a_warning_naming_it() {
    let receiver = Receiver::start_tls(Protocol::Grpc, ServerTls::fixture());
    let missing = std::env::temp_dir().join("telemetry-no-such-ca.pem");
    let missing = missing.display().to_string();
    // The client key is a PEM file without any certificate.
    let no_certificate = fixture("client.key");
    set_env(&[("OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE", &no_certificate)]);
    let (guard, logs) = start(
        &receiver,
        Protocol::Grpc,
        &[("OTEL_EXPORTER_OTLP_CERTIFICATE", &missing)],
    );
    let text = logs.text();
    // The TR-W006 line of `signal` says `expected`.
    let warned = |signal: &str, expected: String| {
        let line = text
            .lines()
            .find(|l| l.contains("TR-W006") && l.contains(&format!("OTLP {signal} exporter")))
            .unwrap_or_else(|| panic!("no TR-W006 for {signal}: {text}"));
        assert!(line.contains(&expected), "{line}");
    };
    warned(
        "traces",
        format!("cannot read the trusted certificate file `{missing}`"),
    );
    warned(
        "logs",
        format!("the trusted certificate file `{no_certificate}` holds no PEM certificate"),
    );
    let key = std::fs::read_to_string(&no_certificate).unwrap();
    let key_body = key.lines().nth(1).unwrap();
    assert!(
        !text.contains(key_body),
        "the key's contents never enter a warning"
    );
    emit();
    drop(guard);
    assert!(
        receiver.tls_handshakes().is_empty(),
        "no connection was attempted"
    );
}
