//! Pure rendering of a set of finished spans as an indented waterfall tree.
//!
//! Nothing in here does I/O or reads the clock: the output depends only on
//! the spans and the [`Layout`], so equal input gives byte-for-byte equal
//! output, whatever the order of the input slice.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use opentelemetry::trace::{SpanId, SpanKind, Status};
use opentelemetry::{Array, KeyValue, Value};
use opentelemetry_sdk::trace::SpanData;

/// Left edge of the waterfall bar.
const BAR_LEFT: char = '▕';
/// Right edge of the waterfall bar.
const BAR_RIGHT: char = '▏';
/// A bar cell during which the span ran.
const BAR_FILLED: char = '█';
/// A bar cell during which the span did not run.
const BAR_EMPTY: char = ' ';
/// Marks a span whose status is `Error`.
const ERROR_MARK: char = '✗';
/// Marks truncated text.
const ELLIPSIS: char = '…';

/// Attributes that instrumentation bridges (notably `tracing-opentelemetry`)
/// add to every span. They say where the span was created, not what it did,
/// so the console view leaves them out.
const NOISE_KEYS: &[&str] = &["level", "target", "busy_ns", "idle_ns"];
/// Key prefixes of attributes left out for the same reason as [`NOISE_KEYS`].
const NOISE_PREFIXES: &[&str] = &["code.", "thread."];

/// The geometry of a rendered trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Number of cells of the waterfall bar, without its two edge characters.
    pub(crate) bar_width: usize,
    /// Longest name column (tree prefix, name, kind and error mark), in chars.
    pub(crate) name_width_cap: usize,
    /// Most attributes shown inline per span.
    pub(crate) max_attributes: usize,
    /// Longest attribute value or error description shown, in chars.
    pub(crate) max_value_chars: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Self {
            bar_width: 30,
            name_width_cap: 56,
            max_attributes: 4,
            max_value_chars: 40,
        }
    }
}

/// One output line before column alignment.
struct Row {
    /// Tree prefix, name, kind and error mark, already truncated.
    label: String,
    duration: String,
    bar: String,
    attributes: String,
}

/// Renders `spans`, which should all belong to one trace, as a header line
/// followed by one line per span, each line ending with `\n`.
///
/// Spans whose parent is not among `spans` are roots; children are ordered by
/// start time. `note`, when given, is appended to the header (for example to
/// say that the trace is incomplete). An empty slice renders as an empty
/// string.
pub(crate) fn render_trace(spans: &[SpanData], note: Option<&str>, layout: &Layout) -> String {
    render_trace_of_services(spans, None, note, layout)
}

