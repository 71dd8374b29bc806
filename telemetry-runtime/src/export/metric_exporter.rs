//! Runs a push metric exporter on the export runtime, bounded by the export timeout.

use std::sync::Arc;
use std::time::Duration;

use super::stats::ExportStats;

use opentelemetry::KeyValue;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

/// The SDK's periodic reader calls `export` on its own thread; this wrapper drives the inner
/// exporter's future on the export runtime (where its connections live) and abandons it after
/// `timeout`, so a hung collector never stalls collection or shutdown.
#[derive(Debug)]
pub(crate) struct OnExportRuntime<E> {
    pub(crate) inner: E,
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) timeout: Duration,
    /// Export requests: acknowledged, or failed.
    pub(crate) stats: Arc<ExportStats>,
}

/// The instruments of `metrics` that have an overflow series: past their cardinality limit.
fn overflowed_instruments(metrics: &ResourceMetrics) -> u64 {
    fn overflowed<'a>(mut attributes: impl Iterator<Item = &'a KeyValue>) -> bool {
        attributes.any(|kv| kv.key.as_str() == "otel.metric.overflow")
    }
    fn any_point<T>(data: &MetricData<T>) -> bool {
        match data {
            MetricData::Gauge(g) => g.data_points().any(|p| overflowed(p.attributes())),
            MetricData::Sum(s) => s.data_points().any(|p| overflowed(p.attributes())),
            MetricData::Histogram(h) => h.data_points().any(|p| overflowed(p.attributes())),
            MetricData::ExponentialHistogram(h) => {
                h.data_points().any(|p| overflowed(p.attributes()))
            }
        }
    }
    let mut n = 0;
    for scope in metrics.scope_metrics() {
        for metric in scope.metrics() {
            let hit = match metric.data() {
                AggregatedMetrics::F64(d) => any_point(d),
                AggregatedMetrics::U64(d) => any_point(d),
                AggregatedMetrics::I64(d) => any_point(d),
            };
            n += u64::from(hit);
        }
    }
    n
}

impl<E: PushMetricExporter> PushMetricExporter for OnExportRuntime<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        self.stats.overflowed_instruments.store(
            overflowed_instruments(metrics),
            std::sync::atomic::Ordering::Relaxed,
        );
        let timeout = self.timeout;
        let run = async { tokio::time::timeout(timeout, self.inner.export(metrics)).await };
        // The periodic reader's thread is not a runtime thread, so blocking on the handle is
        // allowed there.
        let result = match self.runtime.block_on(run) {
            Ok(result) => result,
            Err(_) => Err(OTelSdkError::Timeout(timeout)),
        };
        let counter = match &result {
            Ok(()) => &self.stats.exported,
            Err(_) => &self.stats.dropped_export_failed,
        };
        ExportStats::add(counter, 1);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
