//! The log record processor that feeds a bounded batch queue.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, LogProcessor, SdkLogRecord};

use super::batch::{BatchExport, BatchQueue};

/// One queued log record with the scope that emitted it.
pub(crate) type QueuedLog = (SdkLogRecord, InstrumentationScope);

/// Adapts a [`LogExporter`] to the batch task.
#[derive(Debug)]
pub(crate) struct LogBatchExport<E>(pub E);

impl<E: LogExporter + 'static> BatchExport for LogBatchExport<E> {
    type Item = QueuedLog;

    async fn export(&self, batch: Vec<QueuedLog>) -> OTelSdkResult {
        // On the export thread: content values are replaced here, whatever set them.
        let batch: Vec<QueuedLog> = batch
            .into_iter()
            .map(|(record, scope)| (crate::redaction::sink::redact_log(record), scope))
            .collect();
        let refs: Vec<(&SdkLogRecord, &InstrumentationScope)> = batch
            .iter()
            .map(|(record, scope)| (record, scope))
            .collect();
        self.0.export(LogBatch::new(&refs)).await
    }

    fn shutdown(&self) {
        let _ = self.0.shutdown_with_timeout(Duration::from_millis(100));
    }
}

/// Queues log records for export without ever blocking the thread that emits them.
#[derive(Debug)]
pub(crate) struct BoundedBatchLogProcessor {
    queue: Arc<BatchQueue<QueuedLog>>,
}

impl BoundedBatchLogProcessor {
    pub(crate) fn new(queue: Arc<BatchQueue<QueuedLog>>) -> Self {
        Self { queue }
    }
}

impl LogProcessor for BoundedBatchLogProcessor {
    fn emit(&self, record: &mut SdkLogRecord, scope: &InstrumentationScope) {
        self.queue.push((record.clone(), scope.clone()));
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.queue.flush(Duration::from_secs(5))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.queue.shutdown(timeout)
    }
}
