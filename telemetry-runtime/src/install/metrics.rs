//! The meter provider: one provider with every reader asked for, the configured exporter's
//! and, when asked, the Prometheus pull reader.

use std::sync::Arc;

use opentelemetry_sdk::metrics::{Instrument, PeriodicReader, SdkMeterProvider, Stream};

use crate::config::{ConfigWarning, ExporterKind};
use crate::export::stats::ExportStats;

use super::export::SignalInputs;

/// The largest cardinality limit taken (the SDK sizes a map by it).
const MAX_CARDINALITY_LIMIT: usize = 1 << 20;

/// The provider of `config`, if it has a reader; a reader that cannot be built is a warning.
pub(super) fn provider(
    inputs: &SignalInputs<'_>,
    stats: &Arc<ExportStats>,
    warnings: &mut Vec<ConfigWarning>,
) -> Option<SdkMeterProvider> {
    let SignalInputs {
        config,
        resource,
        otlp,
    } = *inputs;
    // Every instrument's cardinality limit: past it, the overflow series.
    let limit = config
        .code
        .metric_cardinality_limit
        .clamp(1, MAX_CARDINALITY_LIMIT);
    let mut meter = SdkMeterProvider::builder()
        .with_resource(resource.clone())
        .with_view(move |_: &Instrument| {
            Stream::builder().with_cardinality_limit(limit).build().ok()
        });
    let mut readers = 0;
    match config.metrics.exporter {
        #[cfg(feature = "otlp")]
        ExporterKind::Otlp => match otlp.map(|otlp| {
            otlp.metric_reader(&config.metrics, config.metric_export_timeout, stats.clone())
        }) {
            Some(Ok(reader)) => {
                meter = meter.with_reader(
                    PeriodicReader::builder(reader)
                        .with_interval(config.metric_export_interval)
                        .build(),
                );
                readers += 1;
            }
            Some(Err(e)) => warnings.push(super::export::exporter_unavailable("metrics", e)),
            None => {}
        },
        ExporterKind::Console => {
            meter = meter.with_reader(
                PeriodicReader::builder(opentelemetry_stdout::MetricExporter::default())
                    .with_interval(config.metric_export_interval)
                    .build(),
            );
            readers += 1;
        }
        _ => {}
    }
    #[cfg(not(feature = "otlp"))]
    let _ = (otlp, stats);
    if config.code.prometheus {
        #[cfg(feature = "prometheus")]
        match crate::prometheus::reader() {
            Ok(reader) => {
                meter = meter.with_reader(reader);
                readers += 1;
            }
            Err(e) => warnings.push(ConfigWarning {
                code: crate::config::WarningCode::ExporterUnavailable,
                message: format!("the Prometheus reader could not be built: {e}"),
            }),
        }
        #[cfg(not(feature = "prometheus"))]
        warnings.push(super::export::feature_missing(
            "prometheus",
            "the Prometheus metrics",
            "/metrics",
        ));
    }
    (readers > 0).then(|| meter.build())
}
