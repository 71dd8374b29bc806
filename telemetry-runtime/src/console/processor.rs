//! [`ConsoleSpanProcessor`]: buffers ended spans per trace and prints each
//! trace as a waterfall tree when its local root ends.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use super::printer::{Batch, Printer};
use super::waterfall::Layout;
use crate::export::size::HeapSize as _;

/// Default bound on the number of ended spans the console processor holds
/// while waiting for their local root to end.
pub const DEFAULT_MAX_BUFFERED_SPANS: usize = 4096;
/// Bytes of ended spans (their estimated size) buffered at most while waiting for their
/// local root: 16 MiB.
pub const DEFAULT_MAX_BUFFERED_BYTES: usize = 16 << 20;

/// How many already printed trace ids are remembered, to label spans that end
/// after their trace was printed as late rather than incomplete.
const PRINTED_TRACES_REMEMBERED: usize = 1024;

/// Header note of spans that ended after their trace had been printed.
const LATE_NOTE: &str = "late spans, ended after the trace was printed";
/// Header note of spans whose local root had not ended at flush time.
const INCOMPLETE_NOTE: &str = "incomplete, root span not ended";

/// A [`SpanProcessor`] that prints each finished trace to a terminal (or any
/// writer) as an indented waterfall tree: span names, durations, a bar
/// showing when each span ran within the trace, key attributes and errors.
///
/// Ended spans are buffered per trace. When a *local root* ends (a span
/// without a parent, or whose parent is remote), it is printed together with
/// all its buffered descendants. Spans that end after their trace was printed,
/// and traces whose root never ended, are printed at
/// [`force_flush`](SpanProcessor::force_flush) and shutdown, labelled as such.
///
/// At most [`DEFAULT_MAX_BUFFERED_SPANS`] spans and [`DEFAULT_MAX_BUFFERED_BYTES`] bytes (see
/// [`with_max_buffered_spans`](Self::with_max_buffered_spans),
/// [`with_max_buffered_bytes`](Self::with_max_buffered_bytes)) are buffered;
/// further non-root spans are dropped and counted by
/// [`dropped`](Self::dropped). Local roots are never dropped, since they are
/// printed at once.
///
/// Rendering and writing happen on the console's own thread (`telemetry-console`), never on
/// the thread that ends a span; a trace is printed shortly after its root ends, and
/// [`force_flush`](SpanProcessor::force_flush) waits until everything is written. Write
/// errors are reported by `force_flush` and shutdown.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use telemetry_runtime::console::ConsoleSpanProcessor;
///
/// let provider = SdkTracerProvider::builder()
///     .with_span_processor(ConsoleSpanProcessor::stdout())
///     .build();
/// # drop(provider);
/// ```
pub struct ConsoleSpanProcessor {
    state: Mutex<State>,
    /// Renders and writes on the console's own thread.
    printer: Printer,
    dropped: AtomicU64,
    max_buffered_spans: usize,
    max_buffered_bytes: usize,
}

/// Everything behind the processor's lock.
#[derive(Default)]
struct State {
    /// Ended spans waiting for their local root, per trace.
    traces: HashMap<TraceId, Vec<SpanData>>,
    /// Total number of spans in `traces`.
    buffered: usize,
    /// Their estimated size in bytes.
    buffered_bytes: usize,
    /// Recently printed traces, oldest first, and the same ids as a set.
    printed_order: VecDeque<TraceId>,
    printed: HashSet<TraceId>,
    shut_down: bool,
}

impl ConsoleSpanProcessor {
    /// A processor printing to standard output.
    pub fn stdout() -> Self {
        Self::with_writer(Box::new(io::stdout()))
    }

    /// A processor printing to `writer`; each trace is written with one
    /// `write_all` followed by a `flush`.
    ///
    /// To capture the output (in tests, for example), pass a clone of a
    /// [`SharedBuffer`] and read it back with [`SharedBuffer::contents`].
    pub fn with_writer(writer: Box<dyn Write + Send>) -> Self {
        Self {
            state: Mutex::new(State::default()),
            printer: Printer::new(writer, Layout::default()),
            dropped: AtomicU64::new(0),
            max_buffered_spans: DEFAULT_MAX_BUFFERED_SPANS,
            max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES,
        }
    }