/// [`render_trace`] of a trace that crossed processes: `services[i]` is the `service.name` of
/// `spans[i]`. When the spans come from more than one service, the label of each root and of
/// each span whose service differs from its parent's ends with `[service]`, so the line where
/// a trace enters another process says which.
pub(crate) fn render_trace_of_services(
    spans: &[SpanData],
    services: Option<&[&str]>,
    note: Option<&str>,
    layout: &Layout,
) -> String {
    if spans.is_empty() {
        return String::new();
    }
    let order = sorted_indices(spans);
    let trace_start = order
        .iter()
        .map(|&i| spans[i].start_time)
        .min()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let trace_end = order
        .iter()
        .map(|&i| spans[i].end_time)
        .max()
        .unwrap_or(trace_start)
        .max(trace_start);
    let total = elapsed(trace_start, trace_end);

    let parent_of = parents(spans, &order);
    let services =
        services.filter(|s| s.len() == spans.len() && s.iter().any(|name| *name != s[0]));
    let rows: Vec<Row> = tree_order(spans, &order, &parent_of)
        .into_iter()
        .map(|(index, prefix)| {
            let span = &spans[index];
            let mut label = span_label(span, layout);
            if let Some(services) = services {
                let service = services[index];
                if parent_of[index].is_none_or(|p| services[p] != service) {
                    let _ = write!(label, " [{}]", sanitize(service));
                }
            }
            let label = truncate(&format!("{prefix}{label}"), layout.name_width_cap);
            Row {
                label,
                duration: format_duration(elapsed(span.start_time, span.end_time)),
                bar: bar(span, trace_start, total, layout.bar_width),
                attributes: format_attributes(span, layout),
            }
        })
        .collect();

    let name_width = rows.iter().map(|r| char_len(&r.label)).max().unwrap_or(0);
    let duration_width = rows
        .iter()
        .map(|r| char_len(&r.duration))
        .max()
        .unwrap_or(0);

    let mut out = String::new();
    let count = spans.len();
    let _ = write!(
        out,
        "trace {} · {} · {count} span{}",
        spans[order[0]].span_context.trace_id(),
        format_duration(total),
        if count == 1 { "" } else { "s" },
    );
    if let Some(note) = note {
        let _ = write!(out, " · {}", sanitize(note));
    }
    out.push('\n');
    for row in rows {
        let _ = write!(
            out,
            "{label}{pad}  {dpad}{duration} {bar}",
            label = row.label,
            pad = " ".repeat(name_width - char_len(&row.label)),
            dpad = " ".repeat(duration_width - char_len(&row.duration)),
            duration = row.duration,
            bar = row.bar,
        );
        if !row.attributes.is_empty() {
            out.push(' ');
            out.push_str(&row.attributes);
        }
        out.push('\n');
    }
    out
}

/// Formats a duration with two decimals in the largest unit (µs, ms, s) that
/// keeps the value below 1000 (seconds are never converted further).
pub(crate) fn format_duration(duration: Duration) -> String {
    const UNITS: [(u128, &str); 3] = [(1_000, "µs"), (1_000_000, "ms"), (1_000_000_000, "s")];
    let nanos = duration.as_nanos();
    let mut text = String::new();
    for (position, (divisor, unit)) in UNITS.iter().enumerate() {
        // Hundredths of the unit, rounded half up, in integers for exactness.
        let hundredths = (nanos.saturating_mul(100) + divisor / 2) / divisor;
        if hundredths < 100_000 || position == UNITS.len() - 1 {
            text = format!("{}.{:02} {unit}", hundredths / 100, hundredths % 100);
            break;
        }
    }
    text
}

/// Indices into `spans`, ordered by start time, then end time, then span id
/// and name, so that the rendering does not depend on the input order.
fn sorted_indices(spans: &[SpanData]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&spans[a], &spans[b]);
        a.start_time
            .cmp(&b.start_time)
            .then(a.end_time.cmp(&b.end_time))
            .then(
                a.span_context
                    .span_id()
                    .to_bytes()
                    .cmp(&b.span_context.span_id().to_bytes()),
            )
            .then(a.name.cmp(&b.name))
    });
    order
}

/// Depth-first order of the span tree, as `(index into spans, tree prefix)`.
///
/// Every span appears exactly once, even with malformed input: duplicate span
/// ids attach children to the first span with that id, and a parent cycle is
/// broken at its earliest span, which is then shown as a root.
fn tree_order(
    spans: &[SpanData],
    order: &[usize],
    parent_of: &[Option<usize>],
) -> Vec<(usize, String)> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    let mut roots = Vec::new();
    for &i in order {
        match parent_of[i] {
            Some(parent) => children[parent].push(i),
            None => roots.push(i),
        }
    }

    let mut visited = vec![false; spans.len()];
    let mut rows = Vec::with_capacity(spans.len());
    // (span, prefix of its own line, prefix inherited by its children)
    let mut stack: Vec<(usize, String, String)> = Vec::new();
    let mut next_root = 0;
    let mut next_unvisited = 0;
    loop {
        if stack.is_empty() {
            let start = if let Some(&root) = roots.get(next_root) {
                next_root += 1;
                root
            } else {
                // Only spans caught in a parent cycle can be left over here.
                while next_unvisited < order.len() && visited[order[next_unvisited]] {
                    next_unvisited += 1;
                }
                match order.get(next_unvisited) {
                    Some(&i) => i,
                    None => break,
                }
            };
            if visited[start] {
                continue;
            }
            stack.push((start, String::new(), String::new()));
        }
        let Some((index, prefix, inherited)) = stack.pop() else {
            break;
        };
        if visited[index] {
            continue;
        }
        visited[index] = true;
        rows.push((index, prefix));
        let pending: Vec<usize> = children[index]
            .iter()
            .copied()
            .filter(|&c| !visited[c])
            .collect();
        for (position, &child) in pending.iter().enumerate().rev() {
            let last = position + 1 == pending.len();
            let (branch, continuation) = if last {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            stack.push((
                child,
                format!("{inherited}{branch}"),
                format!("{inherited}{continuation}"),
            ));
        }
    }
    rows
}

