//! Warnings about failing export, logged at most once per interval.

use std::time::{Duration, Instant};

use super::stats::ExportStats;
use crate::config::Signal;

/// The log target of the toolkit's own diagnostics. The OpenTelemetry layers ignore it, so a
/// failing export is never fed back into the export pipeline.
pub(crate) const INTERNAL_TARGET: &str = "telemetry_runtime::export";

/// Tracks what was last reported and logs a summary when something new went wrong and the
/// interval has passed since the previous warning.
#[derive(Debug)]
pub(crate) struct RateLimitedWarning {
    signal: Signal,
    interval: Duration,
    last_warned: Option<Instant>,
    reported_dropped: u64,
    last_error: Option<String>,
}

impl RateLimitedWarning {
    pub(crate) fn new(signal: Signal, interval: Duration) -> Self {
        Self {
            signal,
            interval,
            last_warned: None,
            reported_dropped: 0,
            last_error: None,
        }
    }

    pub(crate) fn record_error(&mut self, error: String) {
        // Transport errors quote the endpoint URL: never its `user:password@`.
        self.last_error = Some(crate::redaction::scrub_userinfo(&error).into_owned());
    }

    /// Logs one warning if items were dropped since the last one and the interval has passed.
    pub(crate) fn maybe_warn(&mut self, stats: &ExportStats) {
        let dropped = stats.dropped();
        if dropped == self.reported_dropped {
            return;
        }
        let now = Instant::now();
        if self
            .last_warned
            .is_some_and(|at| now.duration_since(at) < self.interval)
        {
            return;
        }
        let new = dropped - self.reported_dropped;
        self.reported_dropped = dropped;
        self.last_warned = Some(now);
        let error = self
            .last_error
            .take()
            .unwrap_or_else(|| "queue full".to_owned());
        tracing::warn!(
            target: INTERNAL_TARGET,
            code = "TR-W100",
            signal = self.signal.as_str(),
            dropped = new,
            dropped_total = dropped,
            "{} export is failing: {new} dropped since the last warning ({dropped} in all); last error: {error}",
            self.signal.as_str(),
        );
    }
}