    /// Sets how many ended spans may wait for their local root at once
    /// (default [`DEFAULT_MAX_BUFFERED_SPANS`]); beyond that, spans are
    /// dropped and counted by [`dropped`](Self::dropped).
    pub fn with_max_buffered_spans(mut self, max: usize) -> Self {
        self.max_buffered_spans = max;
        self
    }

    /// Sets how many bytes of ended spans (their estimated size) may wait for their local
    /// root at once (default [`DEFAULT_MAX_BUFFERED_BYTES`]); beyond that, spans are dropped
    /// and counted by [`dropped`](Self::dropped).
    pub fn with_max_buffered_bytes(mut self, max: usize) -> Self {
        self.max_buffered_bytes = max;
        self
    }

    /// Number of spans dropped so far because the buffer was full, or the console thread
    /// was too far behind to take their trace.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed) + self.printer.dropped.load(Ordering::Relaxed)
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes every buffered trace, oldest first.
    fn drain(&self) -> Vec<Batch> {
        let mut state = self.lock_state();
        state.buffered = 0;
        state.buffered_bytes = 0;
        let traces = std::mem::take(&mut state.traces);
        let mut batches: Vec<(TraceId, Batch)> = traces
            .into_iter()
            .map(|(trace_id, spans)| {
                let note = if state.printed.contains(&trace_id) {
                    LATE_NOTE
                } else {
                    INCOMPLETE_NOTE
                };
                let batch = Batch {
                    spans,
                    note: Some(note),
                };
                (trace_id, batch)
            })
            .collect();
        drop(state);
        batches.sort_by(|(a_id, a), (b_id, b)| {
            let a_start = a.spans.iter().map(|s| s.start_time).min();
            let b_start = b.spans.iter().map(|s| s.start_time).min();
            a_start
                .cmp(&b_start)
                .then(a_id.to_bytes().cmp(&b_id.to_bytes()))
        });
        batches.into_iter().map(|(_, batch)| batch).collect()
    }

    /// Prints everything still buffered, and `footer`, and waits until the console thread
    /// has written it all.
    fn flush_buffered(&self, footer: Option<String>) -> OTelSdkResult {
        let batches = self.drain();
        self.printer
            .print_and_wait(batches, footer)
            .map_err(|e| OTelSdkError::InternalFailure(format!("console exporter: {e}")))
    }
}

impl State {
    /// Removes and returns the buffered spans of `trace_id` that descend from
    /// `root`.
    fn take_descendants(&mut self, trace_id: TraceId, root: SpanId) -> Vec<SpanData> {
        let Some(spans) = self.traces.remove(&trace_id) else {
            return Vec::new();
        };
        let mut children: HashMap<SpanId, Vec<usize>> = HashMap::new();
        for (index, span) in spans.iter().enumerate() {
            children.entry(span.parent_span_id).or_default().push(index);
        }
        let mut taken = vec![false; spans.len()];
        let mut pending = vec![root];
        while let Some(parent) = pending.pop() {
            for &child in children.get(&parent).map(Vec::as_slice).unwrap_or(&[]) {
                if !taken[child] {
                    taken[child] = true;
                    pending.push(spans[child].span_context.span_id());
                }
            }
        }
        let (descendants, rest): (Vec<_>, Vec<_>) =
            spans.into_iter().zip(taken).partition(|(_, taken)| *taken);
        self.buffered = self.buffered.saturating_sub(descendants.len());
        let freed: usize = descendants.iter().map(|(span, _)| span.heap_size()).sum();
        self.buffered_bytes = self.buffered_bytes.saturating_sub(freed);
        if !rest.is_empty() {
            self.traces
                .insert(trace_id, rest.into_iter().map(|(span, _)| span).collect());
        }
        descendants.into_iter().map(|(span, _)| span).collect()
    }

