//! One variant of the `llm_span` bench, called N times in a loop, for counting instructions
//! per call under callgrind (deterministic, unlike wall time on a shared machine):
//!
//! ```text
//! cargo bench -p telemetry-runtime --bench llm_span_instructions --no-run   # prints the binary
//! valgrind --tool=callgrind --toggle-collect=llm_span_instructions::run <binary> llm_span 10000
//! valgrind --tool=callgrind --toggle-collect=llm_span_instructions::run <binary> llm_span 20000
//! ```
//!
//! The difference between the two runs' totals, over 10 000, is the cost of one call. Counted
//! inside `run` only: the TSC clock calibrates itself before `main`, for a time, not a number
//! of instructions.
//! Variants: `plain`, `sdk_raw`, `sdk_attach` (set-up B: a processor that drops each span on
//! the calling thread), `llm_span` (the direct engine `init()` installs, the same processor on
//! its collector thread, whose work is done on the calling thread every 1000 calls under
//! callgrind, where the collector does not get to run: the count is the total per span), `llm_span_sdk` (`#[llm_span]` through the SDK tracer, `install_tracer`) and
//! `disabled` (`llm_span` with no tracer installed), and `floor` (`support::floor`: only the
//! pieces a contract span cannot do without, under an OpenTelemetry parent).
//! With no variant given (as `cargo bench` and the test runner call it) each runs 1000 times.

use std::hint::black_box;

use opentelemetry::Context;
use opentelemetry::trace::{TraceContextExt, Tracer, TracerProvider as _};
use std::sync::Arc;

use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider, SpanLimits};
use tracing_subscriber::layer::SubscriberExt;

mod support;
use support::*;

fn run(variant: &str, n: u64) -> f64 {
    let provider = if variant == "llm_span" {
        // The direct engine `init()` installs: the span is dropped on its collector thread.
        telemetry_runtime::span::install_direct_tracer(
            SdkTracerProvider::builder(),
            Sampler::AlwaysOn,
            SpanLimits::default(),
            vec![Arc::new(DropProcessor)],
        )
    } else {
        SdkTracerProvider::builder()
            .with_span_processor(DropProcessor)
            .with_sampler(Sampler::AlwaysOn)
            .build()
    };
    let tracer = provider.tracer(SCOPE);
    match variant {
        "disabled" => telemetry_runtime::span::uninstall_tracer(),
        "llm_span" => {}
        _ => telemetry_runtime::span::install_tracer(provider.tracer(SCOPE)),
    }
    let (m, t, p) = black_box((MODEL, MAX_TOKENS, TEMPERATURE));
    let mut acc = 0.0;
    match variant {
        "plain" => (0..n).for_each(|_| acc += plain(m, t, p)),
        "sdk_raw" | "sdk_attach" | "floor" => {
            let parent_cx = Context::current_with_span(tracer.start("request"));
            let _attached = parent_cx.clone().attach();
            for _ in 0..n {
                acc += match variant {
                    "sdk_raw" => sdk_raw(&tracer, &parent_cx, m, t, p),
                    "floor" => floor::chat(m, t, p),
                    _ => sdk_attach(&tracer, m, t, p),
                };
            }
        }
        _ => {
            // As in the criterion bench: under the lean tracing-opentelemetry subscriber,
            // with an entered tracing parent.
            let layer = tracing_opentelemetry::layer()
                .with_tracer(tracer.clone())
                .with_location(false)
                .with_threads(false)
                .with_target(false)
                .with_tracked_inactivity(false);
            let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer));
            tracing::dispatcher::with_default(&dispatch, || {
                let parent = tracing::info_span!("request");
                let _entered = parent.enter();
                let flushes = variant == "llm_span";
                for i in 0..n {
                    acc += llm_span_variant(m, t, p);
                    // The direct engine's collector thread does not get to run under
                    // callgrind: its work is done here, so the count is the total per span.
                    if flushes && i % 1000 == 999 {
                        let _ = provider.force_flush();
                    }
                }
            });
        }
    }
    telemetry_runtime::span::uninstall_tracer();
    let _ = provider.shutdown();
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The test runner lists the targets first: there are no tests to list.
    if args.iter().any(|a| a == "--list") {
        return;
    }
    match args.first().map(String::as_str) {
        Some(
            variant @ ("plain" | "sdk_raw" | "sdk_attach" | "floor" | "llm_span" | "llm_span_sdk"
            | "disabled"),
        ) => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            black_box(run(variant, n));
        }
        _ => {
            for variant in [
                "plain",
                "sdk_raw",
                "sdk_attach",
                "floor",
                "llm_span",
                "llm_span_sdk",
                "disabled",
            ] {
                black_box(run(variant, 1000));
            }
        }
    }
}
