//! A bounded batch queue drained by a task on the export runtime.
//!
//! The application's thread only ever calls [`BatchQueue::push`], a non-blocking `try_send`:
//! when the queue is full the item is dropped and counted. Memory is bounded by the queue
//! size plus one batch in flight. Each export is bounded by the export timeout, so a
//! collector that never answers costs dropped items, never a blocked caller.

use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use tokio::sync::mpsc;

use super::rate_limited_warning::RateLimitedWarning;
use super::stats::ExportStats;
use crate::config::{BatchConfig, Signal};

/// What the batch task exports to.
pub(crate) trait BatchExport: Send + Sync + 'static {
    /// One queued item.
    type Item: Send + 'static;
    /// Exports one batch.
    fn export(&self, batch: Vec<Self::Item>) -> impl Future<Output = OTelSdkResult> + Send;
    /// Releases the exporter's resources.
    fn shutdown(&self);
}

enum Control {
    Flush(std_mpsc::SyncSender<()>),
    Shutdown(std_mpsc::SyncSender<()>),
}

/// The application-side handle of a batch queue.
pub(crate) struct BatchQueue<T> {
    items: mpsc::Sender<T>,
    control: mpsc::UnboundedSender<Control>,
    stats: Arc<ExportStats>,
}

impl<T> std::fmt::Debug for BatchQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchQueue")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Control::Flush(_) => "Flush",
            Control::Shutdown(_) => "Shutdown",
        })
    }
}

impl<T: Send + 'static> BatchQueue<T> {
    /// Starts the batch task on `runtime` and returns the handle that feeds it.
    pub(crate) fn start<E: BatchExport<Item = T>>(
        runtime: &tokio::runtime::Handle,
        exporter: E,
        config: BatchConfig,
        signal: Signal,
        stats: Arc<ExportStats>,
        warning_interval: Duration,
    ) -> Self {
        let (items, rx) = mpsc::channel(config.max_queue_size.max(1));
        let (control, control_rx) = mpsc::unbounded_channel();
        let warning = RateLimitedWarning::new(signal, warning_interval);
        let worker = Worker {
            exporter,
            config,
            stats: stats.clone(),
            warning,
        };
        runtime.spawn(worker.run(rx, control_rx));
        Self {
            items,
            control,
            stats,
        }
    }

    /// Queues one item without blocking; drops and counts it when the queue is full.
    pub(crate) fn push(&self, item: T) {
        if self.items.try_send(item).is_err() {
            ExportStats::add(&self.stats.dropped_queue_full, 1);
        }
    }

    /// Exports everything queued; waits at most `timeout`.
    pub(crate) fn flush(&self, timeout: Duration) -> OTelSdkResult {
        self.request(Control::Flush, timeout)
    }

    /// Exports everything queued and stops the task; waits at most `timeout`.
    pub(crate) fn shutdown(&self, timeout: Duration) -> OTelSdkResult {
        self.request(Control::Shutdown, timeout)
    }

    fn request(
        &self,
        make: fn(std_mpsc::SyncSender<()>) -> Control,
        timeout: Duration,
    ) -> OTelSdkResult {
        let (ack, done) = std_mpsc::sync_channel(1);
        if self.control.send(make(ack)).is_err() {
            return Ok(()); // already stopped
        }
        done.recv_timeout(timeout)
            .map_err(|_| OTelSdkError::Timeout(timeout))
    }
}

struct Worker<E: BatchExport> {
    exporter: E,
    config: BatchConfig,
    stats: Arc<ExportStats>,
    warning: RateLimitedWarning,
}

impl<E: BatchExport> Worker<E> {
    async fn run(
        mut self,
        mut items: mpsc::Receiver<E::Item>,
        mut control: mpsc::UnboundedReceiver<Control>,
    ) {
        let max_batch = self.config.max_export_batch_size.max(1);
        let mut batch = Vec::with_capacity(max_batch);
        let mut ticker = tokio::time::interval(self.config.schedule_delay);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate
        loop {
            tokio::select! {
                biased;
                request = control.recv() => {
                    let Some(request) = request else { return };
                    self.drain(&mut items, &mut batch, max_batch).await;
                    match request {
                        Control::Flush(ack) => {
                            let _ = ack.send(());
                        }
                        Control::Shutdown(ack) => {
                            self.exporter.shutdown();
                            let _ = ack.send(());
                            return;
                        }
                    }
                }
                item = items.recv() => {
                    let Some(item) = item else { return };
                    batch.push(item);
                    if batch.len() >= max_batch {
                        self.export(&mut batch, max_batch).await;
                    }
                }
                _ = ticker.tick() => {
                    if !batch.is_empty() {
                        self.export(&mut batch, max_batch).await;
                    }
                    self.warning.maybe_warn(&self.stats);
                }
            }
        }
    }

    /// Exports the current batch and everything already queued.
    async fn drain(
        &mut self,
        items: &mut mpsc::Receiver<E::Item>,
        batch: &mut Vec<E::Item>,
        max_batch: usize,
    ) {
        loop {
            while batch.len() < max_batch {
                match items.try_recv() {
                    Ok(item) => batch.push(item),
                    Err(_) => break,
                }
            }
            if batch.is_empty() {
                break;
            }
            self.export(batch, max_batch).await;
        }
        self.warning.maybe_warn(&self.stats);
    }

    async fn export(&mut self, batch: &mut Vec<E::Item>, max_batch: usize) {
        let items = std::mem::replace(batch, Vec::with_capacity(max_batch));
        let n = items.len();
        let outcome =
            tokio::time::timeout(self.config.export_timeout, self.exporter.export(items)).await;
        match outcome {
            Ok(Ok(())) => ExportStats::add(&self.stats.exported, n),
            Ok(Err(error)) => {
                ExportStats::add(&self.stats.dropped_export_failed, n);
                self.warning.record_error(error.to_string());
            }
            Err(_elapsed) => {
                ExportStats::add(&self.stats.dropped_export_failed, n);
                self.warning.record_error(format!(
                    "no answer within the export timeout of {} ms",
                    self.config.export_timeout.as_millis()
                ));
            }
        }
        self.warning.maybe_warn(&self.stats);
    }
}
