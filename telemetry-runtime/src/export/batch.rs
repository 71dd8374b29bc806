//! A bounded batch queue drained by a task on the export runtime.
//!
//! The application's thread only ever calls [`BatchQueue::push`], a non-blocking `try_send`:
//! when the queue is full the item is dropped and counted. Memory is bounded by the queue
//! size plus one batch in flight. Each export is bounded by the export timeout, so a
//! collector that never answers costs dropped items, never a blocked caller.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::task::{Context, Poll};
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

use super::rate_limited_warning::RateLimitedWarning;
use super::size::HeapSize;
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
    /// Each item with its estimated size.
    items: mpsc::Sender<(T, usize)>,
    /// Bytes queued and in the batch being exported; at most `max_bytes`.
    bytes: Arc<AtomicUsize>,
    max_bytes: usize,
    control: mpsc::UnboundedSender<Control>,
    stats: Arc<ExportStats>,
    signal: Signal,
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

impl<T: HeapSize + Send + 'static> BatchQueue<T> {
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
        let bytes = Arc::new(AtomicUsize::new(0));
        let (control, control_rx) = mpsc::unbounded_channel();
        let warning = RateLimitedWarning::new(signal, warning_interval);
        let max_bytes = config.max_queue_bytes;
        let worker = Worker {
            exporter,
            config,
            stats: stats.clone(),
            warning,
            bytes: bytes.clone(),
            batch_bytes: 0,
        };
        // Made here, not in the task: a task dropped before its first poll marks it too.
        let guard = StopGuard {
            stats: stats.clone(),
            clean: false,
        };
        runtime.spawn(worker.run(rx, control_rx, guard));
        Self {
            items,
            bytes,
            max_bytes,
            control,
            stats,
            signal,
        }
    }

    /// Queues one item without blocking; drops and counts it when the queue is full, or when
    /// the worker has stopped (reported once).
    pub(crate) fn push(&self, item: T) {
        let size = item.heap_size();
        // Reserved before it is queued, released when its batch is exported.
        if self.bytes.fetch_add(size, Ordering::Relaxed) + size > self.max_bytes {
            self.bytes.fetch_sub(size, Ordering::Relaxed);
            ExportStats::add(&self.stats.dropped_queue_bytes, 1);
            return;
        }
        match self.items.try_send((item, size)) {
            Ok(()) => {}
            Err(error) => {
                self.bytes.fetch_sub(size, Ordering::Relaxed);
                match error {
                    TrySendError::Full(_) => ExportStats::add(&self.stats.dropped_queue_full, 1),
                    TrySendError::Closed(_) => {
                        ExportStats::add(&self.stats.dropped_worker_stopped, 1);
                        self.report_stopped();
                    }
                }
            }
        }
    }

    /// Bytes queued and in the batch being exported now.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Warns once that the worker stopped, if it did without being shut down.
    fn report_stopped(&self) {
        if self.stats.worker_stopped()
            && !self
                .stats
                .worker_stop_reported
                .swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                target: super::rate_limited_warning::INTERNAL_TARGET,
                code = "TR-W101",
                signal = self.signal.as_str(),
                "the {} export worker has stopped: nothing is exported any more, every later item is dropped and counted (status().{}.dropped_worker_stopped)",
                self.signal.as_str(),
                self.signal.as_str(),
            );
        }
    }

    /// The error of a flush or shutdown that found the worker stopped.
    fn stopped_error(&self) -> OTelSdkError {
        OTelSdkError::InternalFailure(format!(
            "the {} export worker has stopped; {} items dropped since",
            self.signal.as_str(),
            self.stats.dropped_worker_stopped()
        ))
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
        let answered = match self.control.send(make(ack)) {
            Ok(()) => done.recv_timeout(timeout),
            Err(_) => Err(std_mpsc::RecvTimeoutError::Disconnected),
        };
        match answered {
            Ok(()) => Ok(()),
            Err(std_mpsc::RecvTimeoutError::Timeout) => Err(OTelSdkError::Timeout(timeout)),
            // No worker took the request: shut down before (fine), or stopped on its own.
            Err(std_mpsc::RecvTimeoutError::Disconnected) => {
                if self.stats.worker_shut_down.load(Ordering::Relaxed) {
                    return Ok(());
                }
                self.report_stopped();
                Err(self.stopped_error())
            }
        }
    }
}

