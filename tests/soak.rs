//! Soak with outages, bounded by request count (no wall-clock assertion): miniserve under
//! 20 000 requests from 8 concurrent loopback clients while its OTLP collector is killed and
//! restarted twice and hung once (a listener on the same port that never answers). No
//! request fails; the heap's high-water mark stays within the configured bounds (counting
//! allocator); after recovery export resumes, and the counters add up: exported + dropped =
//! every span produced.

#[path = "../examples/miniserve/main.rs"]
#[allow(dead_code)]
mod miniserve;
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use otlp_receiver::{Blackhole, Protocol, Receiver};

#[global_allocator]
static ALLOCATOR: support::CountingAllocator = support::CountingAllocator;

const REQUESTS: usize = 20_000;
const CLIENTS: usize = 8;
const MIB: usize = 1 << 20;

/// What listens on the collector's port.
enum Collector {
    Up(Receiver),
    Down,
    Hung(Blackhole),
}

/// The collector's state for the requests from `index` on: up, killed, up, killed, up, hung,
/// up.
fn phase(index: usize) -> u8 {
    match index {
        0..3000 => 0,
        3000..6000 => 1,
        6000..9000 => 2,
        9000..12000 => 3,
        12000..15000 => 4,
        15000..17000 => 5,
        _ => 6,
    }
}

async fn chat(addr: SocketAddr) -> u16 {
    let body = serde_json::json!({
        "messages": [{"role": "user", "content": "what is a span?"}],
        "max_tokens": 1,
    });
    miniserve::send(
        addr,
        "soak",
        "/v1/chat/completions",
        String::new(),
        body.to_string().into_bytes(),
    )
    .await
    .map(|e| e.status)
    .unwrap_or(0)
}

#[test]
fn outages_cost_counted_drops_never_a_request_and_the_counters_add_up() {
    let first = Receiver::start(Protocol::Grpc);
    let port = first.addr();
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &first.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_BSP_SCHEDULE_DELAY", "20"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "300"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "300"),
        ("TELEMETRY_BSP_MAX_QUEUE_BYTES", "8388608"),
        ("RUST_LOG", "warn"),
    ]);
    let traces_file = std::env::temp_dir().join(format!("soak-{}.json", std::process::id()));
    let options = miniserve::Options::parse(vec![
        "--traces-file".into(),
        traces_file.display().to_string(),
    ])
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut received = Vec::new();
    let (statuses, per_request, peak) = runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let addr = server.addr;
        // One request first, with the collector up, to count the spans of one request.
        assert_eq!(chat(addr).await, 200);
        let spans = first.wait_for_spans(Duration::from_secs(20), |s| {
            s.iter().any(|s| s.name == "POST /v1/chat/completions")
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        let trace = spans
            .iter()
            .find(|s| s.name == "POST /v1/chat/completions")
            .unwrap()
            .trace_id
            .clone();
        let per_request = first.spans().iter().filter(|s| s.trace_id == trace).count();

        // From here on, the receivers keep counts only: the heap is the server's.
        let mut first = first;
        first.stop();
        received.push(first);
        let mut collector =
            Collector::Up(Receiver::start_counting_on(Protocol::Grpc, port).unwrap());
        let baseline = support::reset_heap_peak();
        let mut statuses = vec![0u16; REQUESTS];
        let mut current = 0u8;
        for round in (0..REQUESTS).step_by(CLIENTS) {
            let wanted = phase(round);
            if wanted != current {
                // Change what listens on the collector's port.
                match std::mem::replace(&mut collector, Collector::Down) {
                    Collector::Up(mut receiver) => {
                        receiver.stop();
                        received.push(receiver);
                    }
                    Collector::Hung(hole) => drop(hole),
                    Collector::Down => {}
                }
                collector = match wanted {
                    1 | 3 => Collector::Down,
                    5 => Collector::Hung(Blackhole::start_on(port).unwrap()),
                    _ => Collector::Up(Receiver::start_counting_on(Protocol::Grpc, port).unwrap()),
                };
                current = wanted;
            }
            let batch: Vec<_> = (round..(round + CLIENTS).min(REQUESTS))
                .map(|i| tokio::spawn(async move { (i, chat(addr).await) }))
                .collect();
            for task in batch {
                let (i, status) = task.await.unwrap();
                statuses[i] = status;
            }
        }
        let peak = support::heap_peak() - baseline;
        // Shut down with the collector up: what is queued is exported.
        server.shutdown().await;
        if let Collector::Up(receiver) = collector {
            received.push(receiver);
        }
        (statuses, per_request, peak)
    });

    let failed = statuses.iter().filter(|s| **s != 200).count();
    assert_eq!(failed, 0, "no request fails because of telemetry");

    let status = telemetry_runtime::status();
    let produced = (per_request * (REQUESTS + 1)) as u64;
    let traces = &status.traces;
    assert_eq!(
        traces.exported + traces.dropped,
        produced,
        "exported {} + dropped {} = produced {produced} ({per_request} spans per request)",
        traces.exported,
        traces.dropped
    );
    assert!(traces.dropped > 0, "the outages cost drops");
    assert!(!traces.worker_stopped);
    // Export resumed after each outage: the last receiver got spans of the last phase.
    let last = received.last().unwrap();
    assert!(
        last.span_count() > per_request,
        "export resumed after the hung collector"
    );
    let received_total: usize = received.iter().map(|r| r.span_count()).sum();
    assert!(
        received_total as u64 >= traces.exported,
        "every exported span was received"
    );

    // The heap: the span queue's 8 MiB bound (and its 2048 items), the traces file's 64 MiB,
    // and the server's own working set.
    assert!(
        peak < 128 * MIB,
        "heap high-water mark {} MiB above the start",
        peak / MIB
    );
    eprintln!(
        "soak: {} requests, {per_request} spans each, exported {}, dropped {}, received {received_total}, heap high-water {:.1} MiB above the start",
        REQUESTS + 1,
        traces.exported,
        traces.dropped,
        peak as f64 / MIB as f64
    );
    let _ = std::fs::remove_file(&traces_file);
}
