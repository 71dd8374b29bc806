//! The failure-safe contract against a real OTLP receiver on loopback, over gRPC and
//! HTTP/protobuf: a collector that is absent, killed and restarted, or hung never blocks,
//! crashes or bloats the application; drops are counted and warned about once per interval;
//! shutdown returns within the export timeout.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use otlp_receiver::{Blackhole, Protocol, Receiver};
use support::{Captured, free_port, set_env};
use telemetry_runtime::tracing::info_span;

/// Counts live heap bytes, to show the export queue is bounded.
struct CountingAllocator;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const WAIT: Duration = Duration::from_secs(20);

fn protocol_name(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Grpc => "grpc",
        Protocol::HttpProtobuf => "http/protobuf",
    }
}

fn emit(name: &'static str, payload: &str) {
    let span = info_span!("work", otel.name = name, payload = payload);
    drop(span.enter());
}

fn configure(protocol: Protocol, endpoint: &str, extra: &[(&str, &str)]) {
    set_env(&[
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            &match protocol {
                Protocol::Grpc => endpoint.to_owned(),
                Protocol::HttpProtobuf => format!("{endpoint}/v1/traces"),
            },
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol_name(protocol)),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ]);
    set_env(extra);
}

/// (a) No collector at start; spans are dropped and counted, nothing panics; once a collector
/// comes up on the endpoint, export resumes.
fn collector_absent_at_start(protocol: Protocol) {
    let port = free_port();
    let endpoint = format!("http://127.0.0.1:{port}");
    configure(
        protocol,
        &endpoint,
        &[("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")],
    );
    let guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap();
    for _ in 0..100 {
        emit("while-absent", "x");
    }
    let deadline = Instant::now() + WAIT;
    while guard.status().traces.dropped < 100 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        guard.status().traces.dropped,
        100,
        "every span sent to nobody is counted"
    );
    assert_eq!(guard.status().traces.exported, 0);

    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let receiver = Receiver::start_on(protocol, addr).unwrap();
    let arrived = receiver.wait_for_spans(WAIT, |spans| {
        emit("after-start", "x");
        spans.iter().any(|s| s.name == "after-start")
    });
    assert!(
        arrived.iter().any(|s| s.name == "after-start"),
        "export resumed"
    );
    assert!(arrived.iter().all(|s| s.name != "while-absent"));
    drop(guard);
}

#[test]
fn grpc_collector_absent_at_start() {
    collector_absent_at_start(Protocol::Grpc);
}

#[test]
fn http_collector_absent_at_start() {
    collector_absent_at_start(Protocol::HttpProtobuf);
}

/// (b) The collector is killed mid-run and restarted on the same port: export resumes.
fn collector_killed_and_restarted(protocol: Protocol) {
    let mut receiver = Receiver::start(protocol);
    let addr = receiver.addr();
    configure(
        protocol,
        &receiver.endpoint(),
        &[("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")],
    );
    let guard = telemetry_runtime::builder()
        .log_writer(Captured::default())
        .init()
        .unwrap();

    emit("before-kill", "x");
    let spans = receiver.wait_for_spans(WAIT, |s| s.iter().any(|s| s.name == "before-kill"));
    assert!(spans.iter().any(|s| s.name == "before-kill"));

    receiver.stop();
    for _ in 0..20 {
        emit("while-dead", "x");
    }
    let deadline = Instant::now() + WAIT;
    while guard.status().traces.dropped < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        guard.status().traces.dropped,
        20,
        "spans sent to the dead collector are counted"
    );

    let restarted = Receiver::start_on(protocol, addr).unwrap();
    let spans = restarted.wait_for_spans(WAIT, |spans| {
        emit("after-restart", "x");
        spans.iter().any(|s| s.name == "after-restart")
    });
    assert!(
        spans.iter().any(|s| s.name == "after-restart"),
        "export resumed after restart"
    );
    drop(guard);
}

#[test]
fn grpc_collector_killed_and_restarted() {
    collector_killed_and_restarted(Protocol::Grpc);
}

#[test]
fn http_collector_killed_and_restarted() {
    collector_killed_and_restarted(Protocol::HttpProtobuf);
}

/// (c) A collector that accepts TCP and never answers.
fn hung_collector(protocol: Protocol) {
    const QUEUE: usize = 64;
    const ITEMS: usize = 20_000;
    let blackhole = Blackhole::start();
    let logs_endpoint = match protocol {
        Protocol::Grpc => blackhole.endpoint(),
        Protocol::HttpProtobuf => format!("{}/v1/logs", blackhole.endpoint()),
    };
    configure(
        protocol,
        &blackhole.endpoint(),
        &[
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", &logs_endpoint),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1500"),
            ("OTEL_BSP_MAX_QUEUE_SIZE", "64"),
            ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "16"),
            ("OTEL_BLRP_MAX_QUEUE_SIZE", "64"),
            ("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "16"),
            ("OTEL_BLRP_SCHEDULE_DELAY", "100"),
        ],
    );
    let lines = Captured::only("TR-W");
    let guard = telemetry_runtime::builder()
        .log_writer(lines.clone())
        .export_warning_interval(Duration::from_secs(3600))
        .init()
        .unwrap();

    // Every span and log record carries 1 KiB: were the queues unbounded, 20 000 of each
    // would hold 40 MiB.
    let payload = "p".repeat(1024);
    emit("warm-up", &payload);
    telemetry_runtime::tracing::info!(payload = %payload, "warm-up");
    let before = LIVE_BYTES.load(Ordering::Relaxed);
    for _ in 0..ITEMS {
        emit("flood", &payload);
        telemetry_runtime::tracing::info!(payload = %payload, "flood");
    }
    let growth = LIVE_BYTES.load(Ordering::Relaxed) - before;
    let status = guard.status();
    // Nothing was exported, and all but what fits in a queue and one batch in flight was
    // dropped right away, on the calling thread, without waiting for the collector.
    for (signal, s) in [("traces", &status.traces), ("logs", &status.logs)] {
        assert_eq!(s.exported, 0, "{signal}");
        assert!(
            s.dropped as usize >= ITEMS - QUEUE - 16,
            "{signal}: dropped {} of {ITEMS}",
            s.dropped
        );
    }
    assert!(
        growth < 2 * 1024 * 1024,
        "heap grew by {growth} bytes while the collector hung: a queue is not bounded"
    );

    // Let several exports time out, then check each signal warned once, not per item.
    let deadline = Instant::now() + WAIT;
    while lines.lines_containing("TR-W100").len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(3200));
    assert!(
        blackhole.connections() >= 1,
        "the exporters did reach the hung collector"
    );
    for signal in ["traces", "logs"] {
        let warnings = lines.lines_containing(&format!("{signal} export is failing"));
        assert_eq!(
            warnings.len(),
            1,
            "one {signal} warning per interval: {}",
            lines.text()
        );
        assert!(warnings[0].contains("TR-W100"), "{}", warnings[0]);
    }
    assert_eq!(
        lines.lines_containing("TR-W100").len(),
        2,
        "{}",
        lines.text()
    );

    // Shutdown returns within the export timeout (1.5 s) although the collector never answers.
    let took = guard.shutdown();
    eprintln!(
        "shutdown against the hung collector ({}) took {took:?}",
        protocol_name(protocol)
    );
    assert!(
        took < Duration::from_millis(1500 + 1000),
        "shutdown took {took:?}"
    );
}

#[test]
fn grpc_hung_collector() {
    hung_collector(Protocol::Grpc);
}

#[test]
fn http_hung_collector() {
    hung_collector(Protocol::HttpProtobuf);
}
