//! [`SpanCore`]: one contract span while it runs.

/// The TSC clock of step and chunk timings (a step is then a few nanoseconds).
use fastant::Instant;
use std::borrow::Cow;
use std::cell::UnsafeCell;
use std::mem::MaybeUninit;
use std::ptr::{addr_of, addr_of_mut};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::trace::{
    Span as _, SpanBuilder, SpanKind, Status, TraceContextExt, Tracer as _,
};
use opentelemetry::{Context, ContextGuard, KeyValue, Value};

use super::attribute_parts::AttributeParts;
use super::legacy;
use super::tracer;

/// Attribute keys of the step statistics a contract aggregates on its span (for example
/// `llm.decode.steps`, `llm.decode.mean_step_ms`, `llm.decode.max_step_ms`).
#[derive(Debug, Clone, Copy)]
pub struct StepKeys {
    /// Number of steps (int).
    pub steps: &'static str,
    /// Mean step duration in milliseconds (double).
    pub mean_ms: &'static str,
    /// Longest step in milliseconds (double).
    pub max_ms: &'static str,
}

/// Attribute keys of a streamed response.
#[derive(Debug, Clone, Copy)]
pub struct StreamKeys {
    /// Seconds from span start to the first chunk (double).
    pub time_to_first_chunk: &'static str,
    /// Number of chunks (int).
    pub chunks: &'static str,
    /// Output tokens summed over the chunks (int).
    pub output_tokens: &'static str,
}

/// The SDK span and what is set on it while it runs.
struct Live {
    /// Initialised while `running`. Written in place when the span starts: built elsewhere
    /// and moved in, its 288 bytes were copied once per wrapper around it.
    span: MaybeUninit<super::backend::EngineSpan>,
    /// The span started and has not ended yet (`span` is initialised): what the drop and
    /// `end_cancelled` read to know whether the span still needs ending.
    running: bool,
    /// Attributes set while the span runs, one per key (the last value wins), written to the
    /// span when it ends: the SDK keeps every `set_attribute` call as a separate entry, so a
    /// setter called at every step would otherwise fill the span's attribute limit.
    late: Vec<KeyValue>,
}

impl Live {
    /// The running SDK span.
    fn span(&mut self) -> Option<&mut super::backend::EngineSpan> {
        // SAFETY: `span` is initialised while `running`.
        self.running.then(|| unsafe { self.span.assume_init_mut() })
    }

    /// Sets `key` (and its legacy name, when enabled) to `value`, replacing an earlier value.
    fn set_late(&mut self, key: &'static str, value: Value) {
        if !self.span().is_some_and(|span| span.is_recording()) {
            return;
        }
        if tracer::legacy_names()
            && let Some(old) = legacy::name_for(key)
        {
            self.replace(KeyValue::new(old, value.clone()));
        }
        self.replace(KeyValue::new(key, value));
    }

    fn replace(&mut self, kv: KeyValue) {
        match self.late.iter_mut().find(|l| l.key == kv.key) {
            Some(slot) => *slot = kv,
            None => self.late.push(kv),
        }
    }

    /// Ends the span (once): the statistics and late attributes first.
    #[inline(always)]
    fn end(&mut self, stats: &Stats) {
        if !self.running {
            return;
        }
        if stats.step_keys.is_some() || stats.stream_keys.is_some() {
            stats.record_aggregates(self);
        }
        // SAFETY: `span` is initialised while `running`; it is not used after this.
        let span = unsafe { self.span.assume_init_mut() };
        if !self.late.is_empty() {
            for kv in std::mem::take(&mut self.late) {
                span.set_attribute(kv);
            }
        }
        span.end();
        self.running = false;
        // SAFETY: as above; `running` is false from now on, so it is not dropped twice.
        unsafe { self.span.assume_init_drop() }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if self.running {
            // SAFETY: `span` is initialised while `running`. The SDK span ends on drop.
            unsafe { self.span.assume_init_drop() }
        }
    }
}

/// One running span of a contract. Created by the code `#[llm_span]` generates; ends on
/// [`end`](SpanCore::end), or on drop: marked as panicked when unwinding, else as cancelled.
/// When no tracer is installed it is empty and every method returns at once.
pub struct SpanCore {
    /// Whether `inner` is initialised (a tracer was installed when the span started). The
    /// disabled path only writes and checks this flag.
    active: bool,
    /// Inline, not boxed: one allocation less per span. Initialised field by field when the
    /// span starts, so that nothing of it is built elsewhere and copied in.
    inner: MaybeUninit<Inner>,
}

