//! Per-call cost of one LLM client span: plain fn vs `#[tracing::instrument]` +
//! tracing-opentelemetry vs hand-written OpenTelemetry SDK calls vs `#[llm_span]`.
//!
//! ```text
//! cargo bench -p telemetry-runtime --bench llm_span                  # full run (~4 min)
//! BENCH_QUICK=1 cargo bench -p telemetry-runtime --bench llm_span    # short run (< 2 min)
//! ```
//!
//! `BENCH_QUICK=1` shrinks criterion to 0.5 s warm-up and 1 s measurement per benchmark,
//! fewer bootstrap resamples, and 11 instead of 21 timing repetitions for the table.
//! `BENCH_SETUPS=B` and `BENCH_VARIANTS=llm_span,fastrace,sdk_attach` (comma-separated) run
//! only the set-ups and variants named, side by side as in a full run.
//!
//! Each measured function creates one child span under an existing parent span, with 6
//! attributes (`gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`,
//! `gen_ai.request.max_tokens` (i64), `gen_ai.request.temperature` (f64), `server.port`
//! (i64)), kind `Client`, and does trivial work. Variants:
//!
//! * `plain`: the uninstrumented fn.
//! * `instrument_default` / `instrument_lean`: `#[tracing::instrument(fields(...))]` under a
//!   tracing-opentelemetry layer with its default config / with location, threads, target
//!   and inactivity tracking off (the config `telemetry_runtime::init` installs).
//! * `sdk_raw`: `span_builder(..).start_with_context(&tracer, &parent_cx)`, then `end()`.
//! * `sdk_attach`: the same with `Context::current()` as parent and the new context attached
//!   during the body, as a real instrumentation does.
//! * `sdk_attach_global`: `sdk_attach` through `opentelemetry::global::tracer(..)` (a
//!   `BoxedTracer` fetched per call), which is what generated code can reach without a
//!   tracer argument.
//! * `floor`: `support::floor`, only the pieces a contract span cannot do without (the
//!   parent from the current context, the sampler, a span id, two TSC reads, the context
//!   attached for the body, the record written into a ring of the thread), under an
//!   OpenTelemetry parent. Not a span pipeline (nothing is exported): the reference for the
//!   calling thread's floor.
//! * `llm_span`: the slot for `#[llm_span]` (see [`llm_span_variant`]). It runs under the
//!   global provider *and* the lean tracing-opentelemetry subscriber with an entered tracing
//!   parent, so it is measured correctly whether the macro emits OpenTelemetry spans directly
//!   or `tracing` spans.
//!
//! Set-ups (one criterion group each: `llm_span_A`, `llm_span_B`, `llm_span_C`):
//!
//! * A: no provider, no subscriber (`NoSubscriber` dispatch, `NoopTracer`, no-op global).
//! * B: `SdkTracerProvider` (`Sampler::AlwaysOn`) whose processor drops each span on the
//!   calling thread.
//! * C: `SdkTracerProvider` (`Sampler::AlwaysOn`) with the real `BatchSpanProcessor` (default
//!   config) and an exporter that returns `Ok` at once: span data is freed on the export
//!   thread.
//!
//! After criterion, a Markdown table (paste into BENCHMARKS.md) is printed, all from this one
//! process: for every variant and set-up, N = 10 000 calls timed with `Instant` over 11 (21)
//! rounds in which the set-up's variants take turns (so load from elsewhere on the machine
//! hits them alike; median and quartiles reported), criterion's median next to it, ratios
//! vs `plain` and vs `sdk_raw` of the same set-up, and allocations per call from a counting
//! global allocator, on the calling thread and in the whole process (the latter includes the
//! export thread up to a `force_flush`). "spans lost" counts spans the batch processor
//! dropped because its queue was full. The parent span is created and entered/attached
//! outside each timed loop of calls. In set-up C the queue is flushed, untimed, after every
//! run and every criterion sample.
//!
//! The table also gives CPU ns/call: the calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`,
//! which does not count time the thread was preempted, so it is steadier than wall time on a
//! loaded machine) and the whole process's from the first call to the end of a flush after
//! the last (`CLOCK_PROCESS_CPUTIME_ID`): in set-up C the difference is what the export
//! thread spends per span, mostly freeing it.
//!
//! The machine may be shared (2 cores): wall times swing with other load. Quartiles that are
//! far apart, or a criterion median far from the table's, say the run was disturbed.
//!
//! Before any measurement the bench checks that every variant really produces the span
//! described above (kind, parent, the 6 attributes with their types) into an in-memory
//! exporter, and panics otherwise. Only `cargo bench` prints the table; under `cargo test` or
//! nextest (criterion's test mode) the check runs and each benchmark runs once, and `--list`
//! only lists.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::Criterion;
use opentelemetry::trace::noop::NoopTracerProvider;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, Value, global};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchSpanProcessor, InMemorySpanExporter, Sampler, SdkTracer, SdkTracerProvider,
    SimpleSpanProcessor, SpanData, SpanExporter, SpanLimits,
};
use tracing::Dispatch;
use tracing::subscriber::NoSubscriber;
use tracing_subscriber::layer::SubscriberExt;

