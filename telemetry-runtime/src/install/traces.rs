//! The tracer provider: the sampler, and the span processors of the configured exporter and
//! of the OTLP JSON file.

use std::sync::Arc;

use opentelemetry_sdk::trace::{SdkTracerProvider, SpanLimits, SpanProcessor};

use crate::config::{AttributeLimits, ConfigWarning, ExporterKind};
use crate::console::ConsoleSpanProcessor;
use crate::export::stats::ExportStats;
use crate::sampler;
use crate::span::direct::{self, DirectTracer};

use super::export::SignalInputs;

/// The SDK's count limits (it counts what they drop in each span's `dropped_*` fields); the
/// value length limit is the export path's ([`crate::export::limits`]).
fn span_limits(limits: &AttributeLimits) -> SpanLimits {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    SpanLimits {
        max_events_per_span: n(limits.span_event_count),
        max_attributes_per_span: n(limits.span_attribute_count),
        max_links_per_span: n(limits.span_link_count),
        max_attributes_per_event: n(limits.event_attribute_count),
        max_attributes_per_link: n(limits.link_attribute_count),
    }
}

/// The provider of `config`, and the direct engine contract spans are recorded with, which ends
/// spans in the same processors (see [`direct`](crate::span::direct)); a processor that cannot
/// be built is a warning, not an error.
pub(super) fn provider(
    inputs: &SignalInputs<'_>,
    stats: &Arc<ExportStats>,
    warnings: &mut Vec<ConfigWarning>,
) -> (SdkTracerProvider, DirectTracer) {
    let SignalInputs {
        config,
        resource,
        otlp,
    } = *inputs;
    let mut processors: Vec<Arc<dyn SpanProcessor>> = Vec::new();
    match config.traces.exporter {
        #[cfg(feature = "otlp")]
        ExporterKind::Otlp => match otlp.map(|otlp| {
            otlp.span_processor(&config.traces, resource, config.span_batch, stats.clone())
        }) {
            Some(Ok(processor)) => processors.push(Arc::new(processor)),
            Some(Err(e)) => warnings.push(super::export::exporter_unavailable("traces", e)),
            None => {}
        },
        ExporterKind::Console => processors.push(Arc::new(ConsoleSpanProcessor::stdout())),
        _ => {}
    }
    #[cfg(not(feature = "otlp"))]
    let _ = (otlp, stats);
    if let Some(path) = &config.code.traces_json_file {
        #[cfg(feature = "otlp")]
        {
            let mut processor = crate::export::json_file::JsonFileSpanProcessor::new(
                path,
                crate::export::json_file::MAX_SPANS,
            )
            .with_stats(stats.clone());
            // Set here: the provider only sees it behind the shared handle.
            processor.set_resource(resource);
            processors.push(Arc::new(processor));
        }
        #[cfg(not(feature = "otlp"))]
        warnings.push(super::export::feature_missing(
            "otlp",
            "the OTLP JSON file of traces",
            path,
        ));
    }
    let stats = stats.clone();
    direct::pipeline::provider(
        SdkTracerProvider::builder().with_resource(resource.clone()),
        sampler::build(config.sampler),
        span_limits(&config.limits),
        processors,
        (
            config.span_batch.max_queue_size,
            config.span_batch.max_queue_bytes,
        ),
        Box::new(move |n| {
            stats
                .dropped_queue_full
                .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }),
    )
}