    fn remember_printed(&mut self, trace_id: TraceId) {
        if self.printed.insert(trace_id) {
            self.printed_order.push_back(trace_id);
            if self.printed_order.len() > PRINTED_TRACES_REMEMBERED
                && let Some(oldest) = self.printed_order.pop_front()
            {
                self.printed.remove(&oldest);
            }
        }
    }
}

impl SpanProcessor for ConsoleSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, mut span: SpanData) {
        crate::redaction::sink::redact_span(&mut span);
        crate::export::limits::limit_span(&mut span);
        let trace_id = span.span_context.trace_id();
        let is_local_root = span.parent_span_id == SpanId::INVALID || span.parent_span_is_remote;
        let batch = {
            let mut state = self.lock_state();
            if state.shut_down {
                return;
            }
            if is_local_root {
                let mut spans = state.take_descendants(trace_id, span.span_context.span_id());
                state.remember_printed(trace_id);
                spans.push(span);
                Batch { spans, note: None }
            } else {
                let size = span.heap_size();
                if state.buffered >= self.max_buffered_spans
                    || state.buffered_bytes + size > self.max_buffered_bytes
                {
                    drop(state);
                    self.dropped.fetch_add(1, Ordering::Relaxed);
                } else {
                    state.traces.entry(trace_id).or_default().push(span);
                    state.buffered += 1;
                    state.buffered_bytes += size;
                }
                return;
            }
        };
        // Rendered and written on the console thread; its errors are reported by
        // force_flush and shutdown.
        self.printer.print(vec![batch]);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.flush_buffered(None)
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        {
            let mut state = self.lock_state();
            if state.shut_down {
                return Err(OTelSdkError::AlreadyShutdown);
            }
            state.shut_down = true;
        }
        let dropped = self.dropped();
        let footer = (dropped > 0).then(|| {
            format!(
                "console exporter: {dropped} span{} dropped (buffer limit {} spans)\n",
                if dropped == 1 { "" } else { "s" },
                self.max_buffered_spans
            )
        });
        self.flush_buffered(footer)
    }
}

impl fmt::Debug for ConsoleSpanProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let buffered = self.lock_state().buffered;
        f.debug_struct("ConsoleSpanProcessor")
            .field("buffered", &buffered)
            .field("max_buffered_spans", &self.max_buffered_spans)
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// An in-memory writer whose clones share one buffer: hand a clone to
/// [`ConsoleSpanProcessor::with_writer`] and read what was printed with
/// [`contents`](Self::contents).
#[derive(Clone, Debug, Default)]
pub struct SharedBuffer {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl SharedBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far, as UTF-8 (invalid sequences replaced).
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    /// Everything written so far, leaving the buffer empty.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.lock());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<u8>> {
        self.bytes.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{
        Span as _, SpanContext, SpanKind, Status, TraceContextExt, TraceFlags, TraceState,
        Tracer as _, TracerProvider as _,
    };
    use opentelemetry::{InstrumentationScope, KeyValue};
    use opentelemetry_sdk::trace::{SdkTracerProvider, SpanEvents, SpanLinks};
    use std::time::SystemTime;