/// The index of each span's parent among `spans`, `None` for a root. With duplicate span ids
/// the parent is the earliest span with that id (in the sorted order); a span is never its
/// own parent.
fn parents(spans: &[SpanData], order: &[usize]) -> Vec<Option<usize>> {
    let mut by_id: HashMap<SpanId, usize> = HashMap::with_capacity(spans.len());
    for &i in order {
        by_id.entry(spans[i].span_context.span_id()).or_insert(i);
    }
    (0..spans.len())
        .map(|i| {
            let span = &spans[i];
            let parent = span.parent_span_id;
            if parent == SpanId::INVALID || parent == span.span_context.span_id() {
                return None;
            }
            by_id.get(&parent).copied().filter(|&p| p != i)
        })
        .collect()
}

/// Name, kind (unless internal) and error mark of a span.
fn span_label(span: &SpanData, layout: &Layout) -> String {
    let mut label = sanitize(&span.name);
    let kind = match span.span_kind {
        SpanKind::Client => Some("CLIENT"),
        SpanKind::Server => Some("SERVER"),
        SpanKind::Producer => Some("PRODUCER"),
        SpanKind::Consumer => Some("CONSUMER"),
        SpanKind::Internal => None,
    };
    if let Some(kind) = kind {
        label.push(' ');
        label.push_str(kind);
    }
    if let Status::Error { description } = &span.status {
        label.push(' ');
        label.push(ERROR_MARK);
        let description = sanitize(description);
        if !description.is_empty() {
            label.push(' ');
            label.push_str(&truncate(&description, layout.max_value_chars));
        }
    }
    label
}

/// The waterfall bar of `span` within a trace starting at `trace_start` and
/// lasting `total`: at least one filled cell, all cells when `total` is zero.
fn bar(span: &SpanData, trace_start: SystemTime, total: Duration, width: usize) -> String {
    let width = width.max(1);
    let total = total.as_nanos();
    let (first, end) = if total == 0 {
        (0, width)
    } else {
        let offset_start = elapsed(trace_start, span.start_time).as_nanos();
        let offset_end = elapsed(trace_start, span.end_time)
            .as_nanos()
            .max(offset_start);
        let cell = |offset: u128| -> usize {
            let scaled = (offset.min(total) * width as u128 * 2 + total) / (total * 2);
            usize::try_from(scaled).unwrap_or(width).min(width)
        };
        let first = cell(offset_start).min(width - 1);
        let end = cell(offset_end).max(first + 1);
        (first, end)
    };
    let mut bar = String::with_capacity((width + 2) * 3);
    bar.push(BAR_LEFT);
    for position in 0..width {
        bar.push(if (first..end).contains(&position) {
            BAR_FILLED
        } else {
            BAR_EMPTY
        });
    }
    bar.push(BAR_RIGHT);
    bar
}

