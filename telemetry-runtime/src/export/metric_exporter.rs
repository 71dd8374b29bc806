//! Runs a push metric exporter on the export runtime, bounded by the export timeout.

use std::sync::Arc;
use std::time::Duration;

use super::stats::ExportStats;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
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

impl<E: PushMetricExporter> PushMetricExporter for OnExportRuntime<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
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
