//! The tracer that contract spans are recorded with.
//!
//! One atomic load decides whether a span is recorded at all: with no tracer installed the
//! generated code skips evaluating attribute expressions and costs about a branch.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::global_slot::GlobalSlot;
use crate::span::backend::EngineTracer;

static TRACER: GlobalSlot<EngineTracer> = GlobalSlot::new();
static LEGACY_NAMES: AtomicBool = AtomicBool::new(false);
/// Whether any span or event was recorded since `init()`: a guard dropped before that is
/// reported as thrown away at once.
static USED: AtomicBool = AtomicBool::new(false);

/// Notes that telemetry was used (a span started, an event emitted). A load first, so the
/// cache line stays shared once set.
#[inline]
pub(crate) fn mark_used() {
    if !USED.load(Ordering::Relaxed) {
        USED.store(true, Ordering::Relaxed);
    }
}

/// Whether telemetry was used since `init()`.
#[cfg(feature = "sdk")]
pub(crate) fn used() -> bool {
    USED.load(Ordering::Relaxed)
}

/// Forgets earlier use: `init()`'s own warnings are not the application's.
#[cfg(feature = "sdk")]
pub(crate) fn reset_used() {
    USED.store(false, Ordering::Relaxed);
}

/// The installed tracer, if any.
#[inline(always)]
pub(crate) fn current() -> Option<&'static EngineTracer> {
    TRACER.get()
}

/// Whether contract spans are recorded now.
#[inline(always)]
pub fn is_enabled() -> bool {
    TRACER.is_set()
}

/// Installs the tracer contract spans are recorded with (`init()` does this). The previous
/// tracer, if any, is leaked on purpose: spans still running may hold a reference to it.
/// Spans without a parent get the process parent ([`process`](crate::process)).
#[cfg(feature = "sdk")]
pub fn install(tracer: opentelemetry_sdk::trace::SdkTracer) {
    TRACER.install(EngineTracer::Sdk(
        crate::span::inheriting::InheritingTracer::new(tracer),
    ));
}

/// Installs the direct engine (`init()` does this; see [`direct`](crate::span::direct)).
#[cfg(feature = "sdk")]
pub(crate) fn install_direct(tracer: crate::span::direct::DirectTracer) {
    TRACER.install(EngineTracer::Direct(tracer));
}

/// Stops recording contract spans.
pub fn uninstall() {
    TRACER.clear();
}

/// Also emit the legacy attribute names (`gen_ai.system`, `llm.usage.*`) beside the current
/// ones, for backends that still read them.
pub fn set_legacy_names(enabled: bool) {
    LEGACY_NAMES.store(enabled, Ordering::Relaxed);
}

#[inline]
pub(crate) fn legacy_names() -> bool {
    LEGACY_NAMES.load(Ordering::Relaxed)
}
