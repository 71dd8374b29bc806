//! What content redaction costs a log event: the stdout line layer and the OpenTelemetry logs
//! bridge, each with redaction on (as `init()` installs them) beside the same layer with
//! redaction off, in one process.
//!
//! ```text
//! cargo bench -p telemetry-runtime --bench log_redaction
//! BENCH_QUICK=1 cargo bench -p telemetry-runtime --bench log_redaction   # short run
//! ```
//!
//! Two events of 6 fields each: `none` (no field is content: `user_id`, `model`, `route`,
//! `tokens`, `latency_ms`, `cached`) and `two` (`prompt` and `completion` replace `user_id`
//! and `route`, so 2 of 6 are redacted). The stdout layer writes to `io::sink()`; the bridge
//! feeds a logger provider whose processor drops each record. After criterion a table is
//! printed: calling-thread CPU ns per event (median of interleaved rounds, so load from
//! elsewhere hits both sides alike) and the ratio redacted / unredacted for each pair.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogProcessor, SdkLogRecord, SdkLoggerProvider};
use telemetry_runtime::__private::bench::{bridge_layer, line_layer};
use tracing::Dispatch;
use tracing_subscriber::layer::SubscriberExt;

#[path = "support/cpu_clock.rs"]
mod cpu_clock;

/// Drops each record.
#[derive(Debug)]
struct Drop;

impl LogProcessor for Drop {
    fn emit(&self, record: &mut SdkLogRecord, _scope: &opentelemetry::InstrumentationScope) {
        black_box(record);
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
}

fn event_none() {
    tracing::info!(
        user_id = "user-42",
        model = "gpt-4o",
        route = "/v1/chat/completions",
        tokens = 512_i64,
        latency_ms = 12.5_f64,
        cached = true,
        "model called"
    );
}

fn event_two() {
    tracing::info!(
        prompt = "What is the weather in Paris today?",
        model = "gpt-4o",
        completion = "It is sunny and 21 degrees.",
        tokens = 512_i64,
        latency_ms = 12.5_f64,
        cached = true,
        "model called"
    );
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sink {
    Stdout,
    Bridge,
}

fn dispatch(sink: Sink, redact: bool, provider: &SdkLoggerProvider) -> Dispatch {
    match sink {
        Sink::Stdout => {
            Dispatch::new(tracing_subscriber::registry().with(line_layer(std::io::sink, redact)))
        }
        Sink::Bridge => {
            Dispatch::new(tracing_subscriber::registry().with(bridge_layer(provider, redact)))
        }
    }
}

type Case = (&'static str, fn());
const CASES: [Case; 2] = [("none", event_none), ("two", event_two)];

fn bench(c: &mut Criterion) {
    let provider = SdkLoggerProvider::builder()
        .with_log_processor(Drop)
        .build();
    for sink in [Sink::Stdout, Sink::Bridge] {
        let mut group = c.benchmark_group(format!("log_redaction_{sink:?}"));
        for (name, event) in CASES {
            for redact in [false, true] {
                let d = dispatch(sink, redact, &provider);
                let id = format!("{name}/{}", if redact { "redacted" } else { "unredacted" });
                tracing::dispatcher::with_default(&d, || {
                    group.bench_function(&id, |b| b.iter(event));
                });
            }
        }
        group.finish();
    }
}

fn thread_cpu_ns() -> u64 {
    cpu_clock::cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID).as_nanos() as u64
}

fn per_event(d: &Dispatch, event: fn(), n: u32) -> f64 {
    tracing::dispatcher::with_default(d, || {
        let start = thread_cpu_ns();
        for _ in 0..n {
            event();
        }
        (thread_cpu_ns() - start) as f64 / f64::from(n)
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn table(quick: bool) {
    let provider = SdkLoggerProvider::builder()
        .with_log_processor(Drop)
        .build();
    let rounds = if quick { 11 } else { 31 };
    let n = 20_000;
    println!(
        "\n| sink | event | unredacted ns/event | redacted ns/event | redacted / unredacted |"
    );
    println!("|---|---|---:|---:|---:|");
    for sink in [Sink::Stdout, Sink::Bridge] {
        for (name, event) in CASES {
            let off = dispatch(sink, false, &provider);
            let on = dispatch(sink, true, &provider);
            per_event(&off, event, n);
            per_event(&on, event, n);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                // Alternate which side goes first.
                if round % 2 == 0 {
                    a.push(per_event(&off, event, n));
                    b.push(per_event(&on, event, n));
                } else {
                    b.push(per_event(&on, event, n));
                    a.push(per_event(&off, event, n));
                }
            }
            let (a, b) = (median(a), median(b));
            println!("| {sink:?} | {name} | {a:.0} | {b:.0} | {:.3} |", b / a);
        }
    }
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let has = |flag: &str| argv.iter().any(|a| a == flag);
    // Under a test runner (`--list`, `--test`, or no `--bench`) criterion lists or runs each
    // benchmark once; the timed table is for `cargo bench` only.
    let bench_mode = has("--bench") && !has("--test") && !has("--list");
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let mut c = Criterion::default().without_plots();
    if quick {
        c = c
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
    }
    let mut c = c.configure_from_args();
    bench(&mut c);
    c.final_summary();
    if bench_mode {
        table(quick);
    }
}