mod support;
use support::*;
#[path = "support/cpu_clock.rs"]
mod cpu_clock;
use cpu_clock::cpu_clock;

// ---------------------------------------------------------------------------------------
// Allocation counting
// ---------------------------------------------------------------------------------------

/// Wraps `System`, counting allocator calls process-wide and per thread.
struct CountingAlloc;

static PROCESS_ALLOCS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // `const` initialisers and no destructors: usable from inside the allocator.
    static THREAD_ALLOCS: Cell<u64> = const { Cell::new(0) };
    static THREAD_BYTES: Cell<u64> = const { Cell::new(0) };
    static THREAD_FREES: Cell<u64> = const { Cell::new(0) };
}

fn note_alloc(size: usize) {
    PROCESS_ALLOCS.fetch_add(1, Ordering::Relaxed);
    let _ = THREAD_ALLOCS.try_with(|c| c.set(c.get() + 1));
    let _ = THREAD_BYTES.try_with(|c| c.set(c.get() + size as u64));
}

fn note_free() {
    let _ = THREAD_FREES.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`; the counters neither allocate nor
// panic.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free();
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as an allocation and a free, which is what it may do.
        note_alloc(new_size);
        note_free();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

#[derive(Clone, Copy)]
struct AllocSnapshot {
    thread_allocs: u64,
    thread_bytes: u64,
    thread_frees: u64,
    process_allocs: u64,
}

fn alloc_snapshot() -> AllocSnapshot {
    AllocSnapshot {
        thread_allocs: THREAD_ALLOCS.with(Cell::get),
        thread_bytes: THREAD_BYTES.with(Cell::get),
        thread_frees: THREAD_FREES.with(Cell::get),
        process_allocs: PROCESS_ALLOCS.load(Ordering::Relaxed),
    }
}

/// CPU time of the calling thread and of the whole process (zero where unsupported). Unlike
/// wall time, they do not count time the thread spent preempted by other load.
#[derive(Clone, Copy, Default)]
struct CpuTimes {
    thread: Duration,
    process: Duration,
}

#[cfg(unix)]
fn cpu_times() -> CpuTimes {
    #[cfg(unix)]
    {
        CpuTimes {
            thread: cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID),
            process: cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID),
        }
    }
    #[cfg(not(unix))]
    {
        CpuTimes::default()
    }
}

// ---------------------------------------------------------------------------------------
// The functions measured (the rest are in `support`, shared with `llm_span_instructions`)
// ---------------------------------------------------------------------------------------

/// (ii) `#[tracing::instrument]`; `otel.kind` sets the OpenTelemetry span kind and is not
/// an attribute, so the span carries the same 6 attributes as the SDK variants (plus
/// whatever the layer adds: code location, thread, target, busy/idle time by default).
#[inline(never)]
#[tracing::instrument(
    name = "chat",
    skip_all,
    fields(
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = "openai",
        gen_ai.request.model = model,
        gen_ai.request.max_tokens = max_tokens,
        gen_ai.request.temperature = temperature,
        server.port = SERVER_PORT,
    )
)]
fn instrumented(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    work(model, max_tokens, temperature)
}

/// (v) fastrace's `#[trace]` with the same 6 attributes as properties (fastrace's values are
/// strings only), under a local parent.
#[inline(never)]
#[fastrace::trace(name = "chat")]
fn fastrace_chat(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    fastrace::local::LocalSpan::add_properties(|| {
        [
            ("gen_ai.operation.name", Cow::Borrowed("chat")),
            ("gen_ai.provider.name", Cow::Borrowed("openai")),
            ("gen_ai.request.model", Cow::Owned(model.to_owned())),
            (
                "gen_ai.request.max_tokens",
                Cow::Owned(max_tokens.to_string()),
            ),
            (
                "gen_ai.request.temperature",
                Cow::Owned(temperature.to_string()),
            ),
            ("server.port", Cow::Owned(SERVER_PORT.to_string())),
        ]
    });
    work(model, max_tokens, temperature)
}

/// fastrace's reporter: drops each batch on fastrace's collector thread (as the processors of
/// set-ups B and C free the spans on the export thread). Counts spans, so that the check can
/// see them.
struct DropReporter(Arc<AtomicU64>);

impl fastrace::collector::Reporter for DropReporter {
    fn report(&mut self, spans: Vec<fastrace::collector::SpanRecord>) {
        self.0.fetch_add(spans.len() as u64, Ordering::Relaxed);
        drop(spans);
    }
}

/// Calls under a fastrace root: fastrace keeps a root's children in a queue of at most 10 240
/// and drops the rest, so a new root (`request`, as the other variants' parent) is made every
/// 1000 calls, its cost counted in the calls'.
struct FastraceParent {
    calls: Cell<u64>,
    root: std::cell::RefCell<Option<(fastrace::local::LocalParentGuard, fastrace::Span)>>,
}

impl FastraceParent {
    fn new() -> Self {
        FastraceParent {
            calls: Cell::new(0),
            root: std::cell::RefCell::new(None),
        }
    }

    #[inline(always)]
    fn call(&self, f: impl FnOnce() -> f64) -> f64 {
        let calls = self.calls.get();
        if calls.is_multiple_of(1000) {
            let mut root = self.root.borrow_mut();
            *root = None;
            let span = fastrace::Span::root("request", fastrace::collector::SpanContext::random());
            let guard = span.set_local_parent();
            *root = Some((guard, span));
        }
        self.calls.set(calls + 1);
        f()
    }
}