struct Worker<E: BatchExport> {
    exporter: E,
    config: BatchConfig,
    stats: Arc<ExportStats>,
    warning: RateLimitedWarning,
    /// The queue's byte count, shared with its handle.
    bytes: Arc<AtomicUsize>,
    /// Bytes of the current batch, released when it is exported.
    batch_bytes: usize,
}

/// Marks the worker stopped when it ends other than by a shutdown request: its runtime
/// dropped the task, or it panicked outside an export.
struct StopGuard {
    stats: Arc<ExportStats>,
    clean: bool,
}

impl Drop for StopGuard {
    fn drop(&mut self) {
        if !self.clean {
            self.stats.worker_stopped.store(true, Ordering::Relaxed);
        }
    }
}

/// A future whose panic is an `Err` instead of the end of the task that polls it.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

impl<E: BatchExport> Worker<E> {
    async fn run(
        mut self,
        mut items: mpsc::Receiver<(E::Item, usize)>,
        mut control: mpsc::UnboundedReceiver<Control>,
        mut guard: StopGuard,
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
                    let Some(request) = request else {
                        // The queue's handle is gone: what it queued is exported, then done.
                        self.drain(&mut items, &mut batch, max_batch).await;
                        guard.clean = true;
                        return;
                    };
                    self.drain(&mut items, &mut batch, max_batch).await;
                    match request {
                        Control::Flush(ack) => {
                            let _ = ack.send(());
                        }
                        Control::Shutdown(ack) => {
                            self.exporter.shutdown();
                            guard.clean = true;
                            self.stats.worker_shut_down.store(true, Ordering::Relaxed);
                            let _ = ack.send(());
                            return;
                        }
                    }
                }
                item = items.recv() => {
                    let Some((item, size)) = item else {
                        // Every sender is gone: the partial batch is exported, not lost.
                        if !batch.is_empty() {
                            self.export(&mut batch, max_batch).await;
                        }
                        guard.clean = true;
                        return;
                    };
                    batch.push(item);
                    self.batch_bytes += size;
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
        items: &mut mpsc::Receiver<(E::Item, usize)>,
        batch: &mut Vec<E::Item>,
        max_batch: usize,
    ) {
        loop {
            while batch.len() < max_batch {
                match items.try_recv() {
                    Ok((item, size)) => {
                        batch.push(item);
                        self.batch_bytes += size;
                    }
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
        // An exporter that panics fails its batch; the worker goes on.
        let export = CatchUnwind(Box::pin(self.exporter.export(items)));
        let outcome = tokio::time::timeout(self.config.export_timeout, export).await;
        // The batch is gone (sent, or dropped with the future): its bytes are free.
        self.bytes
            .fetch_sub(std::mem::take(&mut self.batch_bytes), Ordering::Relaxed);
        match outcome {
            Ok(Ok(Ok(()))) => ExportStats::add(&self.stats.exported, n),
            Ok(Ok(Err(error))) => {
                ExportStats::add(&self.stats.dropped_export_failed, n);
                self.warning.record_error(error.to_string());
            }
            Ok(Err(())) => {
                ExportStats::add(&self.stats.dropped_export_failed, n);
                self.warning
                    .record_error("the exporter panicked".to_owned());
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

#[cfg(test)]
mod tests {
    use super::*;

    impl HeapSize for u32 {
        fn heap_size(&self) -> usize {
            *self as usize
        }
    }

    /// Panics on its first export, succeeds after.
    struct PanicsOnce(Arc<AtomicUsize>);

    impl BatchExport for PanicsOnce {
        type Item = u32;

        async fn export(&self, _batch: Vec<u32>) -> OTelSdkResult {
            if self.0.fetch_add(1, Ordering::Relaxed) == 0 {
                panic!("exporter bug");
            }
            Ok(())
        }

        fn shutdown(&self) {}
    }

    fn export_runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap()
    }

    fn config() -> BatchConfig {
        BatchConfig {
            max_queue_size: 16,
            schedule_delay: Duration::from_secs(60),
            max_export_batch_size: 4,
            export_timeout: Duration::from_secs(5),
            max_queue_bytes: 1 << 20,
        }
    }

    fn queue(
        runtime: &tokio::runtime::Runtime,
    ) -> (BatchQueue<u32>, Arc<ExportStats>, Arc<AtomicUsize>) {
        let stats = Arc::new(ExportStats::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let queue = BatchQueue::start(
            runtime.handle(),
            PanicsOnce(calls.clone()),
            config(),
            Signal::Traces,
            stats.clone(),
            Duration::from_secs(60),
        );
        (queue, stats, calls)
    }

    #[test]
    fn a_panicking_exporter_fails_its_batch_and_the_worker_goes_on() {
        let runtime = export_runtime();
        let (queue, stats, calls) = queue(&runtime);
        queue.push(1);
        queue.push(2);
        queue.flush(Duration::from_secs(5)).unwrap();
        assert_eq!(stats.dropped_export_failed.load(Ordering::Relaxed), 2);
        queue.push(3);
        queue.flush(Duration::from_secs(5)).unwrap();
        assert_eq!(stats.exported(), 1);
        assert_eq!(calls.load(Ordering::Relaxed), 2);
        assert!(!stats.worker_stopped());
        queue.shutdown(Duration::from_secs(5)).unwrap();
        // Shut down as asked: not a stopped worker, and a second shutdown is fine.
        assert!(!stats.worker_stopped());
        queue.shutdown(Duration::from_secs(5)).unwrap();
    }

    #[test]
    fn a_worker_whose_runtime_is_gone_is_reported_and_its_drops_counted() {
        let runtime = export_runtime();
        let (queue, stats, _calls) = queue(&runtime);
        queue.push(1);
        runtime.shutdown_timeout(Duration::from_secs(5));
        assert!(stats.worker_stopped());
        for i in 0..5 {
            queue.push(i);
        }
        assert_eq!(stats.dropped_worker_stopped(), 5);
        assert_eq!(stats.dropped(), 5);
        let error = queue.flush(Duration::from_secs(1)).unwrap_err().to_string();
        assert!(
            error.contains("the traces export worker has stopped; 5 items dropped since"),
            "{error}"
        );
        assert!(queue.shutdown(Duration::from_secs(1)).is_err());
        assert!(stats.worker_stop_reported.load(Ordering::Relaxed), "warned");
    }

    #[test]
    fn the_queue_holds_at_most_its_bytes_and_frees_them_when_a_batch_is_exported() {
        let runtime = export_runtime();
        let (queue, stats, calls) = queue(&runtime);
        calls.store(1, Ordering::Relaxed); // no panic
        // Items whose size is their value: 600 kB each against a 1 MiB bound.
        queue.push(600_000);
        queue.push(600_000);
        assert_eq!(stats.dropped_queue_bytes.load(Ordering::Relaxed), 1);
        assert_eq!(queue.bytes(), 600_000);
        queue.push(400_000);
        assert_eq!(queue.bytes(), 1_000_000, "fits exactly");
        queue.flush(Duration::from_secs(5)).unwrap();
        assert_eq!(queue.bytes(), 0, "exported, freed");
        assert_eq!(stats.exported(), 2);
        queue.push(600_000);
        queue.flush(Duration::from_secs(5)).unwrap();
        assert_eq!(stats.exported(), 3);
        assert_eq!(stats.dropped(), 1);
    }

    #[test]
    fn a_partial_batch_is_exported_when_the_queue_goes_away() {
        let runtime = export_runtime();
        let (queue, stats, calls) = queue(&runtime);
        calls.store(1, Ordering::Relaxed); // no panic
        queue.push(1);
        queue.push(2);
        drop(queue);
        for _ in 0..500 {
            if stats.exported() == 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            stats.exported(),
            2,
            "the two queued items were exported, not lost"
        );
        assert!(!stats.worker_stopped());
    }
}