struct Inner {
    live: LiveCell,
    /// The parent context plus this span's context: what nested spans and logs see.
    cx: Context,
    stats: Stats,
}

/// The running span behind a lock for shared access (the span's handle, `&self`), reached
/// without the lock through `&mut` (the owner). A `Mutex<Live>` would do the same, but its
/// value cannot be written in place when the span starts (`SpanCore::begin_with`), and the
/// SDK span would be built elsewhere and copied in.
struct LiveCell {
    lock: Mutex<()>,
    live: UnsafeCell<Live>,
}

// SAFETY: `live` is only reached through `lock` (`with`, shared access) or `&mut self`
// (`get_mut`, exclusive), and what it holds may be used from any thread (checked below). This
// is the one type of the span whose `Sync` is asserted; `Inner` derives its own from it.
unsafe impl Sync for LiveCell {}

const _: () = {
    const fn sendable<T: Send>() {}
    sendable::<Live>();
};

impl LiveCell {
    /// `f` on the span, under the lock.
    #[inline]
    fn with<T>(&self, f: impl FnOnce(&mut Live) -> T) -> T {
        let _lock = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // SAFETY: the lock is held, and `&mut` access (`get_mut`, the only other way in)
        // cannot coexist with this `&self`.
        f(unsafe { &mut *self.live.get() })
    }

    /// The span, through exclusive access: no lock.
    #[inline]
    fn get_mut(&mut self) -> &mut Live {
        self.live.get_mut()
    }
}

/// Step and stream statistics, folded into the span's attributes when it ends.
struct Stats {
    /// Only read by step and stream statistics; taken only for contracts that have them.
    started: Option<Instant>,
    steps: AtomicU64,
    step_max_ns: AtomicU64,
    /// When the last step ended, since `started`: the steps' intervals follow one another
    /// from the span's start, so this is also their sum.
    last_step_ns: AtomicU64,
    chunks: AtomicU64,
    first_chunk_ns: AtomicU64,
    output_tokens: AtomicU64,
    step_keys: Option<StepKeys>,
    stream_keys: Option<StreamKeys>,
}

impl std::fmt::Debug for SpanCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanCore")
            .field("active", &self.is_active())
            .finish()
    }
}

impl SpanCore {
    /// A span that records nothing.
    #[inline(always)]
    pub const fn disabled() -> Self {
        SpanCore {
            active: false,
            inner: MaybeUninit::uninit(),
        }
    }

    /// The span state, when a tracer was installed at start.
    #[inline(always)]
    fn inner(&self) -> Option<&Inner> {
        // SAFETY: `inner` is initialised while `active`.
        self.active.then(|| unsafe { self.inner.assume_init_ref() })
    }

    #[inline(always)]
    fn inner_mut(&mut self) -> Option<&mut Inner> {
        // SAFETY: `inner` is initialised while `active`.
        self.active.then(|| unsafe { self.inner.assume_init_mut() })
    }

    /// Starts a span under the current context. `attributes` runs only when a tracer is
    /// installed, so argument expressions cost nothing when telemetry is off.
    ///
    /// `HANDLE`: the body uses the span's handle. The start attributes are then written when
    /// the span ends, one per key, so that a setter called mid-way replaces a value given at
    /// start instead of adding a second entry (the SDK cannot replace an attribute it has been
    /// given).
    #[inline]
    pub fn start<const HANDLE: bool>(
        span_kind: SpanKind,
        name: impl FnOnce(&[KeyValue]) -> Cow<'static, str>,
        attributes: impl FnOnce() -> Vec<KeyValue>,
        step_keys: Option<StepKeys>,
        stream_keys: Option<StreamKeys>,
    ) -> Self {
        let mut span = Self::disabled();
        if tracer::is_enabled() {
            span.begin::<HANDLE>(span_kind, name, attributes().into(), step_keys, stream_keys);
        }
        span
    }

