//! Spawned work that keeps the telemetry of the code that spawns it.
//!
//! `tokio::spawn` and `spawn_blocking` start the work with nothing of the spawner's context:
//! no current OpenTelemetry [`Context`] (so spans started there begin new traces and log
//! records carry no trace id), no current `tracing` span, and no request scope
//! ([`scope::current`] is `None`, log lines lose the request's
//! identifiers). [`spawn`] and [`spawn_blocking`] carry all three over; for another executor
//! or a thread, [`TelemetryFutureExt::in_current_telemetry`] and [`TelemetryContext`] do the
//! same by hand.
//!
//! ```
//! use telemetry_runtime::task::{self, TelemetryFutureExt};
//! use telemetry_runtime::tracing::{info, info_span, Instrument};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! async {
//!     // Runs as a child of `handler`, in the same request scope.
//!     let summary = task::spawn(async { info!("summarising"); 42 }).await.unwrap();
//!     // Blocking work (a tokenizer, a file) keeps them too.
//!     let tokens = task::spawn_blocking(|| info!("tokenizing")).await.unwrap();
//!     // Any executor: wrap the future.
//!     let handle = tokio::spawn(async { info!("wrapped") }.in_current_telemetry());
//!     handle.await.unwrap();
//!     # let _ = (summary, tokens);
//! }
//! .instrument(info_span!("handler"))
//! .await;
//! # });
//! ```
//!
//! The captured `tracing` span is kept open by the task (a span ends when its last handle
//! drops), as with `tracing::Instrument::in_current_span`: a detached task that outlives its
//! parent's work extends the parent span. Start the task's own span inside it to measure the
//! task.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::Context;
use opentelemetry::context::FutureExt as _;
use tokio::task::JoinHandle;
use tracing::Instrument as _;

use crate::scope::{self, Frame, Scoped};

/// What a spawned task needs to keep of its spawner's telemetry: the current OpenTelemetry
/// [`Context`] (span, baggage and any other value), the current `tracing` span and the
/// request scope.
///
/// [`current`](Self::current) captures them; [`in_scope`](Self::in_scope) runs a closure in
/// them (a thread, a callback), [`wrap`](Self::wrap) a future.
///
/// ```
/// use telemetry_runtime::task::TelemetryContext;
///
/// let captured = TelemetryContext::current();
/// std::thread::spawn(move || {
///     captured.in_scope(|| telemetry_runtime::tracing::info!("on a thread, in the caller's trace"))
/// })
/// .join()
/// .unwrap();
/// ```
#[derive(Clone)]
pub struct TelemetryContext {
    otel: Context,
    span: tracing::Span,
    scope: Option<Frame>,
}

impl std::fmt::Debug for TelemetryContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelemetryContext")
            .field("otel", &self.otel)
            .field("span", &self.span)
            .field("in_scope", &self.scope.is_some())
            .finish()
    }
}

impl TelemetryContext {
    /// The telemetry current here: [`Context::current`], [`tracing::Span::current`] and the
    /// request scope.
    pub fn current() -> Self {
        TelemetryContext {
            otel: Context::current(),
            span: tracing::Span::current(),
            scope: scope::current_frame(),
        }
    }

    /// The OpenTelemetry context captured.
    pub fn otel_context(&self) -> &Context {
        &self.otel
    }

    /// The `tracing` span captured ([`tracing::Span::none`] when there was none).
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Runs `f` with the captured span entered, the captured context attached and the
    /// captured scope current; all three are restored when `f` returns.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        // The span first: entering it makes its own OpenTelemetry context current
        // (tracing-opentelemetry's context activation); the captured context, attached on
        // top, is the innermost, as it was where it was captured.
        let _entered = self.span.enter();
        let _attached = self.otel.clone().attach();
        match &self.scope {
            Some(frame) => frame.enter(f),
            None => f(),
        }
    }

    /// Wraps `future` so that every poll (and its drop) runs in the captured telemetry.
    pub fn wrap<F: Future>(self, future: F) -> InTelemetry<F> {
        InTelemetry {
            inner: scope::in_frame(self.scope, future)
                .with_context(self.otel)
                .instrument(self.span),
        }
    }
}

pin_project_lite::pin_project! {
    /// A future that runs in the telemetry of the code that created it; see
    /// [`TelemetryFutureExt`].
    #[must_use = "futures do nothing unless polled"]
    pub struct InTelemetry<F> {
        #[pin]
        inner: tracing::instrument::Instrumented<opentelemetry::context::WithContext<Scoped<F>>>,
    }
}

impl<F> std::fmt::Debug for InTelemetry<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InTelemetry").finish_non_exhaustive()
    }
}

impl<F: Future> Future for InTelemetry<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<F::Output> {
        self.project().inner.poll(task)
    }
}

/// Carries the current telemetry (OpenTelemetry context, `tracing` span, request scope)
/// into a future that will run elsewhere: another task, another executor.
pub trait TelemetryFutureExt: Future + Sized {
    /// This future, run in the telemetry current now ([`TelemetryContext::current`]).
    fn in_current_telemetry(self) -> InTelemetry<Self> {
        TelemetryContext::current().wrap(self)
    }

    /// This future, run in `telemetry`.
    fn in_telemetry(self, telemetry: TelemetryContext) -> InTelemetry<Self> {
        telemetry.wrap(self)
    }
}

impl<F: Future> TelemetryFutureExt for F {}

/// [`tokio::spawn`] that keeps the spawner's telemetry: spans started in the task are
/// children of the current span, its log lines carry the trace id and the request scope's
/// identifiers, and [`scope::current`] finds the spawner's values.
///
/// Like `tokio::spawn`, it must be called from within a Tokio runtime.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future.in_current_telemetry())
}

/// [`tokio::task::spawn_blocking`] that keeps the spawner's telemetry (see [`spawn`]).
///
/// Like `spawn_blocking`, it must be called from within a Tokio runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let telemetry = TelemetryContext::current();
    tokio::task::spawn_blocking(move || telemetry.in_scope(f))
}
