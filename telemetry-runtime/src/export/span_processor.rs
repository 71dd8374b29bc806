//! The span processor that feeds a bounded batch queue.

use std::sync::Arc;
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

use super::batch::{BatchExport, BatchQueue};

/// Adapts a [`SpanExporter`] to the batch task.
#[derive(Debug)]
pub(crate) struct SpanBatchExport<E>(pub E);

impl<E: SpanExporter + 'static> BatchExport for SpanBatchExport<E> {
    type Item = SpanData;

    fn export(&self, mut batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        // On the export thread: content values are replaced here, whatever set them.
        for span in &mut batch {
            crate::redaction::sink::redact_span(span);
            crate::span::flagged::mark_exported_root(span);
        }
        self.0.export(batch)
    }

    fn shutdown(&self) {
        let _ = self.0.shutdown_with_timeout(Duration::from_millis(100));
    }
}

/// Queues ended spans for export without ever blocking the thread that ends them.
#[derive(Debug)]
pub(crate) struct BoundedBatchSpanProcessor {
    queue: Arc<BatchQueue<SpanData>>,
}

impl BoundedBatchSpanProcessor {
    pub(crate) fn new(queue: Arc<BatchQueue<SpanData>>) -> Self {
        Self { queue }
    }
}

impl SpanProcessor for BoundedBatchSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, mut span: SpanData) {
        if span.span_context.is_sampled() {
            super::limits::limit_span(&mut span);
            self.queue.push(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.queue.flush(Duration::from_secs(5))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.queue.shutdown(timeout)
    }
}