    /// [`start`](Self::start) in place: turns this disabled span into a running one, under the
    /// current context, with `attributes` given at start (see `start` for `HANDLE`). Does
    /// nothing when no tracer is installed or the span already started. The generated code
    /// calls it as [`begin_slot`](Self::begin_slot), behind
    /// [`is_enabled`](crate::span::is_enabled), with the attributes evaluated in the caller:
    /// the span state is then written once, where it stays.
    #[inline]
    pub fn begin<const HANDLE: bool>(
        &mut self,
        span_kind: SpanKind,
        name: impl FnOnce(&[KeyValue]) -> Cow<'static, str>,
        start: StartValues,
        step_keys: Option<StepKeys>,
        stream_keys: Option<StreamKeys>,
    ) {
        let mut start = StartSlot::new(start);
        self.begin_slot::<HANDLE>(span_kind, name, &mut start, step_keys, stream_keys);
    }

    /// [`begin`](Self::begin) with the start values where the generated code wrote them:
    /// taken from `start` when the span starts (else left to drop with it). Moved into the
    /// call instead, they would be copied with wide loads of words the attribute builder has
    /// just stored one by one, and each such load waits for every store before it (a
    /// store-forwarding stall on every span).
    #[doc(hidden)]
    #[inline]
    pub fn begin_slot<const HANDLE: bool>(
        &mut self,
        span_kind: SpanKind,
        name: impl FnOnce(&[KeyValue]) -> Cow<'static, str>,
        start: &mut StartSlot,
        step_keys: Option<StepKeys>,
        stream_keys: Option<StreamKeys>,
    ) {
        if self.active {
            return;
        }
        if let Some(tracer) = tracer::current() {
            start.taken = true;
            let StartValues { attributes, event } = &mut *start.values;
            let (ptr, len, capacity) = (
                attributes.as_mut_ptr(),
                attributes.len(),
                attributes.capacity(),
            );
            // SAFETY: the parts of the attribute vector are given up: the slot is left an empty
            // vector in their place (written over, not dropped), so nothing reached through it
            // afterwards aliases them, and `taken` skips its drop. They are rebuilt once in
            // `begin_with`, which takes the event's vector too. They go to the call one word
            // each.
            unsafe {
                std::ptr::write(attributes, Vec::new());
                self.begin_with::<HANDLE>(
                    tracer,
                    span_kind,
                    name,
                    ptr,
                    len,
                    capacity,
                    event,
                    step_keys,
                    stream_keys,
                );
            }
        }
    }

