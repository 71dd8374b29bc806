//! Direct recording: contract spans recorded without the SDK tracer, for the pipelines
//! `init()` builds.
//!
//! The calling thread does only what a span must do there: it samples with the configured
//! sampler, takes ids from the SDK's random generator, reads a TSC clock at start and end, makes
//! the span current for its body through the OpenTelemetry context, and at the end moves the
//! span's record into a buffer of its own thread ([`buffer`]). The collector thread turns the
//! records into the SDK's [`SpanData`](opentelemetry_sdk::trace::SpanData) and hands them to
//! the same span processors the SDK provider has ([`pipeline`]), so exporters, counters,
//! limits and redaction are the ones every other span goes through.
//!
//! A processor's `on_start` is not called for directly recorded spans: the toolkit's own
//! processors do nothing in it. Spans of other instrumentation (tracing-opentelemetry,
//! `global::tracer`) still go through the SDK tracer, and a tracer installed with
//! [`install_tracer`](crate::span::install_tracer) records every contract span through the SDK.

pub(crate) mod buffer;
mod clock;
pub(crate) mod pipeline;
mod prefetch;
mod span;
mod tracer;

pub(crate) use span::DirectSpan;
pub(crate) use tracer::DirectTracer;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry_sdk::trace::{
    Sampler, SdkTracerProvider, SpanLimits, SpanProcessor, TracerProviderBuilder,
};

static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Records contract spans with the direct engine (what `init()` installs), ending them in
/// `processors` on the collector thread, and returns the SDK provider built from `builder`
/// with the same `sampler`, `limits` and `processors`, for the application's other spans
/// (tracing-opentelemetry, `global::tracer`).
///
/// The provider's `force_flush` and `shutdown` first move every span still waiting in a
/// thread's buffer to the processors. A processor's `on_start` is not called for contract
/// spans; its `on_end` is, on the collector thread. At most 2048 spans wait for the collector
/// beyond each thread's own 128 (64 MiB of values); more are dropped and counted
/// ([`direct_dropped`]).
pub fn install_direct_tracer(
    builder: TracerProviderBuilder,
    sampler: Sampler,
    limits: SpanLimits,
    processors: Vec<Arc<dyn SpanProcessor>>,
) -> SdkTracerProvider {
    let (provider, tracer) = pipeline::provider(
        builder,
        sampler,
        limits,
        processors,
        (2048, 64 << 20),
        Box::new(|n| {
            DROPPED.fetch_add(n as u64, Ordering::Relaxed);
        }),
    );
    crate::span::tracer::install_direct(tracer);
    provider
}

/// Contract spans dropped before they reached the processors of
/// [`install_direct_tracer`] because its collector was behind (`init()`'s count in
/// `status()` instead).
pub fn direct_dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}
