//! The functions both benches measure: the same span written as a plain fn, with the raw SDK,
//! and with `#[llm_span]`, and the processor of set-up B.

use std::hint::black_box;
use std::time::Duration;

use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanProcessor};

pub const SCOPE: &str = "telemetry-runtime";
pub const MODEL: &str = "gpt-4o-mini";
pub const MAX_TOKENS: i64 = 256;
pub const TEMPERATURE: f64 = 0.7;
pub const SERVER_PORT: i64 = 443;

/// The trivial body every variant runs.
#[inline(always)]
pub fn work(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    black_box(model.len() as f64 + max_tokens as f64 * temperature)
}

/// (i) Uninstrumented.
#[inline(never)]
pub fn plain(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    work(model, max_tokens, temperature)
}

#[inline(always)]
pub fn attributes(model: &str, max_tokens: i64, temperature: f64) -> Vec<KeyValue> {
    vec![
        KeyValue::new("gen_ai.operation.name", "chat"),
        KeyValue::new("gen_ai.provider.name", "openai"),
        KeyValue::new("gen_ai.request.model", model.to_owned()),
        KeyValue::new("gen_ai.request.max_tokens", max_tokens),
        KeyValue::new("gen_ai.request.temperature", temperature),
        KeyValue::new("server.port", SERVER_PORT),
    ]
}

/// (iii) Raw SDK calls with an explicit parent context; nothing is attached.
#[inline(never)]
pub fn sdk_raw<T: Tracer>(
    tracer: &T,
    parent_cx: &Context,
    model: &str,
    max_tokens: i64,
    temperature: f64,
) -> f64 {
    let mut span = tracer
        .span_builder("chat")
        .with_kind(SpanKind::Client)
        .with_attributes(attributes(model, max_tokens, temperature))
        .start_with_context(tracer, parent_cx);
    let out = work(model, max_tokens, temperature);
    span.end();
    out
}

/// (iii) Raw SDK calls as a real instrumentation: parent from the current context, the new
/// span's context attached while the body runs (so nested spans and logs see it).
#[inline(never)]
pub fn sdk_attach<T>(tracer: &T, model: &str, max_tokens: i64, temperature: f64) -> f64
where
    T: Tracer,
    T::Span: Send + Sync + 'static,
{
    let parent_cx = Context::current();
    let span = tracer
        .span_builder("chat")
        .with_kind(SpanKind::Client)
        .with_attributes(attributes(model, max_tokens, temperature))
        .start_with_context(tracer, &parent_cx);
    let cx = parent_cx.with_span(span);
    let guard = cx.clone().attach();
    let out = work(model, max_tokens, temperature);
    drop(guard);
    cx.span().end();
    out
}

/// What the chat span reports from its return value (the chat contract requires it).
pub struct Reply(pub f64);

impl telemetry_runtime::genai::GenerationOutcome for Reply {
    fn input_tokens(&self) -> Option<u64> {
        None
    }
    fn output_tokens(&self) -> Option<u64> {
        None
    }
}

/// (iv) The `#[llm_span]` slot: an `#[llm_span(kind = "chat")]` function with the same 6
/// attributes. It is measured under the set-up's global provider and the lean
/// tracing-opentelemetry subscriber with an entered parent, and `check_span_shapes` requires
/// exactly one child span of kind `Client` with the 6 attributes (any span name).
#[inline(never)]
#[telemetry_runtime::llm_span(
    kind = "chat",
    provider = "openai",
    model = model,
    max_tokens = max_tokens,
    temperature = temperature,
    server_port = SERVER_PORT
)]
pub fn chat_span(model: &str, max_tokens: i64, temperature: f64) -> Reply {
    Reply(work(model, max_tokens, temperature))
}

/// Inlined into the timed loop, so that `llm_span` makes one call (to the `#[inline(never)]`
/// `chat_span`) as `plain` does.
#[inline(always)]
pub fn llm_span_variant(model: &str, max_tokens: i64, temperature: f64) -> f64 {
    chat_span(model, max_tokens, temperature).0
}

/// Set-up B: drops each finished span on the calling thread.
#[derive(Debug)]
pub struct DropProcessor;