    /// # Safety
    /// `(attributes, len, capacity)` are the parts of a vector given up for this call.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    unsafe fn begin_with<const DEFER: bool>(
        &mut self,
        tracer: &super::backend::EngineTracer,
        span_kind: SpanKind,
        name: impl FnOnce(&[KeyValue]) -> Cow<'static, str>,
        attributes: *mut KeyValue,
        len: usize,
        capacity: usize,
        event: &mut Vec<KeyValue>,
        step_keys: Option<StepKeys>,
        stream_keys: Option<StreamKeys>,
    ) {
        tracer::mark_used();
        // SAFETY: the caller's contract.
        let mut attributes = unsafe { AttributeParts::from_raw(attributes, len, capacity) };
        // Read whole only when it holds anything (content capture of events): most spans have
        // none, and the test reads one word.
        let event = if event.capacity() == 0 {
            Vec::new()
        } else {
            std::mem::take(event)
        };
        if tracer::legacy_names() {
            attributes = attributes.edit(legacy::extend);
        }
        let name = name(attributes.as_slice());
        let (start_attributes, late) = if DEFER {
            (AttributeParts::from_vec(Vec::new()), attributes.into_vec())
        } else {
            (attributes, Vec::new())
        };
        let timed = step_keys.is_some() || stream_keys.is_some();
        let parent = Context::current();
        let inner = self.inner.as_mut_ptr();
        // SAFETY: `inner` is not initialised (`active` is false) and is written field by
        // field here, the SDK span last, straight into its slot; `active` is set once all of
        // it is. A panic in between leaves `active` false, and the fields written are leaked
        // rather than dropped (the late attributes).
        unsafe {
            addr_of_mut!((*inner).live.lock).write(Mutex::new(()));
            addr_of_mut!((*inner).cx).write(Context::default());
            addr_of_mut!((*inner).stats).write(Stats::new(
                timed.then(Instant::now),
                step_keys,
                stream_keys,
            ));
            let live = UnsafeCell::raw_get(addr_of!((*inner).live.live));
            addr_of_mut!((*live).late).write(late);
            tracer.start_into(
                addr_of_mut!((*live).span).cast::<super::backend::EngineSpan>(),
                name,
                span_kind,
                start_attributes,
                &parent,
            );
            addr_of_mut!((*live).running).write(true);
        }
        self.active = true;
        // SAFETY: initialised just above.
        let inner = unsafe { self.inner.assume_init_mut() };
        let live = inner.live.get_mut();
        // SAFETY: running, just started.
        let span = unsafe { live.span.assume_init_mut() };
        if !event.is_empty() {
            super::start_hook::run(span, event);
        }
        inner.cx = parent.with_remote_span_context(span.span_context().clone());
    }

    /// Starts a span from a complete `builder` (kind, attributes, links) under an explicit
    /// `parent`: message spans, whose parent is chosen between the transport's context and the
    /// message's creation context, and step spans. Records nothing when no tracer is
    /// installed.
    pub(crate) fn start_built(builder: SpanBuilder, parent: &Context) -> SpanCore {
        let Some(tracer) = tracer::current() else {
            return Self::disabled();
        };
        let span = tracer.build_with_context(builder, parent);
        let cx = parent.with_remote_span_context(span.span_context().clone());
        SpanCore {
            active: true,
            inner: MaybeUninit::new(Inner {
                live: LiveCell {
                    lock: Mutex::new(()),
                    live: UnsafeCell::new(Live {
                        span: MaybeUninit::new(span),
                        running: true,
                        late: Vec::new(),
                    }),
                },
                cx,
                stats: Stats::new(None, None, None),
            }),
        }
    }

    /// Starts a child span named `name` (kind INTERNAL) under this one, for example one span per
    /// decode step when the user asks for them. Records nothing when this span does not.
    pub fn child(&self, name: &'static str) -> SpanCore {
        match self.context() {
            Some(cx) => Self::start_built(
                SpanBuilder::from_name(name).with_kind(SpanKind::Internal),
                &cx,
            ),
            None => Self::disabled(),
        }
    }

    /// Whether a tracer was installed when the span started (it may still be unsampled).
    #[inline(always)]
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether this span records (a tracer was installed and sampling kept it).
    pub fn is_recording(&self) -> bool {
        self.with_live(|live| live.span().is_some_and(|span| span.is_recording()))
            .unwrap_or(false)
    }

    fn with_live<T>(&self, f: impl FnOnce(&mut Live) -> T) -> Option<T> {
        self.inner()?
            .live
            .with(|live| live.running.then(|| f(live)))
    }

    /// Makes this span current on this thread until the guard drops (synchronous code).
    #[inline]
    pub fn enter(&self) -> Option<ContextGuard> {
        self.context().map(Context::attach)
    }

    /// Makes this span current on this thread until the guard drops, handing the guard the
    /// span's context rather than a copy of it (what the generated code of a sync fn calls,
    /// before it lends the handle). [`context`](Self::context) then builds it again from the
    /// current context.
    #[inline]
    pub fn enter_body(&mut self) -> Option<ContextGuard> {
        let inner = self.inner_mut()?;
        Some(std::mem::take(&mut inner.cx).attach())
    }

    /// The context nested work runs in, for futures and spawned tasks.
    pub fn context(&self) -> Option<Context> {
        let inner = self.inner()?;
        if inner.cx.has_active_span() {
            return Some(inner.cx.clone());
        }
        // Handed to the body by `enter_body`: this span under the current context.
        let span_context =
            self.with_live(|live| live.span().map(|s| s.span_context().clone()))??;
        Some(Context::current().with_remote_span_context(span_context))
    }

    /// Sets one attribute (`None` leaves it unset). Setting a key again replaces the value set
    /// before, and the value given at start when the span was started for a handle
    /// ([`start`](Self::start)); the values are written to the span when it ends.
    pub fn set(&self, key: &'static str, value: Option<Value>) {
        let Some(value) = value else { return };
        self.with_live(|live| live.set_late(key, value));
    }

    /// Sets one attribute with a key known only at run time (a CommonAttributes key).
    #[cfg(feature = "cloudevents")]
    pub(crate) fn set_attribute(&self, attribute: KeyValue) {
        self.with_live(|live| live.span().map(|span| span.set_attribute(attribute)));
    }

    /// Adds an event.
    pub fn add_event(&self, name: &'static str, attributes: Vec<KeyValue>) {
        self.with_live(|live| live.span().map(|span| span.add_event(name, attributes)));
    }

    /// Marks the span failed: status ERROR with `error.type` and an `exception` event.
    /// `exception.message` and the status description are `text` (the error's `Display`,
    /// given only when content may enter spans) or else `safe` (a message known to hold no
    /// content; see [`ErrorType`](super::ErrorType)), or absent.
    pub fn record_error(
        &self,
        error_type: Cow<'static, str>,
        safe: Option<Cow<'static, str>>,
        text: Option<String>,
    ) {
        let message = text.or_else(|| safe.map(Cow::into_owned));
        self.with_live(|live| {
            let Some(span) = live.span() else { return };
            let mut event = Vec::with_capacity(2);
            event.push(KeyValue::new("exception.type", error_type.clone()));
            if let Some(message) = &message {
                event.push(KeyValue::new("exception.message", message.clone()));
            }
            span.add_event("exception", event);
            span.set_status(Status::Error {
                description: Cow::Owned(message.unwrap_or_default()),
            });
            live.set_late("error.type", Value::String(error_type.into()));
        });
    }

    /// One step of an iterative process (a decode step): counted, and its duration (since the
    /// previous step, or the span start) folded into the mean and maximum. Two atomic
    /// read-modify-writes and a clock read; the maximum is written only when it grows.
    #[inline]
    pub fn step(&self) {
        let Some(inner) = self.inner() else { return };
        let inner = &inner.stats;
        let now = inner.started.map_or(0, |t| t.elapsed().as_nanos() as u64);
        let previous = inner.last_step_ns.swap(now, Ordering::Relaxed);
        let took = now.saturating_sub(previous);
        inner.steps.fetch_add(1, Ordering::Relaxed);
        if took > inner.step_max_ns.load(Ordering::Relaxed) {
            inner.step_max_ns.fetch_max(took, Ordering::Relaxed);
        }
    }

    /// Steps counted so far.
    pub fn steps(&self) -> u64 {
        self.inner()
            .map_or(0, |i| i.stats.steps.load(Ordering::Relaxed))
    }

    /// One chunk of a streamed response, carrying `tokens` output tokens.
    #[inline]
    pub fn chunk(&self, tokens: u64) {
        let Some(inner) = self.inner() else { return };
        let inner = &inner.stats;
        if inner.chunks.fetch_add(1, Ordering::Relaxed) == 0 {
            let now = inner.started.map_or(0, |t| t.elapsed().as_nanos() as u64);
            inner.first_chunk_ns.store(now.max(1), Ordering::Relaxed);
        }
        inner.output_tokens.fetch_add(tokens, Ordering::Relaxed);
    }

    /// Ends the span now. Later calls, and the drop, do nothing.
    #[inline]
    pub fn end(&self) {
        if let Some(inner) = self.inner() {
            inner.end();
        }
    }

    /// [`end`](Self::end) for the span's owner: the same, without taking the span's lock
    /// (exclusive access already rules out another user). What the generated code calls.
    #[inline]
    pub fn finish(&mut self) {
        if let Some(inner) = self.inner_mut() {
            inner.end_mut();
        }
    }
}

