//! The tracer provider: the sampler, and the span processors of the configured exporter and
//! of the OTLP JSON file.

use std::sync::Arc;

use opentelemetry_sdk::trace::SdkTracerProvider;

use crate::config::{ConfigWarning, ExporterKind};
use crate::console::ConsoleSpanProcessor;
use crate::export::stats::ExportStats;
use crate::sampler;

use super::export::SignalInputs;

/// The provider of `config`; a processor that cannot be built is a warning, not an error.
pub(super) fn provider(
    inputs: &SignalInputs<'_>,
    stats: &Arc<ExportStats>,
    warnings: &mut Vec<ConfigWarning>,
) -> SdkTracerProvider {
    let SignalInputs {
        config,
        resource,
        otlp,
    } = *inputs;
    let mut tracer = SdkTracerProvider::builder()
        .with_resource(resource.clone())
        .with_sampler(sampler::build(config.sampler));
    match config.traces.exporter {
        #[cfg(feature = "otlp")]
        ExporterKind::Otlp => match otlp.map(|otlp| {
            otlp.span_processor(&config.traces, resource, config.span_batch, stats.clone())
        }) {
            Some(Ok(processor)) => tracer = tracer.with_span_processor(processor),
            Some(Err(e)) => warnings.push(super::export::exporter_unavailable("traces", e)),
            None => {}
        },
        ExporterKind::Console => {
            tracer = tracer.with_span_processor(ConsoleSpanProcessor::stdout())
        }
        _ => {}
    }
    #[cfg(not(feature = "otlp"))]
    let _ = (otlp, stats);
    if let Some(path) = &config.code.traces_json_file {
        #[cfg(feature = "otlp")]
        {
            tracer =
                tracer.with_span_processor(crate::export::json_file::JsonFileSpanProcessor::new(
                    path,
                    crate::export::json_file::MAX_SPANS,
                ));
        }
        #[cfg(not(feature = "otlp"))]
        warnings.push(super::export::feature_missing(
            "otlp",
            "the OTLP JSON file of traces",
            path,
        ));
    }
    tracer.build()
}
