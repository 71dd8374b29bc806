//! Export throughput: how many 6-attribute spans per second of export CPU the toolkit's
//! pipeline turns into OTLP and sends over gRPC (or HTTP/protobuf, `BENCH_PROTOCOL=http`) to
//! a loopback receiver, beside the OpenTelemetry SDK's own `BatchSpanProcessor` with the
//! `opentelemetry-otlp` exporter of the same protocol, in one process. (The SDK's HTTP
//! exporter runs its reqwest requests in the `sdk-export` runtime's context, from the batch
//! thread.)
//!
//! Both send to the same counting receiver (`otlp-receiver`, its own thread). The toolkit is
//! installed with `init()` (OTLP gRPC, the direct engine for `#[llm_span]` spans); the SDK
//! provider is built here with the same queue size, batch size and delay. Rounds of the two
//! alternate, so the machine's drift hits both alike. Each round produces its spans on the
//! main thread in bursts, waiting whenever more than a queue's quarter is in flight, so that
//! nothing is dropped, and ends when the receiver has every span.
//!
//! Export CPU is the run time (`/proc/self/task/*/schedstat`, nanoseconds) of the threads each
//! pipeline owns: the toolkit's `telemetry-*` threads (the span collector and the export
//! runtime), the SDK's `OpenTelemetry.*` batch thread and the tokio runtime its exporter
//! connects on (`sdk-export`). The producing thread and the receiver are not counted.
//!
//! ```text
//! cargo bench --bench export_throughput            # 5 rounds of 100 000 spans each
//! BENCH_QUICK=1 cargo bench --bench export_throughput
//! BENCH_PROTOCOL=http cargo bench --bench export_throughput
//! ```

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use opentelemetry_otlp::{WithExportConfig, WithHttpConfig as _};
use otlp_receiver::{Protocol, Receiver};
use telemetry_runtime::opentelemetry::InstrumentationScope;
use telemetry_runtime::opentelemetry::trace::{Span as _, SpanKind, Tracer, TracerProvider as _};
use telemetry_runtime::opentelemetry_sdk::Resource;
use telemetry_runtime::opentelemetry_sdk::error::OTelSdkResult;
use telemetry_runtime::opentelemetry_sdk::trace::{
    BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider, SpanData, SpanExporter,
};

const QUEUE: usize = 65_536;
const BATCH: usize = 512;
const DELAY_MS: u64 = 50;

// The spans `telemetry-runtime`'s own benches measure: `support::chat_span` is the
// `#[llm_span(kind = "chat")]` fn with the same 6 attributes as `support::attributes`.
#[path = "../telemetry-runtime/benches/support/cpu_clock.rs"]
mod cpu_clock;
#[path = "../telemetry-runtime/benches/support/mod.rs"]
#[allow(dead_code)]
mod support;

fn sdk_chat<T: Tracer>(tracer: &T, model: &str, max_tokens: i64, temperature: f64) -> f64 {
    let mut span = tracer
        .span_builder(format!("chat {model}"))
        .with_kind(SpanKind::Client)
        .with_attributes(support::attributes(model, max_tokens, temperature))
        .start(tracer);
    let out = support::work(model, max_tokens, temperature);
    span.end();
    out
}

/// The SDK's HTTP exporter, its requests run in `handle`'s runtime context: the SDK's batch
/// thread has none, and reqwest needs one.
#[derive(Debug)]
struct InRuntime<E> {
    exporter: E,
    handle: tokio::runtime::Handle,
}

impl<E: SpanExporter> SpanExporter for InRuntime<E> {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        std::future::ready(self.handle.block_on(self.exporter.export(batch)))
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.exporter.shutdown_with_timeout(timeout)
    }
    fn set_resource(&mut self, resource: &Resource) {
        self.exporter.set_resource(resource);
    }
}

/// Run time in nanoseconds of each thread of this process, by thread id, with its name.
fn thread_times() -> BTreeMap<u64, (String, u64)> {
    let mut times = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return times;
    };
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let ns = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0);
        times.insert(tid, (name.trim().to_owned(), ns));
    }
    times
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Variant {
    Toolkit,
    Sdk,
}

impl Variant {
    fn owns(self, thread: &str) -> bool {
        match self {
            Variant::Toolkit => thread.starts_with("telemetry-"),
            Variant::Sdk => thread.starts_with("OpenTelemetry") || thread.starts_with("sdk-export"),
        }
    }
}

/// Export CPU of `variant`'s threads between two readings (threads that started in between
/// count from zero).
fn export_ns(
    variant: Variant,
    before: &BTreeMap<u64, (String, u64)>,
    after: &BTreeMap<u64, (String, u64)>,
) -> u64 {
    after
        .iter()
        .filter(|(_, (name, _))| variant.owns(name))
        .map(|(tid, (_, ns))| ns.saturating_sub(before.get(tid).map_or(0, |(_, b)| *b)))
        .sum()
}

struct Round {
    spans: usize,
    export_ns: u64,
    producer_ns: u64,
    wall: Duration,
}