impl Inner {
    #[inline(never)]
    fn end(&self) {
        // Ended in place, under the span's own lock (never contended here).
        self.live.with(|live| live.end(&self.stats));
    }

    /// [`end`](Self::end) through exclusive access: no lock, no atomic read-modify-write.
    #[inline(never)]
    fn end_mut(&mut self) {
        self.live.get_mut().end(&self.stats);
    }
}

impl SpanCore {
    /// Ends the span as cancelled: dropped before it completed.
    pub fn end_cancelled(&self) {
        if self.with_live(|_| ()).is_none() {
            return;
        }
        self.record_error(
            Cow::Borrowed("cancelled"),
            Some(Cow::Borrowed("dropped before completion")),
            None,
        );
        self.end();
    }
}

impl Stats {
    #[inline(always)]
    fn new(
        started: Option<Instant>,
        step_keys: Option<StepKeys>,
        stream_keys: Option<StreamKeys>,
    ) -> Self {
        Stats {
            started,
            steps: AtomicU64::new(0),
            step_max_ns: AtomicU64::new(0),
            last_step_ns: AtomicU64::new(0),
            chunks: AtomicU64::new(0),
            first_chunk_ns: AtomicU64::new(0),
            output_tokens: AtomicU64::new(0),
            step_keys,
            stream_keys,
        }
    }

