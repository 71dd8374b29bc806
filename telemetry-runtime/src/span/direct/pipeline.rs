//! What directly recorded spans are exported through: the span processors of the SDK provider
//! `init()` builds, shared with it, the first of which drains the buffers whenever the provider
//! is flushed or shut down.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    Sampler, SdkTracerProvider, Span, SpanData, SpanLimits, SpanProcessor, TracerProviderBuilder,
};

use super::DirectTracer;
use super::buffer::{self, Batch, Record};
use crate::global_slot::GlobalSlot;

/// The processors directly recorded spans end in, and the scope they carry.
struct Pipeline {
    processors: Vec<Arc<dyn SpanProcessor>>,
    scope: InstrumentationScope,
    shut_down: Arc<AtomicBool>,
    on_dropped: DropCounter,
}

/// Counts spans dropped before they reached the processors.
pub(crate) type DropCounter = Box<dyn Fn(usize) + Send + Sync>;

static PIPELINE: GlobalSlot<Pipeline> = GlobalSlot::new();

/// A processor the SDK provider and the direct pipeline share: registered with the provider
/// through this wrapper, and held by the pipeline as is. The first one also drains: on every
/// flush and shutdown of the provider it first moves the spans still in the threads' buffers to
/// the processors, and after shutdown contract spans are no longer recorded (as the SDK
/// tracer's spans are not). (A processor of its own would cost every SDK span a copy: the
/// provider copies a span for each processor but the last.)
#[derive(Debug)]
struct SharedProcessor {
    inner: Arc<dyn SpanProcessor>,
    /// Set on the first processor only.
    drains: Option<Arc<AtomicBool>>,
}

impl SpanProcessor for SharedProcessor {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx)
    }

    fn on_end(&self, span: SpanData) {
        self.inner.on_end(span)
    }

    fn force_flush(&self) -> OTelSdkResult {
        if self.drains.is_some() {
            buffer::drain();
        }
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        if let Some(shut_down) = &self.drains {
            buffer::drain();
            shut_down.store(true, Ordering::Release);
        }
        self.inner.shutdown_with_timeout(timeout)
    }
}

/// The SDK provider of `builder` with `sampler`, `limits` and `processors`, and the direct
/// tracer that ends contract spans in the same processors (installed as their pipeline).
/// `max_records` and `max_bytes` bound what waits for the collector; what they drop is counted
/// with `on_dropped`.
pub(crate) fn provider(
    builder: TracerProviderBuilder,
    sampler: Sampler,
    limits: SpanLimits,
    processors: Vec<Arc<dyn SpanProcessor>>,
    bounds: (usize, usize),
    on_dropped: DropCounter,
) -> (SdkTracerProvider, DirectTracer) {
    let shut_down = install(
        processors.clone(),
        InstrumentationScope::builder(crate::constants::INSTRUMENTATION_SCOPE).build(),
        bounds.0,
        bounds.1,
        on_dropped,
    );
    let mut builder = builder
        .with_sampler(sampler.clone())
        .with_span_limits(limits);
    for (i, inner) in processors.into_iter().enumerate() {
        let drains = (i == 0).then(|| shut_down.clone());
        builder = builder.with_span_processor(SharedProcessor { inner, drains });
    }
    (builder.build(), DirectTracer::new(sampler, limits))
}

/// Installs the pipeline directly recorded spans end in, and returns its shut-down flag.
fn install(
    processors: Vec<Arc<dyn SpanProcessor>>,
    scope: InstrumentationScope,
    max_records: usize,
    max_bytes: usize,
    on_dropped: DropCounter,
) -> Arc<AtomicBool> {
    // What the previous pipeline still has waiting goes to it, not to this one.
    buffer::drain();
    super::clock::calibrate();
    buffer::set_bounds(max_records, max_bytes);
    let shut_down = Arc::new(AtomicBool::new(false));
    PIPELINE.install(Pipeline {
        processors,
        scope,
        shut_down: shut_down.clone(),
        on_dropped,
    });
    buffer::start_collector();
    shut_down
}

/// Counts `n` spans dropped because the collector was behind.
pub(crate) fn count_dropped(n: usize) {
    if let Some(pipeline) = PIPELINE.get() {
        (pipeline.on_dropped)(n);
    }
}

/// Whether spans are no longer recorded: no pipeline, or its provider was shut down.
#[inline]
pub(crate) fn is_shut_down() -> bool {
    PIPELINE
        .get()
        .is_none_or(|p| p.shut_down.load(Ordering::Relaxed))
}

/// Hands ended spans to the pipeline's processors (on the collector thread, or the thread that
/// flushes).
pub(crate) fn export(batch: &mut Batch) {
    let Some(pipeline) = PIPELINE.get() else {
        batch.take_each(drop);
        return;
    };
    batch.take_each(|record| {
        let span = span_data(record, &pipeline.scope);
        match pipeline.processors.as_slice() {
            [] => {}
            [one] => one.on_end(span),
            many => {
                for processor in many {
                    processor.on_end(span.clone());
                }
            }
        }
    });
}

/// The SDK's export form of a record.
fn span_data(record: Record, scope: &InstrumentationScope) -> SpanData {
    let Record { context, data, end } = record;
    let (events, links) = data
        .extras
        .map(|extras| (extras.events, extras.links))
        .unwrap_or_default();
    SpanData {
        span_context: context,
        parent_span_id: data.parent_span_id,
        parent_span_is_remote: data.parent_span_is_remote,
        span_kind: data.span_kind,
        name: data.name,
        start_time: data.start.to_system_time(),
        end_time: end.to_system_time(),
        attributes: data.attributes,
        dropped_attributes_count: data.dropped_attributes_count,
        events,
        links,
        status: data.status,
        instrumentation_scope: scope.clone(),
    }
}
