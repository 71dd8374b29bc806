//! The per-thread span buffers and the collector thread that drains them.
//!
//! A span that ends is moved into a buffer of its own thread, under a lock only the collector
//! ever contends for (one uncontended lock and unlock per span). A buffer that fills is handed
//! to the collector whole, with an empty one taken back in exchange. The collector moves each
//! span's attributes into a vector of its own and sends the emptied ones back with the empty
//! buffers, for the next spans' start values ([`attribute_vec`]): memory one thread allocates
//! and another frees costs both the allocator's lock, and in steady state a span's attributes
//! are neither allocated nor freed on the thread that records it. The collector drains the handed-off buffers and every thread's buffer at each tick
//! and at every flush; a thread that exits hands its buffer off first.
//!
//! Bounded: each thread holds at most [`LOCAL_CAPACITY`] records, and the buffers handed off
//! and not yet drained hold at most the configured queue size (`OTEL_BSP_MAX_QUEUE_SIZE`) in
//! records and the configured queue bytes; a buffer that would pass either is dropped and
//! counted in the pipeline's queue-full counter (`status()`).

use std::cell::RefCell;
use std::ptr::addr_of_mut;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::Thread;
use std::time::Duration;

use opentelemetry::trace::SpanContext;
use opentelemetry::{KeyValue, Value};

use super::clock::Timestamp;
use super::prefetch;
use super::span::Recording;

/// One ended span, as it waits for the collector.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) context: SpanContext,
    /// Its `attributes` are moved to the batch's list ([`Batch::attributes`]).
    pub(crate) data: Recording,
    pub(crate) end: Timestamp,
}

/// Ended spans, and the attribute vectors emptied on the collector thread, on their way back
/// to a thread that records.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    records: Vec<Record>,
    free: Vec<Vec<KeyValue>>,
}