fn round(
    variant: Variant,
    receiver: &Receiver,
    spans: usize,
    produce: &dyn Fn(usize) -> f64,
) -> Round {
    let start_count = receiver.span_count();
    let before = thread_times();
    let producer_start = thread_cpu_ns();
    let started = Instant::now();
    let mut produced = 0;
    let mut sink = 0.0;
    while produced < spans {
        let burst = 1000.min(spans - produced);
        for i in 0..burst {
            sink += produce(produced + i);
        }
        produced += burst;
        while produced - (receiver.span_count() - start_count) > QUEUE / 4 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    let producer_ns = thread_cpu_ns() - producer_start;
    // Both pipelines send within their 50 ms delay: no flush, so that neither exports early.
    let deadline = Instant::now() + Duration::from_secs(60);
    while receiver.span_count() - start_count < spans && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let wall = started.elapsed();
    let after = thread_times();
    std::hint::black_box(sink);
    let received = receiver.span_count() - start_count;
    assert_eq!(
        received, spans,
        "{variant:?}: the receiver got {received} of {spans} spans"
    );
    Round {
        spans,
        export_ns: export_ns(variant, &before, &after),
        producer_ns,
        wall,
    }
}

fn thread_cpu_ns() -> u64 {
    cpu_clock::cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID).as_nanos() as u64
}

fn main() {
    // `cargo bench` passes `--bench`. Test runners list targets (`--list`: this one holds no
    // test) or run them without it (`cargo test --all-targets`): nothing to do then.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") || !args.iter().any(|a| a == "--bench") {
        return;
    }
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (rounds, per_round) = if quick { (3, 30_000) } else { (5, 100_000) };

    let http = std::env::var("BENCH_PROTOCOL").is_ok_and(|p| p == "http");
    let protocol = if http {
        Protocol::HttpProtobuf
    } else {
        Protocol::Grpc
    };
    let receiver = Receiver::start_counting_on(protocol, "127.0.0.1:0".parse().unwrap())
        .expect("a loopback port for the receiver");
    // SAFETY: set before any thread of this process reads the environment.
    unsafe {
        std::env::set_var("OTEL_SERVICE_NAME", "export-bench");
        std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint());
        std::env::set_var(
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            if http { "http/protobuf" } else { "grpc" },
        );
        std::env::set_var("OTEL_METRICS_EXPORTER", "none");
        std::env::set_var("OTEL_LOGS_EXPORTER", "none");
        std::env::set_var("OTEL_BSP_MAX_QUEUE_SIZE", QUEUE.to_string());
        std::env::set_var("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", BATCH.to_string());
        std::env::set_var("OTEL_BSP_SCHEDULE_DELAY", DELAY_MS.to_string());
        std::env::set_var("RUST_LOG", "error");
    }
    let guard = telemetry_runtime::builder()
        .init()
        .expect("telemetry installs");

    let sdk_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("sdk-export")
        .enable_all()
        .build()
        .unwrap();
    let processor = {
        let _entered = sdk_runtime.enter();
        let batch = BatchConfigBuilder::default()
            .with_max_queue_size(QUEUE)
            .with_max_export_batch_size(BATCH)
            .with_scheduled_delay(Duration::from_millis(DELAY_MS))
            .build();
        if http {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_http_client(reqwest::Client::new())
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(format!("{}/v1/traces", receiver.endpoint()))
                .build()
                .expect("the SDK's OTLP exporter builds");
            let exporter = InRuntime {
                exporter,
                handle: sdk_runtime.handle().clone(),
            };
            BatchSpanProcessor::builder(exporter)
                .with_batch_config(batch)
                .build()
        } else {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(receiver.endpoint())
                .build()
                .expect("the SDK's OTLP exporter builds");
            BatchSpanProcessor::builder(exporter)
                .with_batch_config(batch)
                .build()
        }
    };
    let provider = SdkTracerProvider::builder()
        .with_resource(
            Resource::builder()
                .with_service_name("export-bench-sdk")
                .build(),
        )
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer_with_scope(InstrumentationScope::builder("bench").build());

    let toolkit = |i: usize| support::chat_span(support::MODEL, 256 + (i % 7) as i64, 0.7).0;
    let sdk = |i: usize| sdk_chat(&tracer, support::MODEL, 256 + (i % 7) as i64, 0.7);

    // Warm-up: connections made, buffers and pools at their steady size.
    round(Variant::Toolkit, &receiver, 5_000, &toolkit);
    round(Variant::Sdk, &receiver, 5_000, &sdk);

    let mut results: Vec<(Variant, Vec<Round>)> =
        vec![(Variant::Toolkit, Vec::new()), (Variant::Sdk, Vec::new())];
    for _ in 0..rounds {
        for (variant, rounds) in results.iter_mut() {
            let r = match variant {
                Variant::Toolkit => round(*variant, &receiver, per_round, &toolkit),
                Variant::Sdk => round(*variant, &receiver, per_round, &sdk),
            };
            rounds.push(r);
        }
    }

    println!(
        "| pipeline | round | spans | export CPU ns/span | spans/s per export core | producer ns/span | wall ms |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut medians = Vec::new();
    for (variant, rounds) in &results {
        let mut per_span: Vec<f64> = Vec::new();
        for (i, r) in rounds.iter().enumerate() {
            let ns = r.export_ns as f64 / r.spans as f64;
            per_span.push(ns);
            println!(
                "| {variant:?} | {} | {} | {ns:.0} | {:.0} | {:.0} | {} |",
                i + 1,
                r.spans,
                1e9 / ns,
                r.producer_ns as f64 / r.spans as f64,
                r.wall.as_millis()
            );
        }
        per_span.sort_by(f64::total_cmp);
        medians.push((*variant, per_span[per_span.len() / 2]));
    }
    let toolkit_ns = medians[0].1;
    let sdk_ns = medians[1].1;
    println!();
    println!(
        "{}: median export CPU per span: toolkit {toolkit_ns:.0} ns, SDK {sdk_ns:.0} ns; \
         toolkit throughput per export core = {:.2}x the SDK's",
        if http { "HTTP/protobuf" } else { "gRPC" },
        sdk_ns / toolkit_ns
    );
    let _ = provider.shutdown();
    drop(guard);
}
