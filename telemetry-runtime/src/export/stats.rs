//! Per-signal export counters, read by `status()`.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one signal's export path. All relaxed: they are reports, not synchronisation.
#[derive(Debug, Default)]
pub(crate) struct ExportStats {
    /// Items handed to the exporter and acknowledged by the collector.
    pub exported: AtomicU64,
    /// Items dropped because the queue was full (collector slow or down).
    pub dropped_queue_full: AtomicU64,
    /// Items dropped because their export failed or timed out.
    pub dropped_export_failed: AtomicU64,
}

impl ExportStats {
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped_queue_full.load(Ordering::Relaxed)
            + self.dropped_export_failed.load(Ordering::Relaxed)
    }

    pub(crate) fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    #[cfg(feature = "otlp")]
    pub(crate) fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}