impl Batch {
    fn with_capacity() -> Self {
        Batch {
            records: Vec::with_capacity(LOCAL_CAPACITY),
            free: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.records.len()
    }

    fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Each record, its attributes moved into a vector of the calling thread's (the
    /// collector's) and the emptied one kept for reuse by a recording thread; leaves the batch
    /// without records, its capacity kept.
    pub(crate) fn take_each(&mut self, mut f: impl FnMut(Record)) {
        let Batch { records, free } = self;
        for mut record in records.drain(..) {
            let mut original = std::mem::take(&mut record.data.attributes);
            // Moved into a new vector, not taken: the emptied one goes back.
            let mut attributes = Vec::with_capacity(original.len());
            attributes.append(&mut original);
            record.data.attributes = attributes;
            if original.capacity() > 0 && free.len() < LOCAL_CAPACITY {
                free.push(original);
            }
            f(record);
        }
    }

    /// The heap bytes of the batch's values, roughly: what bounds the handed-off buffers'
    /// memory.
    fn bytes(&self) -> usize {
        let value = |v: &Value| match v {
            Value::String(s) => s.as_str().len(),
            Value::Array(_) => 64,
            _ => 0,
        };
        let attributes =
            |kvs: &[KeyValue]| kvs.iter().map(|kv| 64 + value(&kv.value)).sum::<usize>();
        self.records
            .iter()
            .map(|r| {
                std::mem::size_of::<Record>()
                    + attributes(&r.data.attributes)
                    + r.data.extras.as_ref().map_or(0, |extras| {
                        let events = extras.events.iter().map(|e| &e.attributes);
                        let links = extras.links.iter().map(|l| &l.attributes);
                        events
                            .chain(links)
                            .map(|kvs| attributes(kvs))
                            .sum::<usize>()
                    })
            })
            .sum()
    }
}

/// Handed-off records that wake the collector: half the bound. Waking it is a system call
/// (microseconds on a virtual machine, where it also interrupts the other core), so it is done
/// once every 8 full buffers in the default configuration; the other half of the bound is
/// the collector's time to wake before anything is dropped, and below it its tick comes first.
fn wake_records() -> usize {
    MAX_RECORDS.load(Ordering::Relaxed) / 2
}

/// Emptied attribute vectors a thread holds for its next spans' start values: as many as can
/// be on their way through the collector (the records waiting before it is woken, the
/// thread's own buffer and the batch being drained), so that a thread recording at full rate
/// does not run out of them and allocate.
fn pool_capacity() -> usize {
    wake_records() + 2 * LOCAL_CAPACITY
}

thread_local! {
    static POOL: RefCell<Vec<Vec<KeyValue>>> = const { RefCell::new(Vec::new()) };
}

/// A vector for `capacity` start attributes: one the collector emptied, when this thread has
/// one (the span's attributes then cost no allocation, and are not freed by another thread),
/// else a new one.
#[inline]
pub(crate) fn attribute_vec(capacity: usize) -> Vec<KeyValue> {
    let pooled = POOL
        .try_with(|pool| {
            let mut pool = pool.try_borrow_mut().ok()?;
            let taken = pool.pop();
            // The vector after next, so that its lines arrive during a whole span (the next
            // one was asked for by the previous call).
            if let Some(ahead) = pool.len().checked_sub(2).map(|i| &pool[i]) {
                prefetch::for_write(
                    ahead.as_ptr().cast(),
                    ahead.capacity() * std::mem::size_of::<KeyValue>(),
                );
            }
            taken
        })
        .ok()
        .flatten();
    match pooled {
        Some(mut attributes) => {
            attributes.reserve(capacity);
            attributes
        }
        None => Vec::with_capacity(capacity),
    }
}

/// Keeps `free` for this thread's next spans, up to the pool's bound.
fn refill(free: &mut Vec<Vec<KeyValue>>) {
    if free.is_empty() {
        return;
    }
    let _ = POOL.try_with(|pool| {
        if let Ok(mut pool) = pool.try_borrow_mut() {
            let room = pool_capacity().saturating_sub(pool.len());
            pool.extend(free.drain(..).take(room));
        }
    });
    free.clear();
}

/// Records a thread holds before it hands its buffer off.
pub(crate) const LOCAL_CAPACITY: usize = 128;
/// Empty buffers kept for exchange.
const SPARE_BUFFERS: usize = 64;
/// How often the collector drains the threads' buffers.
const TICK: Duration = Duration::from_millis(50);

/// One thread's buffer.
#[derive(Debug, Default)]
struct Local {
    batch: Mutex<Batch>,
}

/// Buffers handed to the collector, and empty ones to exchange for them.
#[derive(Debug)]
struct Handoff {
    full: Vec<Batch>,
    /// Records in `full`.
    records: usize,
    /// Estimated bytes of the values in `full`.
    bytes: usize,
    spare: Vec<Batch>,
}

static LOCALS: Mutex<Vec<Arc<Local>>> = Mutex::new(Vec::new());
static HANDOFF: Mutex<Handoff> = Mutex::new(Handoff {
    full: Vec::new(),
    records: 0,
    bytes: 0,
    spare: Vec::new(),
});
/// One drain at a time (the collector's tick, a flush).
static DRAINING: Mutex<()> = Mutex::new(());
static MAX_RECORDS: AtomicUsize = AtomicUsize::new(2048);
static MAX_BYTES: AtomicUsize = AtomicUsize::new(64 << 20);
static COLLECTOR: OnceLock<Option<Thread>> = OnceLock::new();

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The calling thread's buffer, registered with the collector when first used; handed off when
/// the thread exits.
struct Owner(Arc<Local>);

impl Owner {
    fn register() -> Self {
        let local = Arc::new(Local {
            batch: Mutex::new(Batch::with_capacity()),
        });
        lock(&LOCALS).push(local.clone());
        Owner(local)
    }