    /// Replaces what varies from run to run: the trace id, durations and bar
    /// contents. Runs of spaces are collapsed, since padding follows the
    /// width of the durations.
    fn normalise(text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            let line = match (line.find('▕'), line.find('▏')) {
                (Some(left), Some(right)) if left < right => {
                    format!("{}▕<bar>{}", &line[..left], &line[right..])
                }
                _ => line.to_owned(),
            };
            let indent = &line[..line.len() - line.trim_start().len()];
            let words: Vec<&str> = line.split_whitespace().collect();
            let mut normalised: Vec<&str> = Vec::with_capacity(words.len());
            let mut i = 0;
            while i < words.len() {
                let word = words[i];
                let unit = words.get(i + 1).copied().unwrap_or("");
                if is_decimal(word) && ["µs", "ms", "s"].contains(&unit) {
                    normalised.push("<dur>");
                    i += 2;
                    continue;
                }
                if i == 1
                    && words[0] == "trace"
                    && word.len() == 32
                    && word.chars().all(|c| c.is_ascii_hexdigit())
                {
                    normalised.push("<trace-id>");
                } else {
                    normalised.push(word);
                }
                i += 1;
            }
            out.push_str(indent);
            out.push_str(&normalised.join(" "));
            out.push('\n');
        }
        out
    }

    fn is_decimal(word: &str) -> bool {
        match word.split_once('.') {
            Some((whole, hundredths)) => {
                !whole.is_empty()
                    && whole.chars().all(|c| c.is_ascii_digit())
                    && hundredths.len() == 2
                    && hundredths.chars().all(|c| c.is_ascii_digit())
            }
            None => false,
        }
    }

    fn provider_with_buffer() -> (SdkTracerProvider, SharedBuffer) {
        let buffer = SharedBuffer::new();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(ConsoleSpanProcessor::with_writer(Box::new(buffer.clone())))
            .build();
        (provider, buffer)
    }

    #[test]
    fn normalise_replaces_ids_durations_and_bars() {
        assert_eq!(
            normalise(
                "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 12.41 ms · 2 spans\n\
                 a    250.00 µs ▕ ██ ▏ k=v\n└─ b  1.20 s ▕█   ▏\n"
            ),
            "trace <trace-id> · <dur> · 2 spans\na <dur> ▕<bar>▏ k=v\n└─ b <dur> ▕<bar>▏\n"
        );
    }

    #[test]
    fn sdk_trace_is_printed_when_its_root_ends() {
        let (provider, buffer) = provider_with_buffer();
        let tracer = provider.tracer("console-test");
        let root = tracer
            .span_builder("chat.request")
            .with_kind(SpanKind::Server)
            .with_attributes([KeyValue::new("http.route", "/chat")])
            .start(&tracer);
        let root_cx = opentelemetry::Context::current_with_span(root);
        let _guard = root_cx.clone().attach();
        tracer.in_span("tokenize", |cx| {
            cx.span()
                .set_attribute(KeyValue::new("llm.tokens.in", 42_i64));
        });
        tracer.in_span("llm.generate", |cx| {
            cx.span()
                .set_attribute(KeyValue::new("gen_ai.request.model", "gpt-4o-mini"));
            tracer.in_span("llm.decode", |cx| {
                let span = cx.span();
                span.set_attribute(KeyValue::new("error.type", "timeout"));
                span.set_status(Status::error("timeout"));
            });
        });
        assert_eq!(
            buffer.contents(),
            "",
            "nothing printed before the root ends"
        );
        root_cx.span().end();
        // Printed by the console thread: the flush waits for it.
        provider.force_flush().unwrap();
        let expected = "\
trace <trace-id> · <dur> · 4 spans
chat.request SERVER <dur> ▕<bar>▏ http.route=/chat
├─ tokenize <dur> ▕<bar>▏ llm.tokens.in=42
└─ llm.generate <dur> ▕<bar>▏ gen_ai.request.model=gpt-4o-mini
   └─ llm.decode ✗ timeout <dur> ▕<bar>▏ error.type=timeout

";
        let printed = buffer.take();
        assert_eq!(normalise(&printed), expected, "\n{printed}");
        // The root's bar spans the whole trace.
        assert!(
            printed.contains(&format!("▕{}▏", "█".repeat(30))),
            "{printed}"
        );
        provider.shutdown().unwrap();
        assert_eq!(buffer.contents(), "", "nothing left to print at shutdown");
    }

    #[test]
    fn incomplete_trace_is_printed_on_shutdown() {
        let (provider, buffer) = provider_with_buffer();
        let tracer = provider.tracer("console-test");
        let root = tracer.start("never.ends");
        let cx = opentelemetry::Context::current_with_span(root);
        tracer.start_with_context("step.one", &cx).end();
        tracer.start_with_context("step.two", &cx).end();
        provider.force_flush().unwrap();
        let expected = "\
trace <trace-id> · <dur> · 2 spans · incomplete, root span not ended
step.one <dur> ▕<bar>▏
step.two <dur> ▕<bar>▏

";
        let printed = buffer.take();
        assert_eq!(normalise(&printed), expected, "\n{printed}");
        tracer.start_with_context("step.three", &cx).end();
        provider.shutdown().unwrap();
        let expected = "\
trace <trace-id> · <dur> · 1 span · incomplete, root span not ended
step.three <dur> ▕<bar>▏

";
        let printed = buffer.take();
        assert_eq!(normalise(&printed), expected, "\n{printed}");
        drop(cx); // ends the root after shutdown: ignored
        assert_eq!(buffer.contents(), "");
    }

    #[test]
    fn spans_ending_after_their_root_are_printed_late() {
        let (provider, buffer) = provider_with_buffer();
        let tracer = provider.tracer("console-test");
        let cx = opentelemetry::Context::current_with_span(tracer.start("request"));
        let mut background = tracer.start_with_context("background.flush", &cx);
        tracer.start_with_context("handler", &cx).end();
        cx.span().end();
        background.set_attribute(KeyValue::new("items", 3_i64));
        background.end();
        provider.shutdown().unwrap();
        let expected = "\
trace <trace-id> · <dur> · 2 spans
request <dur> ▕<bar>▏
└─ handler <dur> ▕<bar>▏

trace <trace-id> · <dur> · 1 span · late spans, ended after the trace was printed
background.flush <dur> ▕<bar>▏ items=3

";
        let printed = buffer.contents();
        assert_eq!(normalise(&printed), expected, "\n{printed}");
    }

    #[test]
    fn span_with_remote_parent_is_a_local_root() {
        let (provider, buffer) = provider_with_buffer();
        let tracer = provider.tracer("console-test");
        let trace_id = TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap();
        let remote = SpanContext::new(
            trace_id,
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::SAMPLED,
            true,
            TraceState::default(),
        );
        let parent_cx = opentelemetry::Context::new().with_remote_span_context(remote);
        for name in ["first.call", "second.call"] {
            let server = tracer
                .span_builder(name)
                .with_kind(SpanKind::Server)
                .start_with_context(&tracer, &parent_cx);
            let cx = parent_cx.with_span(server);
            tracer.start_with_context("db.query", &cx).end();
            cx.span().end();
        }
        let expected = "\
trace <trace-id> · <dur> · 2 spans
first.call SERVER <dur> ▕<bar>▏
└─ db.query <dur> ▕<bar>▏

trace <trace-id> · <dur> · 2 spans
second.call SERVER <dur> ▕<bar>▏
└─ db.query <dur> ▕<bar>▏

";
        // Printed as each root ended (the flush waits for the console thread).
        provider.force_flush().unwrap();
        let printed = buffer.contents();
        assert_eq!(normalise(&printed), expected, "\n{printed}");
        let header = "trace 4bf92f3577b34da6a3ce929d0e0e4736 ·";
        assert_eq!(printed.matches(header).count(), 2, "\n{printed}");
        provider.shutdown().unwrap();
        assert_eq!(buffer.contents(), printed);
    }

    fn span_data(id: u64, parent: u64, name: &'static str) -> SpanData {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        SpanData {
            span_context: SpanContext::new(
                TraceId::from(7_u128),
                SpanId::from(id),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            ),
            parent_span_id: SpanId::from(parent),
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: name.into(),
            start_time: start + Duration::from_millis(id),
            end_time: start + Duration::from_millis(20 - id),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("test").build(),
        }
    }

    #[test]
    fn spans_beyond_the_bound_are_dropped_and_counted() {
        let buffer = SharedBuffer::new();
        let processor =
            ConsoleSpanProcessor::with_writer(Box::new(buffer.clone())).with_max_buffered_spans(2);
        processor.on_end(span_data(2, 1, "kept.one"));
        processor.on_end(span_data(3, 1, "kept.two"));
        processor.on_end(span_data(4, 1, "dropped"));
        assert_eq!(processor.dropped(), 1);
        // The root is never dropped, and printing it frees the buffer.
        processor.on_end(span_data(1, 0, "root"));
        processor.on_end(span_data(5, 1, "late"));
        assert_eq!(processor.dropped(), 1);
        assert!(format!("{processor:?}").contains("buffered: 1"));
        processor.shutdown().unwrap();
        assert!(matches!(
            processor.shutdown(),
            Err(OTelSdkError::AlreadyShutdown)
        ));
        processor.on_end(span_data(6, 0, "after.shutdown"));
        let expected = concat!(
            "trace 00000000000000000000000000000007 · 18.00 ms · 3 spans\n",
            "root         18.00 ms ▕██████████████████████████████▏\n",
            "├─ kept.one  16.00 ms ▕  ██████████████████████████  ▏\n",
            "└─ kept.two  14.00 ms ▕   ████████████████████████   ▏\n",
            "\n",
            "trace 00000000000000000000000000000007 · 10.00 ms · 1 span · late spans, ended after the trace was printed\n",
            "late  10.00 ms ▕██████████████████████████████▏\n",
            "\n",
            "console exporter: 1 span dropped (buffer limit 2 spans)\n",
        );
        assert_eq!(buffer.contents(), expected, "\n{}", buffer.contents());
    }

    #[test]
    fn spans_beyond_the_byte_bound_are_dropped_and_counted() {
        let buffer = SharedBuffer::new();
        let processor = ConsoleSpanProcessor::with_writer(Box::new(buffer.clone()))
            .with_max_buffered_bytes(3 << 20);
        let big = |id: u64| {
            let mut span = span_data(id, 1, "big");
            span.attributes
                .push(opentelemetry::KeyValue::new("payload", "x".repeat(1 << 20)));
            span
        };
        for id in 2..7 {
            processor.on_end(big(id));
        }
        assert_eq!(processor.dropped(), 3, "two spans of 1 MiB fit in 3 MiB");
        processor.on_end(span_data(1, 0, "root"));
        // Printed and freed: room again.
        processor.on_end(big(8));
        assert_eq!(processor.dropped(), 3);
        assert!(format!("{processor:?}").contains("buffered: 1"));
    }

    /// A writer that always fails.
    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _buf: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::other("disk full"))
        }
    }

    #[test]
    fn write_errors_are_reported_by_flush_and_never_panic() {
        let processor = ConsoleSpanProcessor::with_writer(Box::new(Broken));
        processor.on_end(span_data(1, 0, "root"));
        processor.on_end(span_data(2, 1, "orphan"));
        assert!(matches!(
            processor.force_flush(),
            Err(OTelSdkError::InternalFailure(message)) if message.contains("disk full")
        ));
        assert!(processor.force_flush().is_ok(), "nothing left to write");
    }

    #[test]
    fn poisoned_locks_are_recovered() {
        let buffer = SharedBuffer::new();
        let processor = Arc::new(ConsoleSpanProcessor::with_writer(Box::new(buffer.clone())));
        let poisoner = Arc::clone(&processor);
        let _ = std::thread::spawn(move || {
            let _state = poisoner.state.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(processor.state.is_poisoned());
        processor.on_end(span_data(1, 0, "root"));
        processor.force_flush().unwrap();
        assert!(buffer.contents().contains("root"));
    }

    #[test]
    fn the_thread_that_ends_the_root_does_not_write() {
        // A writer that blocks until the test lets it go: the root's `on_end` returns
        // anyway, and the flush waits for the write.
        struct Gate(Arc<(Mutex<bool>, std::sync::Condvar)>, SharedBuffer);
        impl Write for Gate {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let (open, ready) = &*self.0;
                let mut open = open.lock().unwrap();
                while !*open {
                    open = ready.wait(open).unwrap();
                }
                self.1.write(buf)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let gate = Arc::new((Mutex::new(false), std::sync::Condvar::new()));
        let buffer = SharedBuffer::new();
        let processor =
            ConsoleSpanProcessor::with_writer(Box::new(Gate(gate.clone(), buffer.clone())));
        processor.on_end(span_data(1, 0, "root"));
        assert_eq!(
            buffer.contents(),
            "",
            "returned before anything was written"
        );
        *gate.0.lock().unwrap() = true;
        gate.1.notify_all();
        processor.force_flush().unwrap();
        assert!(buffer.contents().contains("root"));
    }
}