/// Up to `layout.max_attributes` attributes as `key=value`, separated by
/// spaces, followed by `+N more` when some were not shown or were dropped.
fn format_attributes(span: &SpanData, layout: &Layout) -> String {
    let shown: Vec<&KeyValue> = span
        .attributes
        .iter()
        .filter(|kv| !is_noise(kv.key.as_str()))
        .collect();
    let mut parts: Vec<String> = shown
        .iter()
        .take(layout.max_attributes)
        .map(|kv| {
            format!(
                "{}={}",
                sanitize(kv.key.as_str()),
                format_value(&kv.value, layout.max_value_chars)
            )
        })
        .collect();
    let hidden = shown.len().saturating_sub(layout.max_attributes) as u64
        + u64::from(span.dropped_attributes_count);
    if hidden > 0 {
        parts.push(format!("+{hidden} more"));
    }
    parts.join(" ")
}

fn is_noise(key: &str) -> bool {
    NOISE_KEYS.contains(&key) || NOISE_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// An attribute value, at most `max_chars` chars long.
fn format_value(value: &Value, max_chars: usize) -> String {
    fn list<T>(items: &[T], item: impl Fn(&T) -> String) -> String {
        let items: Vec<String> = items.iter().map(item).collect();
        format!("[{}]", items.join(", "))
    }
    let text = match value {
        Value::Bool(v) => v.to_string(),
        Value::I64(v) => v.to_string(),
        Value::F64(v) => v.to_string(),
        Value::String(v) => return quote(&truncate(&sanitize(v.as_str()), max_chars)),
        Value::Array(Array::Bool(v)) => list(v, bool::to_string),
        Value::Array(Array::I64(v)) => list(v, i64::to_string),
        Value::Array(Array::F64(v)) => list(v, f64::to_string),
        Value::Array(Array::String(v)) => list(v, |s| quote(&sanitize(s.as_str()))),
        other => sanitize(&other.to_string()),
    };
    truncate(&text, max_chars)
}

/// Wraps text in double quotes when it is empty or contains whitespace, so
/// that it still reads as one value on a `key=value` line.
fn quote(text: &str) -> String {
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}

/// Escapes control characters (line breaks above all), which would break the
/// one-line-per-span layout.
fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to at most `max_chars` chars, the last one being `…` when cut.
fn truncate(text: &str, max_chars: usize) -> String {
    if char_len(text) <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max_chars - 1).collect();
    out.push(ELLIPSIS);
    out
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Time from `from` to `to`, zero if `to` is earlier.
fn elapsed(from: SystemTime, to: SystemTime) -> Duration {
    to.duration_since(from).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::InstrumentationScope;
    use opentelemetry::trace::{SpanContext, TraceFlags, TraceId, TraceState};
    use opentelemetry::{Array, StringValue};
    use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    fn at(micros: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000) + Duration::from_micros(micros)
    }

    fn span(id: u64, parent: u64, name: &'static str, start_us: u64, end_us: u64) -> SpanData {
        SpanData {
            span_context: SpanContext::new(
                TraceId::from_hex(TRACE).unwrap(),
                SpanId::from(id),
                TraceFlags::SAMPLED,
                false,
                TraceState::default(),
            ),
            parent_span_id: SpanId::from(parent),
            parent_span_is_remote: false,
            span_kind: SpanKind::Internal,
            name: name.into(),
            start_time: at(start_us),
            end_time: at(end_us),
            attributes: Vec::new(),
            dropped_attributes_count: 0,
            events: SpanEvents::default(),
            links: SpanLinks::default(),
            status: Status::Unset,
            instrumentation_scope: InstrumentationScope::builder("test").build(),
        }
    }

    /// A 3-level LLM request trace with an error and attributes of every type.
    fn chat_trace() -> Vec<SpanData> {
        let mut root = span(1, 0, "chat.request", 0, 12_410);
        root.span_kind = SpanKind::Server;
        root.attributes = vec![
            KeyValue::new("http.route", "/chat"),
            KeyValue::new("http.response.status_code", 200_i64),
            KeyValue::new("code.file.path", "src/main.rs"),
        ];
        let mut tokenize = span(2, 1, "tokenize", 100, 620);
        tokenize.attributes = vec![KeyValue::new("llm.tokens.in", 42_i64)];
        let mut generate = span(3, 1, "llm.generate", 1_000, 11_500);
        generate.span_kind = SpanKind::Client;
        generate.attributes = vec![
            KeyValue::new("gen_ai.request.model", "gpt-4o-mini"),
            KeyValue::new("gen_ai.request.temperature", 0.7),
            KeyValue::new("gen_ai.request.stream", true),
            KeyValue::new(
                "gen_ai.request.stop_sequences",
                Value::Array(Array::String(vec![
                    StringValue::from("\n\n"),
                    StringValue::from("END"),
                ])),
            ),
            KeyValue::new("gen_ai.prompt", "Summarise this document"),
        ];
        let mut decode = span(4, 3, "llm.decode", 2_000, 10_000);
        decode.status = Status::error("timeout");
        decode.attributes = vec![
            KeyValue::new("error.type", "timeout"),
            KeyValue::new(
                "gen_ai.response.partial",
                "The quarterly report shows that revenue grew by twelve percent",
            ),
        ];
        let mut retry = span(5, 3, "retry.backoff", 10_000, 10_250);
        retry.attributes = vec![KeyValue::new("retry.attempt", 2_i64)];
        retry.dropped_attributes_count = 1;
        let respond = span(6, 1, "respond", 11_600, 12_400);
        // Deliberately out of order: the renderer sorts.
        vec![retry, respond, decode, root, generate, tokenize]
    }

    #[test]
    fn golden_chat_trace() {
        let out = render_trace(&chat_trace(), None, &Layout::default());
        let expected = concat!(
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 12.41 ms · 6 spans\n",
            "chat.request SERVER          12.41 ms ▕██████████████████████████████▏ http.route=/chat http.response.status_code=200\n",
            "├─ tokenize                 520.00 µs ▕█                             ▏ llm.tokens.in=42\n",
            "├─ llm.generate CLIENT       10.50 ms ▕  ██████████████████████████  ▏ gen_ai.request.model=gpt-4o-mini gen_ai.request.temperature=0.7 gen_ai.request.stream=true gen_ai.request.stop_sequences=[\\n\\n, END] +1 more\n",
            "│  ├─ llm.decode ✗ timeout    8.00 ms ▕     ███████████████████      ▏ error.type=timeout gen_ai.response.partial=\"The quarterly report shows that revenue…\"\n",
            "│  └─ retry.backoff         250.00 µs ▕                        █     ▏ retry.attempt=2 +1 more\n",
            "└─ respond                  800.00 µs ▕                            ██▏\n",
        );
        assert_eq!(out, expected, "\n{out}");
    }

    #[test]
    fn output_does_not_depend_on_input_order() {
        let spans = chat_trace();
        let expected = render_trace(&spans, None, &Layout::default());
        let mut reversed = spans.clone();
        reversed.reverse();
        assert_eq!(render_trace(&reversed, None, &Layout::default()), expected);
        let mut rotated = spans;
        rotated.rotate_left(2);
        assert_eq!(render_trace(&rotated, None, &Layout::default()), expected);
    }

    #[test]
    fn durations_pick_a_unit_and_round() {
        let cases = [
            (Duration::ZERO, "0.00 µs"),
            (Duration::from_nanos(250), "0.25 µs"),
            (Duration::from_nanos(250_004), "250.00 µs"),
            (Duration::from_nanos(999_994), "999.99 µs"),
            (Duration::from_nanos(999_995), "1.00 ms"),
            (Duration::from_micros(12_414), "12.41 ms"),
            (Duration::from_micros(12_415), "12.42 ms"),
            (Duration::from_millis(1_200), "1.20 s"),
            (Duration::from_secs(4_000), "4000.00 s"),
        ];
        for (duration, text) in cases {
            assert_eq!(format_duration(duration), text, "{duration:?}");
        }
    }

    #[test]
    fn spans_with_absent_parents_are_roots_and_notes_go_in_the_header() {
        // Span 3's parent (9) is not in the set; span 2 is its child.
        let spans = vec![
            span(2, 3, "child", 200, 300),
            span(3, 9, "orphan", 100, 400),
            span(4, 8, "other.orphan", 0, 50),
        ];
        let out = render_trace(&spans, Some("incomplete"), &Layout::default());
        let expected = concat!(
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 400.00 µs · 3 spans · incomplete\n",
            "other.orphan   50.00 µs ▕████                          ▏\n",
            "orphan        300.00 µs ▕        ██████████████████████▏\n",
            "└─ child      100.00 µs ▕               ████████       ▏\n",
        );
        assert_eq!(out, expected, "\n{out}");
    }

    #[test]
    fn zero_length_trace_fills_the_bar_and_one_span_is_singular() {
        let out = render_trace(&[span(1, 0, "instant", 5, 5)], None, &Layout::default());
        let expected = concat!(
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 0.00 µs · 1 span\n",
            "instant  0.00 µs ▕██████████████████████████████▏\n",
        );
        assert_eq!(out, expected, "\n{out}");
    }

    #[test]
    fn malformed_input_still_renders_every_span_once() {
        // 1 and 2 are each other's parent; 3 is its own parent; 4 ends before
        // it starts. Real roots come first, then the cycle, broken at its
        // earliest span.
        let spans = vec![
            span(1, 2, "a", 0, 100),
            span(2, 1, "b", 10, 20),
            span(3, 3, "self", 30, 40),
            span(4, 0, "backwards", 90, 60),
        ];
        let out = render_trace(&spans, None, &Layout::default());
        let expected = concat!(
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 100.00 µs · 4 spans\n",
            "self        10.00 µs ▕         ███                  ▏\n",
            "backwards    0.00 µs ▕                           █  ▏\n",
            "a          100.00 µs ▕██████████████████████████████▏\n",
            "└─ b        10.00 µs ▕   ███                        ▏\n",
        );
        assert_eq!(out, expected, "\n{out}");
        assert_eq!(render_trace(&[], None, &Layout::default()), "");
    }

    #[test]
    fn long_names_and_control_characters_are_tamed() {
        let mut long = span(
            1,
            0,
            "a.span.name.that.goes.on.and.on.and.on.well.past.the.cap",
            0,
            10,
        );
        long.status = Status::error("line one\nline two");
        long.attributes = vec![
            KeyValue::new("empty", ""),
            KeyValue::new("ints", Value::Array(Array::I64(vec![1, 2, 3]))),
            KeyValue::new("flags", Value::Array(Array::Bool(vec![true, false]))),
            KeyValue::new("thread.id", 7_i64),
            KeyValue::new("floats", Value::Array(Array::F64(vec![0.5, 2.0]))),
        ];
        let layout = Layout {
            name_width_cap: 24,
            bar_width: 10,
            ..Layout::default()
        };
        let out = render_trace(&[long], None, &layout);
        let expected = concat!(
            "trace 4bf92f3577b34da6a3ce929d0e0e4736 · 10.00 µs · 1 span\n",
            "a.span.name.that.goes.o…  10.00 µs ▕██████████▏ empty=\"\" ints=[1, 2, 3] flags=[true, false] floats=[0.5, 2]\n",
        );
        assert_eq!(out, expected, "\n{out}");
        let mut name = span(1, 0, "two\nlines", 0, 10);
        name.status = Status::error("");
        let out = render_trace(&[name], None, &Layout::default());
        assert!(out.contains("two\\nlines ✗  "), "{out}");
        assert_eq!(out.lines().count(), 2, "{out}");
    }
}