    /// Moves `data` (taken, left `None`) with `context` and `end` into this thread's buffer,
    /// written once, straight into its slot; hands the buffer off when it is full.
    #[inline]
    fn push(&self, context: &SpanContext, data: &mut Option<Recording>, end: Timestamp) {
        let mut batch = lock(&self.0.batch);
        if let Some(recording) = data.as_ref() {
            let records = &mut batch.records;
            records.reserve(1);
            let len = records.len();
            let slot = records.spare_capacity_mut()[0].as_mut_ptr();
            // SAFETY: `slot` is the vector's first spare element (reserved above), every field
            // of it is written before the length covers it, and `recording` is moved out of
            // `data` bitwise, which is then overwritten with `None` without being dropped.
            unsafe {
                addr_of_mut!((*slot).context).write(context.clone());
                addr_of_mut!((*slot).end).write(end);
                std::ptr::copy_nonoverlapping(
                    std::ptr::from_ref(recording),
                    addr_of_mut!((*slot).data),
                    1,
                );
                std::ptr::write(data, None);
                records.set_len(len + 1);
            }
            // The slot after next (the next one was asked for by the previous push, or at the
            // exchange of buffers).
            if records.len() + 1 < records.capacity() {
                prefetch::for_write(
                    records.as_ptr().wrapping_add(records.len() + 1).cast(),
                    std::mem::size_of::<Record>(),
                );
            }
        }
        if batch.len() >= LOCAL_CAPACITY {
            let mut full = std::mem::replace(&mut *batch, spare());
            prefetch::for_write(
                batch.records.as_ptr().cast(),
                2 * std::mem::size_of::<Record>(),
            );
            let mut free = std::mem::take(&mut batch.free);
            drop(batch);
            refill(&mut full.free);
            refill(&mut free);
            hand_off(full);
        }
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        let batch = std::mem::take(&mut *lock(&self.0.batch));
        if !batch.is_empty() {
            hand_off(batch);
        }
    }
}

thread_local! {
    static OWNER: Owner = Owner::register();
}

/// Queues an ended span for the collector: `data` is taken (left `None`).
#[inline]
pub(crate) fn record(context: &SpanContext, data: &mut Option<Recording>, end: Timestamp) {
    let _ = OWNER.try_with(|owner| owner.push(context, data, end));
    if let Some(data) = data.take() {
        // The thread is exiting and its buffer is gone.
        let mut batch = Batch::default();
        batch.records.push(Record {
            context: context.clone(),
            data,
            end,
        });
        hand_off(batch);
    }
}

/// An empty buffer with room for a full one.
fn spare() -> Batch {
    lock(&HANDOFF)
        .spare
        .pop()
        .unwrap_or_else(Batch::with_capacity)
}

/// Hands a buffer to the collector, or drops and counts it when the collector is that far
/// behind.
fn hand_off(batch: Batch) {
    let bytes = batch.bytes();
    let mut handoff = lock(&HANDOFF);
    if handoff.records + batch.len() > MAX_RECORDS.load(Ordering::Relaxed)
        || handoff.bytes + bytes > MAX_BYTES.load(Ordering::Relaxed)
    {
        drop(handoff);
        super::pipeline::count_dropped(batch.len());
        return;
    }
    handoff.records += batch.len();
    handoff.bytes += bytes;
    handoff.full.push(batch);
    let wake = handoff.records >= wake_records();
    drop(handoff);
    if wake && let Some(Some(collector)) = COLLECTOR.get() {
        collector.unpark();
    }
}

/// Sets the bounds of the handed-off buffers.
pub(crate) fn set_bounds(max_records: usize, max_bytes: usize) {
    MAX_RECORDS.store(max_records.max(LOCAL_CAPACITY), Ordering::Relaxed);
    MAX_BYTES.store(max_bytes, Ordering::Relaxed);
}

/// Starts the collector thread (once per process).
pub(crate) fn start_collector() {
    COLLECTOR.get_or_init(|| {
        std::thread::Builder::new()
            .name("telemetry-spans".into())
            .spawn(|| {
                loop {
                    std::thread::park_timeout(TICK);
                    drain();
                }
            })
            .ok()
            .map(|handle| handle.thread().clone())
    });
}

/// Moves every ended span (handed off, or still in a thread's buffer) to the pipeline now.
pub(crate) fn drain() {
    let _draining = lock(&DRAINING);
    let mut batches = {
        let mut handoff = lock(&HANDOFF);
        handoff.records = 0;
        handoff.bytes = 0;
        std::mem::take(&mut handoff.full)
    };
    {
        let mut locals = lock(&LOCALS);
        // A buffer only the registry holds belongs to a thread that exited (and handed off).
        locals.retain(|local| Arc::strong_count(local) > 1);
        for local in locals.iter() {
            let mut batch = lock(&local.batch);
            if !batch.is_empty() {
                let empty = spare();
                batches.push(std::mem::replace(&mut *batch, empty));
            }
        }
    }
    for mut batch in batches {
        super::pipeline::export(&mut batch);
        let mut handoff = lock(&HANDOFF);
        if handoff.spare.len() < SPARE_BUFFERS && batch.records.capacity() >= LOCAL_CAPACITY {
            handoff.spare.push(batch);
        }
    }
}
