//! Per-signal export counters, read by `status()`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Counters of one signal's export path. All relaxed: they are reports, not synchronisation.
#[derive(Debug, Default)]
pub(crate) struct ExportStats {
    /// Items handed to the exporter and acknowledged by the collector.
    pub exported: AtomicU64,
    /// Items dropped because the queue was full (collector slow or down).
    pub dropped_queue_full: AtomicU64,
    /// Items dropped because the queue held its byte bound already (large items, collector
    /// slow or down).
    pub dropped_queue_bytes: AtomicU64,
    /// Items dropped because their export failed or timed out.
    pub dropped_export_failed: AtomicU64,
    /// Items dropped because the export worker had stopped (its runtime gone, or a panic
    /// outside an export): nothing exports them any more.
    pub dropped_worker_stopped: AtomicU64,
    /// The export worker stopped without being shut down.
    pub worker_stopped: AtomicBool,
    /// The stopped worker was reported (once).
    #[cfg_attr(not(feature = "otlp"), allow(dead_code))]
    pub worker_stop_reported: AtomicBool,
    /// The worker was shut down as asked.
    #[cfg_attr(not(feature = "otlp"), allow(dead_code))]
    pub worker_shut_down: AtomicBool,
    /// Traces: spans the OTLP JSON file could not keep (its span or byte bound reached).
    pub dropped_file: AtomicU64,
    /// Metrics: instruments whose last export had an overflow series (past their
    /// cardinality limit).
    pub overflowed_instruments: AtomicU64,
}

impl ExportStats {
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped_queue_full.load(Ordering::Relaxed)
            + self.dropped_queue_bytes.load(Ordering::Relaxed)
            + self.dropped_export_failed.load(Ordering::Relaxed)
            + self.dropped_worker_stopped.load(Ordering::Relaxed)
    }

    /// Items dropped because the worker had stopped.
    pub(crate) fn dropped_worker_stopped(&self) -> u64 {
        self.dropped_worker_stopped.load(Ordering::Relaxed)
    }

    /// Whether the export worker stopped without being shut down.
    pub(crate) fn worker_stopped(&self) -> bool {
        self.worker_stopped.load(Ordering::Relaxed)
    }

    pub(crate) fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    #[cfg(feature = "otlp")]
    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}
