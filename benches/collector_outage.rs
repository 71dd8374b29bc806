//! Request latency of miniserve with a healthy, a dead and a hung collector, side by side in
//! one process: telemetry is installed once, and what listens on the collector's port is
//! swapped between an OTLP receiver, nothing, and a listener that never answers. Rounds of
//! each set-up are interleaved so that the machine's drift hits all three alike; the report
//! is the median and p99 of each, and their ratios to the healthy collector's.
//!
//! ```text
//! cargo bench --bench collector_outage            # 5 rounds of 400 requests per set-up
//! BENCH_QUICK=1 cargo bench --bench collector_outage
//! ```

// Its unit tests are compiled out here (no test harness): their imports are unused.
#[path = "../examples/miniserve/main.rs"]
#[allow(dead_code, unused_imports)]
mod miniserve;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use otlp_receiver::{Blackhole, Protocol, Receiver};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Setup {
    Healthy,
    Dead,
    Hung,
}

enum Listening {
    Receiver(Receiver),
    Hole(Blackhole),
    Nothing,
}

async fn request(addr: SocketAddr) -> Duration {
    let body = serde_json::json!({
        "messages": [{"role": "user", "content": "what is a span?"}],
        "max_tokens": 1,
    });
    let started = Instant::now();
    let exchange = miniserve::send(
        addr,
        "bench",
        "/v1/chat/completions",
        String::new(),
        body.to_string().into_bytes(),
    )
    .await
    .expect("the request is answered");
    assert_eq!(exchange.status, 200);
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() {
    // `cargo bench` passes `--bench`. Test runners list targets (`--list`: this one holds no
    // test) or run them without it (`cargo test --all-targets`): nothing to do then.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") || !args.iter().any(|a| a == "--bench") {
        return;
    }
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (rounds, per_round) = if quick { (3, 150) } else { (5, 400) };
    let probe = Receiver::start(Protocol::Grpc);
    let port = probe.addr();
    // SAFETY: set before any thread of this process reads the environment.
    unsafe {
        std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", probe.endpoint());
        std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        std::env::set_var("OTEL_BSP_SCHEDULE_DELAY", "50");
        std::env::set_var("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");
        std::env::set_var("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        std::env::set_var("RUST_LOG", "error");
    }
    let traces_file =
        std::env::temp_dir().join(format!("bench-outage-{}.json", std::process::id()));
    let options = miniserve::Options::parse(vec![
        "--traces-file".into(),
        traces_file.display().to_string(),
        "--no-console".into(),
    ])
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut samples: Vec<(Setup, Vec<Duration>)> = [Setup::Healthy, Setup::Dead, Setup::Hung]
        .into_iter()
        .map(|s| (s, Vec::new()))
        .collect();
    runtime.block_on(async {
        let server = miniserve::start(&options).await.unwrap();
        let addr = server.addr;
        let mut listening = Listening::Receiver(probe);
        for _ in 0..rounds {
            for (setup, durations) in samples.iter_mut() {
                match std::mem::replace(&mut listening, Listening::Nothing) {
                    Listening::Receiver(mut r) => r.stop(),
                    Listening::Hole(h) => drop(h),
                    Listening::Nothing => {}
                }
                listening = match setup {
                    Setup::Healthy => Listening::Receiver(
                        Receiver::start_counting_on(Protocol::Grpc, port).unwrap(),
                    ),
                    Setup::Dead => Listening::Nothing,
                    Setup::Hung => Listening::Hole(Blackhole::start_on(port).unwrap()),
                };
                // Warm-up: the exporter meets the new state.
                for _ in 0..50 {
                    request(addr).await;
                }
                for _ in 0..per_round {
                    durations.push(request(addr).await);
                }
            }
        }
        drop(listening);
        server.shutdown().await;
    });
    let _ = std::fs::remove_file(&traces_file);

    let stats: Vec<(Setup, Duration, Duration)> = samples
        .into_iter()
        .map(|(setup, mut d)| {
            d.sort();
            (setup, percentile(&d, 0.5), percentile(&d, 0.99))
        })
        .collect();
    let (_, healthy_median, healthy_p99) = stats[0];
    println!("| collector | requests | median µs | p99 µs | median × healthy | p99 × healthy |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (setup, median, p99) in &stats {
        println!(
            "| {setup:?} | {} | {:.0} | {:.0} | {:.2} | {:.2} |",
            rounds * per_round,
            median.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6,
            median.as_secs_f64() / healthy_median.as_secs_f64(),
            p99.as_secs_f64() / healthy_p99.as_secs_f64(),
        );
    }
}