impl Drop for FastraceParent {
    fn drop(&mut self) {
        self.root.get_mut().take();
    }
}

/// (iii) `sdk_attach` through the global tracer provider, fetched per call.
#[inline(never)]
fn sdk_attach_global(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    sdk_attach(&global::tracer(SCOPE), model, max_tokens, temperature)
}

// ---------------------------------------------------------------------------------------
// Set-ups
// ---------------------------------------------------------------------------------------

/// Set-up C: an exporter that returns at once (the batch is freed on the export thread). It
/// counts spans so that spans lost to a full queue can be reported.
#[derive(Debug, Clone, Default)]
struct NoopExporter {
    exported: Arc<AtomicU64>,
}

impl SpanExporter for NoopExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        self.exported
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        drop(batch);
        Ok(())
    }
}

fn otel_dispatch(tracer: SdkTracer, lean: bool) -> Dispatch {
    let layer = tracing_opentelemetry::layer().with_tracer(tracer);
    if lean {
        let layer = layer
            .with_location(false)
            .with_threads(false)
            .with_target(false)
            .with_tracked_inactivity(false);
        Dispatch::new(tracing_subscriber::registry().with(layer))
    } else {
        Dispatch::new(tracing_subscriber::registry().with(layer))
    }
}

struct Setup<T> {
    id: &'static str,
    label: &'static str,
    /// The tracer the raw SDK variants get (the global provider is set to the same one).
    tracer: T,
    /// No subscriber: for `plain`, the SDK variants, and the tracing variants in set-up A.
    none: Dispatch,
    otel_default: Dispatch,
    otel_lean: Dispatch,
    flush: Box<dyn Fn()>,
    /// Spans the exporter received (set-up C only).
    exported: Option<Arc<AtomicU64>>,
}

impl<T> Setup<T> {
    fn exported(&self) -> Option<u64> {
        self.exported.as_ref().map(|e| e.load(Ordering::Relaxed))
    }
}

/// Runs `f` with `dispatch` as the thread's default and a `tracing` parent span entered.
fn under_tracing_parent<R>(dispatch: &Dispatch, f: impl FnOnce() -> R) -> R {
    tracing::dispatcher::with_default(dispatch, || {
        let parent = tracing::info_span!("request");
        let _entered = parent.enter();
        f()
    })
}

/// Runs `f` with `dispatch` as the thread's default and an OpenTelemetry parent span attached.
fn under_otel_parent<T, R>(dispatch: &Dispatch, tracer: &T, f: impl FnOnce(&Context) -> R) -> R
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    tracing::dispatcher::with_default(dispatch, || {
        let parent_cx = Context::current_with_span(tracer.start("request"));
        let guard = parent_cx.clone().attach();
        let out = f(&parent_cx);
        drop(guard);
        parent_cx.span().end();
        out
    })
}

// ---------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------

const N: u64 = 10_000;

struct Options {
    table: bool,
    reps: usize,
}

/// Spans lost to a full batch queue: (lost, expected), for the table's runs and for
/// criterion's.
#[derive(Default, Clone, Copy)]
struct Lost {
    table: (u64, u64),
    criterion: (u64, u64),
}

struct Row {
    setup: &'static str,
    setup_label: &'static str,
    variant: &'static str,
    group: String,
    /// Median, 25th and 75th percentile of ns/call over the table's runs.
    ns: (f64, f64, f64),
    /// Medians of CPU ns/call: the calling thread, all threads (the export thread too).
    thread_cpu_ns: f64,
    process_cpu_ns: f64,
    criterion_ns: Option<f64>,
    thread_allocs: f64,
    thread_bytes: f64,
    thread_frees: f64,
    process_allocs: f64,
    /// Set-up C only, and only for the variants that make spans.
    lost: Option<Lost>,
}

#[inline(always)]
fn args() -> (&'static str, i64, f64) {
    (
        black_box(MODEL),
        black_box(MAX_TOKENS),
        black_box(TEMPERATURE),
    )
}

/// One timed run of `n` calls, with the allocation counters and CPU clocks read just around
/// the loop.
struct Run {
    elapsed: Duration,
    before: AllocSnapshot,
    after: AllocSnapshot,
    cpu_before: CpuTimes,
    cpu_after: CpuTimes,
}

#[inline(always)]
fn timed(n: u64, call: impl Fn() -> f64) -> Run {
    let before = alloc_snapshot();
    let cpu_before = cpu_times();
    let start = Instant::now();
    for _ in 0..n {
        black_box(call());
    }
    let elapsed = start.elapsed();
    let cpu_after = cpu_times();
    let after = alloc_snapshot();
    Run {
        elapsed,
        before,
        after,
        cpu_before,
        cpu_after,
    }
}

/// A variant: sets up its environment (dispatch, entered/attached parent span: outside the
/// timed loop), then runs `n` timed calls.
struct Variant<'a> {
    name: &'static str,
    /// Whether a call ends a span (the parent span, once per run, too).
    makes_spans: bool,
    run: Box<dyn Fn(u64) -> Run + 'a>,
}