    fn record_aggregates(&self, live: &mut Live) {
        if let Some(keys) = self.step_keys {
            let steps = self.steps.load(Ordering::Relaxed);
            if steps > 0 {
                let sum = self.last_step_ns.load(Ordering::Relaxed) as f64;
                let max = self.step_max_ns.load(Ordering::Relaxed) as f64;
                live.set_late(keys.steps, Value::I64(steps as i64));
                live.set_late(keys.mean_ms, Value::F64(sum / steps as f64 / 1e6));
                live.set_late(keys.max_ms, Value::F64(max / 1e6));
            }
        }
        if let Some(keys) = self.stream_keys {
            let chunks = self.chunks.load(Ordering::Relaxed);
            if chunks > 0 {
                live.set_late(keys.chunks, Value::I64(chunks as i64));
                let first = self.first_chunk_ns.load(Ordering::Relaxed) as f64 / 1e9;
                live.set_late(keys.time_to_first_chunk, Value::F64(first));
                let tokens = self.output_tokens.load(Ordering::Relaxed);
                if tokens > 0 {
                    // Through `set_late`: legacy names apply to streamed usage too.
                    live.set_late(
                        keys.output_tokens,
                        Value::I64(i64::try_from(tokens).unwrap_or(i64::MAX)),
                    );
                }
            }
        }
    }
}

impl Drop for SpanCore {
    #[inline]
    fn drop(&mut self) {
        if self.active {
            self.drop_active();
        }
    }
}

impl SpanCore {
    #[inline(never)]
    fn drop_active(&mut self) {
        if self
            .inner_mut()
            .is_some_and(|inner| inner.live.get_mut().running)
        {
            self.end_unfinished();
        }
        self.active = false;
        // SAFETY: `inner` was initialised (`active` was true) and is dropped once, here.
        unsafe { self.inner.assume_init_drop() }
    }

    /// Dropped before `end`: unwinding from a panic, or a future or stream dropped early.
    #[cold]
    #[inline(never)]
    fn end_unfinished(&self) {
        if std::thread::panicking() {
            self.record_error(
                Cow::Borrowed("panic"),
                Some(Cow::Borrowed("panicked")),
                None,
            );
            self.end();
        } else {
            self.end_cancelled();
        }
    }
}

/// [`StartValues`] while the generated code writes them, before the span takes them
/// ([`SpanCore::begin_slot`]); dropped with the slot when the span does not start.
#[doc(hidden)]
pub struct StartSlot {
    values: std::mem::ManuallyDrop<StartValues>,
    taken: bool,
}

impl StartSlot {
    /// A slot holding `values`.
    #[inline(always)]
    pub fn new(values: StartValues) -> Self {
        StartSlot {
            values: std::mem::ManuallyDrop::new(values),
            taken: false,
        }
    }
}

impl std::ops::Deref for StartSlot {
    type Target = StartValues;

    #[inline(always)]
    fn deref(&self) -> &StartValues {
        &self.values
    }
}

impl std::ops::DerefMut for StartSlot {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut StartValues {
        &mut self.values
    }
}

impl Drop for StartSlot {
    #[inline(always)]
    fn drop(&mut self) {
        if !self.taken {
            // SAFETY: not taken by a span, and dropped once, here.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.values) }
        }
    }
}

impl std::fmt::Debug for StartSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartSlot")
            .field("taken", &self.taken)
            .finish_non_exhaustive()
    }
}

/// What a contract span starts with: its attributes, and the content of its
/// `gen_ai.client.inference.operation.details` event (empty unless content capture includes
/// events). The two travel together, so content given for a span that does not start (an
/// argument returned early or panicked, no tracer) is dropped with the rest, never attached
/// to another span.
#[derive(Debug, Default)]
pub struct StartValues {
    /// The attributes given at start.
    pub attributes: Vec<KeyValue>,
    /// The content of the operation-details event.
    pub event: Vec<KeyValue>,
}

impl From<Vec<KeyValue>> for StartValues {
    fn from(attributes: Vec<KeyValue>) -> Self {
        StartValues {
            attributes,
            event: Vec::new(),
        }
    }
}
