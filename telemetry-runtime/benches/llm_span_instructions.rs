//! One variant of the `llm_span` bench, called N times in a loop, for counting instructions
//! per call under callgrind (deterministic, unlike wall time on a shared machine):
//!
//! ```text
//! cargo bench -p telemetry-runtime --bench llm_span_instructions --no-run   # prints the binary
//! valgrind --tool=callgrind <binary> llm_span 10000
//! valgrind --tool=callgrind <binary> llm_span 20000
//! ```
//!
//! The difference between the two runs' totals, over 10 000, is the cost of one call.
//! Variants: `plain`, `sdk_raw`, `sdk_attach`, `llm_span` (set-up B: a processor that drops
//! each span on the calling thread) and `disabled` (`llm_span` with no tracer installed).
//! With no variant given (as `cargo bench` and the test runner call it) each runs 1000 times.

use std::hint::black_box;
use std::time::Duration;

use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Sampler, SdkTracer, SdkTracerProvider, SpanData, SpanProcessor};
use tracing_subscriber::layer::SubscriberExt;

const MODEL: &str = "gpt-4o-mini";
const SERVER_PORT: i64 = 443;

#[inline(always)]
fn work(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    black_box(model.len() as f64 + max_tokens as f64 * temperature)
}

#[inline(never)]
fn plain(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    work(model, max_tokens, temperature)
}

#[inline(always)]
fn attributes(model: &str, max_tokens: i64, temperature: f64) -> Vec<KeyValue> {
    vec![
        KeyValue::new("gen_ai.operation.name", "chat"),
        KeyValue::new("gen_ai.provider.name", "openai"),
        KeyValue::new("gen_ai.request.model", model.to_owned()),
        KeyValue::new("gen_ai.request.max_tokens", max_tokens),
        KeyValue::new("gen_ai.request.temperature", temperature),
        KeyValue::new("server.port", SERVER_PORT),
    ]
}

#[inline(never)]
fn sdk_raw(tracer: &SdkTracer, parent_cx: &Context, model: &str, max_tokens: i64, t: f64) -> f64 {
    let mut span = tracer
        .span_builder("chat")
        .with_kind(SpanKind::Client)
        .with_attributes(attributes(model, max_tokens, t))
        .start_with_context(tracer, parent_cx);
    let out = work(model, max_tokens, t);
    span.end();
    out
}

#[inline(never)]
fn sdk_attach(tracer: &SdkTracer, model: &str, max_tokens: i64, t: f64) -> f64 {
    let parent_cx = Context::current();
    let span = tracer
        .span_builder("chat")
        .with_kind(SpanKind::Client)
        .with_attributes(attributes(model, max_tokens, t))
        .start_with_context(tracer, &parent_cx);
    let cx = parent_cx.with_span(span);
    let guard = cx.clone().attach();
    let out = work(model, max_tokens, t);
    drop(guard);
    cx.span().end();
    out
}

struct Reply(f64);

impl telemetry_runtime::genai::GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

#[inline(never)]
#[telemetry_runtime::llm_span(
    kind = "chat",
    provider = "openai",
    model = model,
    max_tokens = max_tokens,
    temperature = temperature,
    server_port = SERVER_PORT
)]
fn chat_span(model: &str, max_tokens: i64, temperature: f64) -> Reply {
    Reply(work(model, max_tokens, temperature))
}

#[derive(Debug)]
struct DropProcessor;

impl SpanProcessor for DropProcessor {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &Context) {}
    fn on_end(&self, span: SpanData) {
        drop(black_box(span));
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn run(variant: &str, n: u64) -> f64 {
    let provider = SdkTracerProvider::builder()
        .with_span_processor(DropProcessor)
        .with_sampler(Sampler::AlwaysOn)
        .build();
    let tracer = provider.tracer("telemetry-runtime");
    if variant == "disabled" {
        telemetry_runtime::span::uninstall_tracer();
    } else {
        telemetry_runtime::span::install_tracer(provider.tracer("telemetry-runtime"));
    }
    let (m, t, p) = black_box((MODEL, 256_i64, 0.7_f64));
    let mut acc = 0.0;
    match variant {
        "plain" => (0..n).for_each(|_| acc += plain(m, t, p)),
        "sdk_raw" | "sdk_attach" => {
            let parent_cx = Context::current_with_span(tracer.start("request"));
            let _attached = parent_cx.clone().attach();
            for _ in 0..n {
                acc += match variant {
                    "sdk_raw" => sdk_raw(&tracer, &parent_cx, m, t, p),
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
                (0..n).for_each(|_| acc += chat_span(m, t, p).0);
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
        Some(variant @ ("plain" | "sdk_raw" | "sdk_attach" | "llm_span" | "disabled")) => {
            let n = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
            black_box(run(variant, n));
        }
        _ => {
            for variant in ["plain", "sdk_raw", "sdk_attach", "llm_span", "disabled"] {
                black_box(run(variant, 1000));
            }
        }
    }
}
