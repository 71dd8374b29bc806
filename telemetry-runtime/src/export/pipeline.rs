//! Assembling the OTLP processors and reader on the export runtime.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::batch::BatchQueue;
use super::log_processor::{BoundedBatchLogProcessor, LogBatchExport};
use super::metric_exporter::OnExportRuntime;
use super::otlp::{self, BuildError};
use super::span_processor::{BoundedBatchSpanProcessor, SpanBatchExport};
use super::stats::ExportStats;
use crate::config::{BatchConfig, Protocol, Signal, SignalConfig};

/// Builds OTLP pipelines whose network work all happens on `runtime`.
pub(crate) struct Otlp {
    pub(crate) runtime: tokio::runtime::Handle,
    pub(crate) warning_interval: Duration,
}

/// One export may take the exporter's request timeout or the batch export timeout, whichever
/// is shorter.
fn bounded(mut batch: BatchConfig, signal: &SignalConfig) -> BatchConfig {
    batch.export_timeout = batch.export_timeout.min(signal.timeout);
    batch
}

impl Otlp {
    /// Spans go through the toolkit's own exporter (requests encoded straight from
    /// `SpanData`), over gRPC or HTTP/protobuf.
    pub(crate) fn span_processor(
        &self,
        signal: &SignalConfig,
        resource: &Resource,
        batch: BatchConfig,
        stats: Arc<ExportStats>,
    ) -> Result<BoundedBatchSpanProcessor, BuildError> {
        let batch = bounded(batch, signal);
        let _entered = self.runtime.enter();
        let queue = match signal.protocol {
            Protocol::Grpc => self.span_queue(
                super::grpc_span_exporter::exporter(signal)?,
                resource,
                batch,
                stats,
            ),
            Protocol::HttpProtobuf => self.span_queue(
                super::http_span_exporter::exporter(signal)?,
                resource,
                batch,
                stats,
            ),
        };
        Ok(BoundedBatchSpanProcessor::new(Arc::new(queue)))
    }

    fn span_queue<E: SpanExporter + 'static>(
        &self,
        mut exporter: E,
        resource: &Resource,
        batch: BatchConfig,
        stats: Arc<ExportStats>,
    ) -> BatchQueue<SpanData> {
        exporter.set_resource(resource);
        BatchQueue::start(
            &self.runtime,
            SpanBatchExport(exporter),
            batch,
            Signal::Traces,
            stats,
            self.warning_interval,
        )
    }

    pub(crate) fn log_processor(
        &self,
        signal: &SignalConfig,
        resource: &Resource,
        batch: BatchConfig,
        stats: Arc<ExportStats>,
    ) -> Result<BoundedBatchLogProcessor, BuildError> {
        let mut exporter = {
            let _entered = self.runtime.enter();
            otlp::log_exporter(signal)?
        };
        opentelemetry_sdk::logs::LogExporter::set_resource(&mut exporter, resource);
        let queue = BatchQueue::start(
            &self.runtime,
            LogBatchExport(exporter),
            bounded(batch, signal),
            Signal::Logs,
            stats,
            self.warning_interval,
        );
        Ok(BoundedBatchLogProcessor::new(Arc::new(queue)))
    }

    pub(crate) fn metric_reader(
        &self,
        signal: &SignalConfig,
        export_timeout: Duration,
        stats: Arc<ExportStats>,
    ) -> Result<OnExportRuntime<opentelemetry_otlp::MetricExporter>, BuildError> {
        let inner = {
            let _entered = self.runtime.enter();
            otlp::metric_exporter(signal)?
        };
        Ok(OnExportRuntime {
            inner,
            runtime: self.runtime.clone(),
            timeout: export_timeout.min(signal.timeout),
            stats,
        })
    }
}
