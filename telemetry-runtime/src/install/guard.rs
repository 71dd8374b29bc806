//! [`TelemetryGuard`]: keeps telemetry installed, and shuts every provider down in parallel
//! within the export timeout when the first guard is dropped.

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError, mpsc};
use std::time::{Duration, Instant};

use crate::config::{Config, ExporterKind, SignalConfig};
use crate::status::Status;

use super::Installed;

/// Keeps telemetry installed. Dropping the guard returned by the first `init()` flushes and
/// shuts down every provider, waiting at most the export timeout even when the collector
/// hangs. Guards returned by later `init()` calls share the state and do nothing on drop.
///
/// Keep it for the program's lifetime: `let _guard = init()?;`. `let _ = init()` drops it at
/// once and shuts telemetry down for good; that is warned about (`TR-W102`), and every later
/// `init()` returns [`InitError::ShutDown`](crate::InitError::ShutDown).
///
/// Dropping it blocks the calling thread for up to the export timeout (a hung collector). In
/// an async `main`, end with [`shutdown_async`](Self::shutdown_async)`.await` instead, which
/// leaves the runtime's worker threads free.
#[must_use = "dropping the guard shuts telemetry down; keep it alive for the program's lifetime"]
pub struct TelemetryGuard {
    pub(super) state: Arc<Installed>,
    pub(super) owner: bool,
}

impl fmt::Debug for TelemetryGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryGuard")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

impl TelemetryGuard {
    /// What is active.
    pub fn status(&self) -> Status {
        self.state.status()
    }

    /// Whether dropping this guard shuts telemetry down (only the first `init()`'s does).
    pub fn is_owner(&self) -> bool {
        self.owner
    }

    /// Flushes and shuts down now; returns how long it took (at most about the export timeout).
    /// Blocks the calling thread meanwhile: inside an async runtime use
    /// [`shutdown_async`](Self::shutdown_async).
    pub fn shutdown(self) -> Duration {
        let started = Instant::now();
        drop(self);
        started.elapsed()
    }

    /// [`shutdown`](Self::shutdown) on a thread of its own, awaited: the async runtime's
    /// threads keep running other tasks while a hung collector uses up the export timeout.
    ///
    /// ```no_run
    /// # async fn serve() {}
    /// #[tokio::main]
    /// async fn main() -> Result<(), telemetry_runtime::InitError> {
    ///     let guard = telemetry_runtime::init()?;
    ///     serve().await;
    ///     guard.shutdown_async().await;
    ///     Ok(())
    /// }
    /// ```
    pub async fn shutdown_async(self) -> Duration {
        let started = Instant::now();
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("telemetry-shutdown".to_owned())
            .spawn(move || {
                drop(self);
                let _ = done.send(());
            });
        // Without a thread (none could be started) the closure, and the guard with it, was
        // dropped here: the shutdown has already run.
        if spawned.is_ok() {
            let _ = finished.await;
        }
        started.elapsed()
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if self.owner {
            self.state.shutdown();
        }
    }
}

impl Installed {
    /// Shuts every provider down in parallel, waiting at most the shutdown budget in all.
    fn shutdown(&self) {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return;
        }
        self.warn_if_dropped_at_once();
        let budget = self.shutdown_budget;
        let deadline = Instant::now() + budget;
        let (done, finished) = mpsc::channel::<()>();
        let mut pending = 0;
        let mut spawn = |name: &str, work: Box<dyn FnOnce() + Send>| {
            let done = done.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("telemetry-shutdown-{name}"))
                .spawn(move || {
                    work();
                    let _ = done.send(());
                });
            if spawned.is_ok() {
                pending += 1;
            }
        };
        if let Some(p) = self.tracer_provider.clone() {
            spawn(
                "traces",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        if let Some(p) = self.logger_provider.clone() {
            spawn(
                "logs",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        if let Some(p) = self.meter_provider.clone() {
            spawn(
                "metrics",
                Box::new(move || drop(p.shutdown_with_timeout(budget))),
            );
        }
        for _ in 0..pending {
            let left = deadline.saturating_duration_since(Instant::now());
            if finished.recv_timeout(left).is_err() {
                break;
            }
        }
        #[cfg(feature = "otlp")]
        if let Some(runtime) = self
            .export
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .runtime
            .take()
        {
            runtime.shutdown_background();
        }
        #[cfg(not(feature = "otlp"))]
        let _ = PoisonError::<()>::into_inner;
    }
}

/// A shutdown this soon after `init()`, before any span or event was recorded, is the guard
/// thrown away at once (`let _ = init()`).
const AT_ONCE: Duration = Duration::from_millis(100);

impl Installed {
    fn warn_if_dropped_at_once(&self) {
        if self.installed_at.elapsed() < AT_ONCE && !crate::span::tracer::used() {
            tracing::warn!(
                target: "telemetry_runtime::init",
                code = "TR-W102",
                "telemetry is shut down {:?} after init(): the guard it returned was dropped at once (`let _ = init()` drops it). Keep it for the program's lifetime: `let _guard = init()?;`",
                self.installed_at.elapsed(),
            );
        }
    }
}

/// The longest any provider may take to shut down: the export timeout of the slowest active
/// signal (an export in flight is abandoned after it).
pub(super) fn shutdown_budget(config: &Config) -> Duration {
    let otlp = |s: &SignalConfig, export_timeout: Duration| {
        (s.exporter == ExporterKind::Otlp).then(|| s.timeout.min(export_timeout))
    };
    [
        otlp(&config.traces, config.span_batch.export_timeout),
        otlp(&config.logs, config.log_batch.export_timeout),
        otlp(&config.metrics, config.metric_export_timeout),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(Duration::from_secs(1))
}