fn variants<T>(setup: &Setup<T>) -> Vec<Variant<'_>>
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let tracer = &setup.tracer;
    vec![
        Variant {
            name: "plain",
            makes_spans: false,
            run: Box::new(|n| {
                under_tracing_parent(&setup.none, || {
                    timed(n, || {
                        let (m, t, p) = args();
                        plain(m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "instrument_default",
            makes_spans: true,
            run: Box::new(|n| {
                under_tracing_parent(&setup.otel_default, || {
                    timed(n, || {
                        let (m, t, p) = args();
                        instrumented(m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "instrument_lean",
            makes_spans: true,
            run: Box::new(|n| {
                under_tracing_parent(&setup.otel_lean, || {
                    timed(n, || {
                        let (m, t, p) = args();
                        instrumented(m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "sdk_raw",
            makes_spans: true,
            run: Box::new(move |n| {
                under_otel_parent(&setup.none, tracer, |parent_cx| {
                    timed(n, || {
                        let (m, t, p) = args();
                        sdk_raw(tracer, parent_cx, m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "sdk_attach",
            makes_spans: true,
            run: Box::new(move |n| {
                under_otel_parent(&setup.none, tracer, |_| {
                    timed(n, || {
                        let (m, t, p) = args();
                        sdk_attach(tracer, m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "sdk_attach_global",
            makes_spans: true,
            run: Box::new(move |n| {
                under_otel_parent(&setup.none, tracer, |_| {
                    timed(n, || {
                        let (m, t, p) = args();
                        sdk_attach_global(m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "floor",
            makes_spans: false,
            run: Box::new(move |n| {
                under_otel_parent(&setup.none, tracer, |_| {
                    timed(n, || {
                        let (m, t, p) = args();
                        floor::chat(m, t, p)
                    })
                })
            }),
        },
        Variant {
            name: "fastrace",
            makes_spans: false,
            run: Box::new(|n| {
                let parent = FastraceParent::new();
                let run = timed(n, || {
                    parent.call(|| {
                        let (m, t, p) = args();
                        fastrace_chat(m, t, p)
                    })
                });
                drop(parent);
                run
            }),
        },
        Variant {
            name: "llm_span",
            makes_spans: true,
            run: Box::new(|n| {
                under_tracing_parent(&setup.otel_lean, || {
                    timed(n, || {
                        let (m, t, p) = args();
                        llm_span_variant(m, t, p)
                    })
                })
            }),
        },
    ]
}

/// What a run of N calls cost, per call.
struct PerCall {
    wall_ns: f64,
    thread_cpu_ns: f64,
    /// All threads, from the start of the calls to the end of the flush after them.
    process_cpu_ns: f64,
}

/// Runs `v` for `n` calls, then flushes (untimed). Returns the run, its cost per call, the
/// allocation counters after the flush, and the spans lost (lost, expected) when the set-up
/// counts exports.
fn run_flushed<T>(
    setup: &Setup<T>,
    v: &Variant<'_>,
    n: u64,
) -> (Run, PerCall, AllocSnapshot, (u64, u64)) {
    let exported_before = setup.exported();
    let run = (v.run)(n);
    (setup.flush)();
    fastrace::flush();
    let after_flush = alloc_snapshot();
    let process_after_flush = cpu_times().process;
    let per_call = |d: Duration| d.as_nanos() as f64 / n as f64;
    let cost = PerCall {
        wall_ns: per_call(run.elapsed),
        thread_cpu_ns: per_call(run.cpu_after.thread - run.cpu_before.thread),
        process_cpu_ns: per_call(process_after_flush - run.cpu_before.process),
    };
    let lost = match (exported_before, setup.exported(), v.makes_spans) {
        (Some(before), Some(after), true) => {
            let expected = n + 1; // the calls' spans and the parent
            (expected.saturating_sub(after - before), expected)
        }
        _ => (0, 0),
    };
    (run, cost, after_flush, lost)
}

/// Whether `name` is in the comma-separated list of the environment variable `var`
/// (`BENCH_SETUPS=B`, `BENCH_VARIANTS=llm_span,fastrace,sdk_attach`); everything when unset.
fn selected(var: &str, name: &str) -> bool {
    std::env::var(var).map_or(true, |list| list.split(',').any(|x| x.trim() == name))
}

fn run_setup<T>(c: &mut Criterion, setup: &Setup<T>, opts: &Options, rows: &mut Vec<Row>)
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    if !selected("BENCH_SETUPS", setup.id) {
        return;
    }
    let group_name = format!("llm_span_{}", setup.id);
    let vs: Vec<_> = variants(setup)
        .into_iter()
        .filter(|v| selected("BENCH_VARIANTS", v.name))
        .collect();
    let mut lost = vec![Lost::default(); vs.len()];

    // Criterion, one benchmark per variant. The batch queue is flushed (untimed) after each
    // sample, as in the table's runs.
    let mut g = c.benchmark_group(&group_name);
    for (v, lost) in vs.iter().zip(&mut lost) {
        g.bench_function(v.name, |b| {
            b.iter_custom(|iters| {
                let (run, _, _, (l, e)) = run_flushed(setup, v, iters);
                lost.criterion.0 += l;
                lost.criterion.1 += e;
                run.elapsed
            })
        });
    }
    g.finish();
    if !opts.table {
        return;
    }

    // Table timing: a warm-up run each, then `reps` rounds in which every variant runs N
    // calls, in an order rotated per round, so that load from elsewhere on the machine hits
    // all variants alike.
    let mut samples: Vec<Vec<PerCall>> = (0..vs.len())
        .map(|_| Vec::with_capacity(opts.reps))
        .collect();
    for (v, lost) in vs.iter().zip(&mut lost) {
        let (_, _, _, (l, e)) = run_flushed(setup, v, N);
        lost.table.0 += l;
        lost.table.1 += e;
    }
    for round in 0..opts.reps {
        for k in 0..vs.len() {
            let i = (k + round) % vs.len();
            let (_, cost, _, (l, e)) = run_flushed(setup, &vs[i], N);
            samples[i].push(cost);
            lost[i].table.0 += l;
            lost[i].table.1 += e;
        }
    }

    // Allocations: one more run each; process-wide counts include the export thread's work
    // up to the flush.
    for ((v, costs), lost) in vs.iter().zip(samples).zip(lost) {
        let (run, _, after_flush, (l, e)) = run_flushed(setup, v, N);
        let lost = Lost {
            table: (lost.table.0 + l, lost.table.1 + e),
            ..lost
        };
        let sorted = |f: fn(&PerCall) -> f64| {
            let mut xs: Vec<f64> = costs.iter().map(f).collect();
            xs.sort_by(f64::total_cmp);
            xs
        };
        let pct = |xs: &[f64], p: usize| xs[(xs.len() - 1) * p / 100];
        let wall = sorted(|c| c.wall_ns);
        let per_call = |a: u64, b: u64| (b - a) as f64 / N as f64;
        rows.push(Row {
            setup: setup.id,
            setup_label: setup.label,
            variant: v.name,
            group: group_name.clone(),
            ns: (pct(&wall, 50), pct(&wall, 25), pct(&wall, 75)),
            thread_cpu_ns: pct(&sorted(|c| c.thread_cpu_ns), 50),
            process_cpu_ns: pct(&sorted(|c| c.process_cpu_ns), 50),
            criterion_ns: None,
            thread_allocs: per_call(run.before.thread_allocs, run.after.thread_allocs),
            thread_bytes: per_call(run.before.thread_bytes, run.after.thread_bytes),
            thread_frees: per_call(run.before.thread_frees, run.after.thread_frees),
            process_allocs: per_call(run.before.process_allocs, after_flush.process_allocs),
            lost: (setup.exported.is_some() && v.makes_spans).then_some(lost),
        });
    }
}

// ---------------------------------------------------------------------------------------
// Correctness of the measured spans
// ---------------------------------------------------------------------------------------

enum Expected {
    Str(&'static str),
    I64(i64),
    F64(f64),
}

/// Panics unless `spans` holds a `request` span and exactly one child of it of kind `Client`
/// carrying the 6 attributes with the right types. Returns a one-line description.
fn check_one(variant: &str, spans: &[SpanData]) -> String {
    let parents: Vec<_> = spans.iter().filter(|s| s.name == "request").collect();
    assert_eq!(
        parents.len(),
        1,
        "{variant}: expected one parent span, got {spans:#?}"
    );
    let parent_id = parents[0].span_context.span_id();
    let children: Vec<_> = spans
        .iter()
        .filter(|s| s.parent_span_id == parent_id)
        .collect();
    assert_eq!(
        children.len(),
        1,
        "{variant}: expected one child, got {spans:#?}"
    );
    let child = children[0];
    assert_eq!(child.span_kind, SpanKind::Client, "{variant}: span kind");
    let expected = [
        ("gen_ai.operation.name", Expected::Str("chat")),
        ("gen_ai.provider.name", Expected::Str("openai")),
        ("gen_ai.request.model", Expected::Str(MODEL)),
        ("gen_ai.request.max_tokens", Expected::I64(MAX_TOKENS)),
        ("gen_ai.request.temperature", Expected::F64(TEMPERATURE)),
        ("server.port", Expected::I64(SERVER_PORT)),
    ];
    for (key, want) in expected {
        let got = child
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
            .unwrap_or_else(|| panic!("{variant}: attribute {key} missing: {child:#?}"));
        let ok = match (got, &want) {
            (Value::String(s), Expected::Str(w)) => s.as_str() == *w,
            (Value::I64(v), Expected::I64(w)) => v == w,
            (Value::F64(v), Expected::F64(w)) => v == w,
            _ => false,
        };
        assert!(ok, "{variant}: attribute {key} = {got:?}");
    }
    let mut keys: Vec<_> = child.attributes.iter().map(|kv| kv.key.as_str()).collect();
    keys.retain(|k| !k.starts_with("gen_ai.") && *k != "server.port");
    format!(
        "`{variant}`: span `{}`, {} attributes{}",
        child.name,
        child.attributes.len(),
        if keys.is_empty() {
            String::new()
        } else {
            format!(" (extra: {})", keys.join(", "))
        }
    )
}

fn check_span_shapes() -> Vec<String> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .with_sampler(Sampler::AlwaysOn)
        .build();
    global::set_tracer_provider(provider.clone());
    telemetry_runtime::span::install_tracer(provider.tracer(SCOPE));
    let tracer = provider.tracer(SCOPE);
    let none = Dispatch::new(NoSubscriber::default());
    let default = otel_dispatch(tracer.clone(), false);
    let lean = otel_dispatch(tracer.clone(), true);
    let mut lines = Vec::new();
    let mut check = |variant: &str, run: &dyn Fn()| {
        exporter.reset();
        run();
        provider.force_flush().expect("flush");
        let spans = exporter.get_finished_spans().expect("spans");
        lines.push(check_one(variant, &spans));
    };
    check("instrument_default", &|| {
        under_tracing_parent(&default, || instrumented(MODEL, MAX_TOKENS, TEMPERATURE));
    });
    check("instrument_lean", &|| {
        under_tracing_parent(&lean, || instrumented(MODEL, MAX_TOKENS, TEMPERATURE));
    });
    check("sdk_raw", &|| {
        under_otel_parent(&none, &tracer, |cx| {
            sdk_raw(&tracer, cx, MODEL, MAX_TOKENS, TEMPERATURE)
        });
    });
    check("sdk_attach", &|| {
        under_otel_parent(&none, &tracer, |_| {
            sdk_attach(&tracer, MODEL, MAX_TOKENS, TEMPERATURE)
        });
    });
    check("sdk_attach_global", &|| {
        under_otel_parent(&none, &tracer, |_| {
            sdk_attach_global(MODEL, MAX_TOKENS, TEMPERATURE)
        });
    });
    check("llm_span", &|| {
        under_tracing_parent(&lean, || llm_span_variant(MODEL, MAX_TOKENS, TEMPERATURE));
    });
    global::set_tracer_provider(NoopTracerProvider::new());
    telemetry_runtime::span::uninstall_tracer();
    drop((default, lean, tracer));
    let _ = provider.shutdown();

    // `llm_span` through the direct engine (what `init()` and set-ups B and C install).
    let exporter = InMemorySpanExporter::default();
    let provider = telemetry_runtime::span::install_direct_tracer(
        SdkTracerProvider::builder(),
        Sampler::AlwaysOn,
        SpanLimits::default(),
        vec![Arc::new(SimpleSpanProcessor::new(exporter.clone()))],
    );
    let lean = otel_dispatch(provider.tracer(SCOPE), true);
    under_tracing_parent(&lean, || llm_span_variant(MODEL, MAX_TOKENS, TEMPERATURE));
    provider.force_flush().expect("flush");
    let spans = exporter.get_finished_spans().expect("spans");
    lines.push(check_one("llm_span (direct engine)", &spans));
    telemetry_runtime::span::uninstall_tracer();
    drop(lean);
    let _ = provider.shutdown();

    // fastrace: the root and its child reach the reporter, the child with the 6 properties.
    let reported = Arc::new(std::sync::Mutex::new(Vec::new()));
    fastrace::set_reporter(
        CheckReporter(reported.clone()),
        fastrace::collector::Config::default(),
    );
    let parent = FastraceParent::new();
    parent.call(|| fastrace_chat(MODEL, MAX_TOKENS, TEMPERATURE));
    drop(parent);
    fastrace::flush();
    let spans = std::mem::take(&mut *reported.lock().unwrap());
    let child = spans.iter().find(|s| s.name == "chat");
    assert!(
        spans.len() == 2 && child.is_some_and(|c| c.properties.len() == 6),
        "fastrace: expected the root and a child with 6 properties, got {spans:#?}"
    );
    lines.push("`fastrace`: span `chat`, 6 properties (string values)".to_owned());
    lines
}

/// Keeps what fastrace reports, for the check.
struct CheckReporter(Arc<std::sync::Mutex<Vec<fastrace::collector::SpanRecord>>>);

impl fastrace::collector::Reporter for CheckReporter {
    fn report(&mut self, spans: Vec<fastrace::collector::SpanRecord>) {
        self.0.lock().unwrap().extend(spans);
    }
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

fn criterion_median_ns(dir: &std::path::Path, group: &str, id: &str) -> Option<f64> {
    let text = std::fs::read_to_string(dir.join(group).join(id).join("new/estimates.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn fmt_ns(ns: f64) -> String {
    if ns < 10.0 {
        format!("{ns:.2}")
    } else {
        format!("{ns:.0}")
    }
}

fn fmt_ratio(r: f64) -> String {
    if r < 10.0 {
        format!("×{r:.2}")
    } else {
        format!("×{r:.0}")
    }
}

fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 0.005 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

fn fmt_lost((lost, expected): (u64, u64)) -> String {
    if expected == 0 {
        "–".into()
    } else {
        format!("{:.1} %", 100.0 * lost as f64 / expected as f64)
    }
}

fn print_table(rows: &[Row], opts: &Options, quick: bool, checks: &[String]) {
    println!();
    println!(
        "### One LLM client span, 6 attributes: per-call cost (N = {N} calls × {} interleaved runs{})",
        opts.reps,
        if quick { ", BENCH_QUICK=1" } else { "" }
    );
    println!();
    println!("Set-ups:");
    let mut seen = Vec::new();
    for r in rows {
        if !seen.contains(&r.setup) {
            seen.push(r.setup);
            println!("- **{}**: {}", r.setup, r.setup_label);
        }
    }
    println!();
    println!(
        "| set-up | variant | ns/call (p25–p75) | × plain | × sdk_raw (wall · CPU) | criterion ns | CPU ns/call | CPU ns/call (process) | allocs/call | bytes/call | frees/call | allocs/call (process) | spans lost (table / criterion) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let same = |v: &str| rows.iter().find(|o| o.setup == r.setup && o.variant == v);
        let vs_plain = same("plain").map_or("–".into(), |b| fmt_ratio(r.ns.0 / b.ns.0));
        let vs_raw = same("sdk_raw").map_or("–".into(), |b| {
            format!(
                "{} · {}",
                fmt_ratio(r.ns.0 / b.ns.0),
                fmt_ratio(r.thread_cpu_ns / b.thread_cpu_ns)
            )
        });
        let lost = r.lost.map_or("–".into(), |l| {
            format!("{} / {}", fmt_lost(l.table), fmt_lost(l.criterion))
        });
        println!(
            "| {} | `{}` | {} ({}–{}) | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.setup,
            r.variant,
            fmt_ns(r.ns.0),
            fmt_ns(r.ns.1),
            fmt_ns(r.ns.2),
            vs_plain,
            vs_raw,
            r.criterion_ns.map_or("–".into(), fmt_ns),
            fmt_ns(r.thread_cpu_ns),
            fmt_ns(r.process_cpu_ns),
            fmt_count(r.thread_allocs),
            fmt_count(r.thread_bytes),
            fmt_count(r.thread_frees),
            fmt_count(r.process_allocs),
            lost,
        );
    }
    println!();
    println!(
        "ns/call: `Instant` over N calls; median (and quartiles) of the runs, in which the \
         variants of a set-up take turns. Ratios: ns/call over the same set-up's `plain` / \
         `sdk_raw` (and CPU ns/call over `sdk_raw`'s). criterion ns: criterion's median for the same call (run before, variant \
         after variant). CPU ns/call: median CPU time of the calling thread over the N calls \
         (not counting time preempted by other load); (process): all threads from the first \
         call to the end of a `force_flush` after the last, so it includes the export \
         thread's work. allocs, bytes, frees per call: on the calling thread (a `realloc` counts as \
         an alloc and a free). allocs/call (process): all threads, up to a `force_flush` after the N \
         calls, so the export thread's work is in. spans lost (C): spans the \
         `BatchSpanProcessor` dropped because its queue (2048) was full, though it is flushed \
         after every run and every criterion sample."
    );
    println!();
    println!("Span shapes checked before measuring (in-memory exporter):");
    for line in checks {
        println!("- {line}");
    }
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let has = |flag: &str| argv.iter().any(|a| a == flag);
    let listing = has("--list");
    let bench_mode = has("--bench") && !has("--test") && !listing && !has("--profile-time");
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");

    // Where criterion writes (target/criterion unless CRITERION_HOME), so that its medians
    // can be put in the table: the executable is target/<profile>/deps/llm_span-<hash>.
    let out_dir = std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.ancestors().nth(3)?.join("criterion"))
        })
        .unwrap_or_else(|| PathBuf::from("target/criterion"));

    let mut c = Criterion::default()
        .output_directory(&out_dir)
        .without_plots();
    if quick {
        c = c
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(1))
            .nresamples(20_000);
    }
    let mut c = c.configure_from_args();
    let opts = Options {
        table: bench_mode,
        reps: if quick { 11 } else { 21 },
    };

    let checks = if listing {
        Vec::new()
    } else {
        check_span_shapes()
    };

    let mut rows = Vec::new();

    // A: nothing installed.
    {
        global::set_tracer_provider(NoopTracerProvider::new());
        telemetry_runtime::span::uninstall_tracer();
        let none = Dispatch::new(NoSubscriber::default());
        let setup = Setup {
            id: "A",
            label: "no provider, no subscriber (`NoSubscriber` dispatch, `NoopTracer`, no-op global provider)",
            tracer: NoopTracerProvider::new().tracer(SCOPE),
            none: none.clone(),
            otel_default: none.clone(),
            otel_lean: none,
            flush: Box::new(|| {}),
            exported: None,
        };
        run_setup(&mut c, &setup, &opts, &mut rows);
    }

    // fastrace's spans are dropped on its collector thread from here on.
    fastrace::set_reporter(
        DropReporter(Arc::new(AtomicU64::new(0))),
        fastrace::collector::Config::default(),
    );

    // B: SDK provider, spans dropped on the calling thread (contract spans: on the collector
    // thread of the direct engine).
    {
        let provider = telemetry_runtime::span::install_direct_tracer(
            SdkTracerProvider::builder(),
            Sampler::AlwaysOn,
            SpanLimits::default(),
            vec![Arc::new(DropProcessor)],
        );
        global::set_tracer_provider(provider.clone());
        let tracer = provider.tracer(SCOPE);
        let flusher = provider.clone();
        let setup = Setup {
            id: "B",
            label: "`SdkTracerProvider` (AlwaysOn) + `DropProcessor` (span dropped on the calling thread)",
            otel_default: otel_dispatch(tracer.clone(), false),
            otel_lean: otel_dispatch(tracer.clone(), true),
            tracer,
            none: Dispatch::new(NoSubscriber::default()),
            flush: Box::new(move || {
                let _ = flusher.force_flush();
            }),
            exported: None,
        };
        run_setup(&mut c, &setup, &opts, &mut rows);
        drop(setup);
        global::set_tracer_provider(NoopTracerProvider::new());
        telemetry_runtime::span::uninstall_tracer();
        let _ = provider.shutdown();
    }

    // C: SDK provider, real batch processor, no-op exporter.
    {
        let exporter = NoopExporter::default();
        let exported = exporter.exported.clone();
        let provider = telemetry_runtime::span::install_direct_tracer(
            SdkTracerProvider::builder(),
            Sampler::AlwaysOn,
            SpanLimits::default(),
            vec![Arc::new(BatchSpanProcessor::builder(exporter).build())],
        );
        global::set_tracer_provider(provider.clone());
        let tracer = provider.tracer(SCOPE);
        let flusher = provider.clone();
        let setup = Setup {
            id: "C",
            label: "`SdkTracerProvider` (AlwaysOn) + `BatchSpanProcessor` (default config) + no-op exporter (spans freed on the export thread)",
            otel_default: otel_dispatch(tracer.clone(), false),
            otel_lean: otel_dispatch(tracer.clone(), true),
            tracer,
            none: Dispatch::new(NoSubscriber::default()),
            flush: Box::new(move || {
                let _ = flusher.force_flush();
            }),
            exported: Some(exported),
        };
        run_setup(&mut c, &setup, &opts, &mut rows);
        drop(setup);
        global::set_tracer_provider(NoopTracerProvider::new());
        telemetry_runtime::span::uninstall_tracer();
        let _ = provider.shutdown();
    }

    // Decode steps and stream chunks: `SpanCore::step` and `SpanCore::chunk` on one recording
    // span of the direct engine (set-up B's), timed by criterion, allocations counted over N.
    let step_lines = {
        let provider = telemetry_runtime::span::install_direct_tracer(
            SdkTracerProvider::builder(),
            Sampler::AlwaysOn,
            SpanLimits::default(),
            vec![Arc::new(DropProcessor)],
        );
        let span = step_span();
        assert!(span.is_recording(), "the step span records");
        let mut g = c.benchmark_group("llm_span_steps");
        g.bench_function("step", |b| b.iter(|| black_box(&span).step()));
        g.bench_function("chunk", |b| b.iter(|| black_box(&span).chunk(black_box(3))));
        // The anchor: the one clock read a step makes (the TSC, as `step` reads it).
        let origin = fastant::Instant::now();
        g.bench_function("clock_read", |b| {
            b.iter(|| black_box(origin.elapsed().as_nanos() as u64))
        });
        g.finish();
        let allocs = |f: &dyn Fn()| {
            let before = alloc_snapshot();
            for _ in 0..N {
                f();
            }
            let after = alloc_snapshot();
            after.thread_allocs - before.thread_allocs
        };
        let step_allocs = allocs(&|| black_box(&span).step());
        let chunk_allocs = allocs(&|| black_box(&span).chunk(black_box(3)));
        drop(span);
        telemetry_runtime::span::uninstall_tracer();
        let _ = provider.shutdown();
        vec![
            format!("`step()`: {step_allocs} allocations in {N} calls"),
            format!("`chunk(3)`: {chunk_allocs} allocations in {N} calls"),
        ]
    };

    c.final_summary();
    if opts.table {
        for r in &mut rows {
            r.criterion_ns = criterion_median_ns(&out_dir, &r.group, r.variant);
        }
        print_table(&rows, &opts, quick, &checks);
        println!();
        println!(
            "Decode steps and stream chunks (criterion: `llm_span_steps/step`, `llm_span_steps/chunk`, and the clock read a step makes, `llm_span_steps/clock_read`; median ns {} / {} / {}):",
            criterion_median_ns(&out_dir, "llm_span_steps", "step").map_or("?".into(), fmt_ns),
            criterion_median_ns(&out_dir, "llm_span_steps", "chunk").map_or("?".into(), fmt_ns),
            criterion_median_ns(&out_dir, "llm_span_steps", "clock_read")
                .map_or("?".into(), fmt_ns),
        );
        for line in &step_lines {
            println!("- {line}");
        }
    }
}

/// A recording span with step and stream statistics, as a decode or streamed chat span has.
fn step_span() -> telemetry_runtime::span::SpanCore {
    telemetry_runtime::span::SpanCore::start::<false>(
        SpanKind::Internal,
        |_| "decode".into(),
        Vec::new,
        Some(telemetry_runtime::span::StepKeys {
            steps: "llm.decode.steps",
            mean_ms: "llm.decode.mean_step_ms",
            max_ms: "llm.decode.max_step_ms",
        }),
        Some(telemetry_runtime::span::StreamKeys {
            time_to_first_chunk: "gen_ai.response.time_to_first_chunk",
            chunks: "gen_ai.response.chunks",
            output_tokens: "gen_ai.usage.output_tokens",
        }),
    )
}