impl SpanProcessor for DropProcessor {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &Context) {}

    fn on_end(&self, span: SpanData) {
        drop(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
}

/// The floor of a contract span on the calling thread: only the pieces the span must have,
/// each done the cheapest way known, and nothing else. The parent from the current
/// context, the configured sampler (`ParentBased(AlwaysOn)`) asked with the 6 attributes,
/// a random span id, two TSC reads, the span made current for the body through the
/// OpenTelemetry context (its `Arc`, attach, detach), the model string kept without a copy
/// (a one-entry cache), and the record written into a ring of this thread whose attribute
/// vectors are reused. Left out: the name template, statistics, late attributes, a handle
/// for the body, span limits, and the hand-off of full buffers to an export thread (the
/// ring is overwritten). Not a span pipeline: the reference for what the calling thread
/// cannot do without.
pub mod floor {
    use std::cell::RefCell;
    use std::sync::LazyLock;

    use opentelemetry::trace::{SpanContext, SpanKind, TraceContextExt, TraceFlags};
    use opentelemetry::{Context, KeyValue, StringValue, Value};
    use opentelemetry_sdk::trace::{
        IdGenerator, RandomIdGenerator, Sampler, SamplingDecision, ShouldSample,
    };

    /// What the ring keeps of a span.
    #[derive(Default)]
    #[allow(dead_code)] // written for the cost of writing it; read by nothing
    struct Record {
        trace_id: u128,
        span_id: u64,
        parent_span_id: u64,
        flags: u8,
        start: Option<fastant::Instant>,
        end: Option<fastant::Instant>,
        attributes: Vec<KeyValue>,
    }

    const RING: usize = 1024;

    thread_local! {
        static RECORDS: RefCell<(usize, Vec<Record>)> = RefCell::new((
            0,
            (0..RING).map(|_| Record { attributes: Vec::with_capacity(8), ..Record::default() }).collect(),
        ));
        static LAST_MODEL: RefCell<Option<&'static str>> = const { RefCell::new(None) };
    }

    static SAMPLER: LazyLock<Sampler> =
        LazyLock::new(|| Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
    static IDS: LazyLock<RandomIdGenerator> = LazyLock::new(RandomIdGenerator::default);

    /// `model` as a `'static` string, leaked once per distinct value in a row.
    #[inline(always)]
    fn kept(model: &str) -> &'static str {
        LAST_MODEL.with(|last| {
            let mut last = last.borrow_mut();
            match *last {
                Some(m) if m == model => m,
                _ => {
                    let m: &'static str = Box::leak(model.to_owned().into_boxed_str());
                    *last = Some(m);
                    m
                }
            }
        })
    }

    /// The floor span around the trivial body.
    #[inline(never)]
    pub fn chat(model: &str, max_tokens: i64, temperature: f64) -> f64 {
        let start = fastant::Instant::now();
        let parent = Context::current();
        let parent_span = parent.span();
        let parent_cx = parent_span.span_context();
        let trace_id = if parent_cx.is_valid() {
            parent_cx.trace_id()
        } else {
            IDS.new_trace_id()
        };
        let parent_span_id = parent_cx.span_id();
        let span_id = IDS.new_span_id();
        let model = kept(model);
        let (slot, mut attributes) = RECORDS.with(|r| {
            let mut r = r.borrow_mut();
            let slot = r.0;
            r.0 = (slot + 1) % RING;
            (slot, std::mem::take(&mut r.1[slot].attributes))
        });
        attributes.clear();
        attributes.extend([
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.provider.name", "openai"),
            KeyValue::new(
                "gen_ai.request.model",
                Value::String(StringValue::from(model)),
            ),
            KeyValue::new("gen_ai.request.max_tokens", max_tokens),
            KeyValue::new("gen_ai.request.temperature", temperature),
            KeyValue::new("server.port", super::SERVER_PORT),
        ]);
        let sampled = SAMPLER.should_sample(
            Some(&parent),
            trace_id,
            "chat",
            &SpanKind::Client,
            &attributes,
            &[],
        );
        let flags = match sampled.decision {
            SamplingDecision::RecordAndSample => TraceFlags::SAMPLED,
            _ => TraceFlags::default(),
        };
        let cx = parent.with_remote_span_context(SpanContext::new(
            trace_id,
            span_id,
            flags,
            false,
            sampled.trace_state,
        ));
        let guard = cx.attach();
        let out = super::work(model, max_tokens, temperature);
        drop(guard);
        let end = fastant::Instant::now();
        RECORDS.with(|r| {
            r.borrow_mut().1[slot] = Record {
                trace_id: u128::from_be_bytes(trace_id.to_bytes()),
                span_id: u64::from_be_bytes(span_id.to_bytes()),
                parent_span_id: u64::from_be_bytes(parent_span_id.to_bytes()),
                flags: flags.to_u8(),
                start: Some(start),
                end: Some(end),
                attributes,
            }
        });
        out
    }
}
