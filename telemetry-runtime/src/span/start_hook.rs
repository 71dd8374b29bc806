//! The hook a contract span runs when it starts with start-event values
//! ([`StartValues::event`](super::StartValues)): the contracts wing registers what to do with
//! them (the GenAI operation-details event), so the span engine knows nothing of GenAI.

use std::sync::OnceLock;

use opentelemetry::KeyValue;

use super::backend::EngineSpan;

/// What runs on a span that starts with start-event values.
pub(crate) type StartHook = fn(&mut EngineSpan, Vec<KeyValue>);

static START_HOOK: OnceLock<StartHook> = OnceLock::new();

/// Registers the hook; the first registration stays.
#[inline]
pub(crate) fn register(hook: StartHook) {
    let _ = START_HOOK.get_or_init(|| hook);
}

/// Runs the hook on `span`; without one the values are dropped.
pub(super) fn run(span: &mut EngineSpan, event: Vec<KeyValue>) {
    if let Some(hook) = START_HOOK.get() {
        hook(span, event);
    }
}
