//! The size-bounded JSON encoder of content attributes: any serializable value becomes
//! compact JSON of at most a given number of bytes, shortened so that it stays valid JSON of
//! the same shape (see [`to_json_truncated`]). Generic: it knows JSON, not GenAI; the GenAI
//! message types in [`content`](super::content) record through it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// What replaces the end of a shortened string, and a `serde_json::Value` nested deeper than
/// [`MAX_JSON_DEPTH`]: `…` (U+2026, three bytes of UTF-8).
pub const TRUNCATION_MARKER: &str = "\u{2026}";

/// How deep a `serde_json::Value` given as content (tool call arguments and responses, a bare
/// value) may nest: an array or object deeper than this is recorded as
/// [`TRUNCATION_MARKER`], so that serializing never exhausts the stack.
pub const MAX_JSON_DEPTH: usize = 64;

/// Bytes of [`TRUNCATION_MARKER`].
const MARKER_LEN: usize = TRUNCATION_MARKER.len();

/// Shortened strings keep at least this many bytes (of JSON) before trailing elements are
/// dropped, unless nothing would be left then.
pub(super) const SHORTEST_CUT: usize = 32;

/// Object keys whose string values are identifiers or enum-like discriminators: they are
/// shortened only when shortening everything else was not enough.
const PROTECTED_KEYS: [&str; 8] = [
    "type",
    "role",
    "finish_reason",
    "id",
    "name",
    "mime_type",
    "modality",
    "file_id",
];

/// Serializes `value` to compact JSON of at most `max_bytes` bytes, shortening it the way
/// that keeps the most of it and keeps it valid:
///
/// 1. If the JSON fits, it is returned as `serde_json` writes it.
/// 2. Otherwise the longest strings are shortened first, all to the same length, each ending
///    with [`TRUNCATION_MARKER`] (cut on a character boundary). Identifiers and discriminators
///    (the values of `type`, `role`, `finish_reason`, `id`, `name`, `mime_type`, `modality`,
///    `file_id`) are left whole while shortening the others is enough.
/// 3. When strings down to 32 bytes still do not fit, trailing array elements are dropped
///    (the last messages, then the last parts of the last message kept, ...): the result is
///    the longest prefix of the document that fits, with its strings lengthened again to use
///    the room left. Objects always keep all their keys, so required properties stay. If not
///    even one string of 32 bytes fits, strings go down to the marker alone instead; if that
///    is not enough either, identifiers and discriminators are cut to 32 bytes too.
/// 4. If even the empty skeleton does not fit, the result is the empty value of the same
///    kind: `[]`, `{}`, `""` or `null`.
///
/// So the result is valid JSON of the same shape (messages keep their role, parts their
/// type), and at most `max_bytes` long whenever `max_bytes` is at least the length of that
/// empty value (2 bytes, 4 for a number or boolean); below that, the empty value is returned
/// anyway. Below about 64 bytes not even a message of one text part fits: expect messages
/// with empty `parts`, or `[]`.
///
/// The cost is linear in the size of the JSON (plus a logarithmic factor in the number of
/// strings). A value that fails to serialize is recorded as `null`. `value` is serialized
/// with its own `Serialize` impl, which nests as deep as the value: the types of this module
/// cap the `serde_json::Value`s they hold at [`MAX_JSON_DEPTH`], and
/// [`ContentValue::to_content_json`](super::content::ContentValue::to_content_json) does it for a bare `serde_json::Value`.
pub fn to_json_truncated<T: Serialize + ?Sized>(value: &T, max_bytes: usize) -> String {
    let text = match serde_json::to_string(value) {
        Ok(text) => text,
        Err(_) => return "null".to_owned(),
    };
    if text.len() <= max_bytes {
        return text;
    }
    match serde_json::from_str::<Node<'_>>(&text) {
        Ok(node) => encode_tree(node, max_bytes),
        // Nested deeper than serde_json parses (128).
        Err(_) => match text.as_bytes().first() {
            Some(b'[') => "[]",
            Some(b'{') => "{}",
            Some(b'"') => "\"\"",
            _ => "null",
        }
        .to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Truncation: a JSON tree that knows its sizes
// ---------------------------------------------------------------------------------------------

/// A JSON value, in document order, with its serialized sizes under the current caps.
pub(super) struct Node<'a> {
    kind: Kind<'a>,
    /// Bytes of the node with everything kept.
    pub(super) full: usize,
    /// Bytes of the node with every array inside emptied (objects keep their keys).
    min: usize,
}

enum Kind<'a> {
    /// `null`, `true`, `false` or a number, as serialized.
    Lit(Cow<'a, str>),
    Str {
        text: Cow<'a, str>,
        /// Bytes of the escaped text, without the quotes.
        esc: usize,
        protected: bool,
    },
    Arr {
        items: Vec<Node<'a>>,
        /// How many leading items are kept.
        keep: usize,
    },
    Obj(Vec<Entry<'a>>),
}

struct Entry<'a> {
    key: Cow<'a, str>,
    /// Bytes of `"key":`.
    cost: usize,
    value: Node<'a>,
}

impl<'a> Node<'a> {
    fn new(kind: Kind<'a>) -> Self {
        Node {
            kind,
            full: 0,
            min: 0,
        }
    }

    fn lit(text: impl Into<Cow<'a, str>>) -> Self {
        Node::new(Kind::Lit(text.into()))
    }

    fn number<N: Serialize>(number: N) -> Self {
        match serde_json::to_string(&number) {
            Ok(text) => Node::lit(text),
            Err(_) => Node::lit("null"),
        }
    }

    pub(super) fn string(text: Cow<'a, str>) -> Self {
        let esc = escaped_len(&text);
        Node::new(Kind::Str {
            text,
            esc,
            protected: false,
        })
    }

    fn marker() -> Self {
        Node::new(Kind::Str {
            text: Cow::Borrowed(TRUNCATION_MARKER),
            esc: MARKER_LEN,
            protected: true,
        })
    }

    fn array(items: Vec<Node<'a>>) -> Self {
        let keep = items.len();
        Node::new(Kind::Arr { items, keep })
    }

    /// The tree of `value`, with arrays and objects `depth` levels down replaced by the marker.
    pub(super) fn from_value(value: &'a Value, depth: usize) -> Self {
        match value {
            Value::Null => Node::lit("null"),
            Value::Bool(true) => Node::lit("true"),
            Value::Bool(false) => Node::lit("false"),
            Value::Number(number) => Node::number(number),
            Value::String(text) => Node::string(Cow::Borrowed(text)),
            Value::Array(_) | Value::Object(_) if depth == 0 => Node::marker(),
            Value::Array(items) => Node::array(
                items
                    .iter()
                    .map(|item| Node::from_value(item, depth - 1))
                    .collect(),
            ),
            Value::Object(entries) => Node::new(Kind::Obj(
                entries
                    .iter()
                    .map(|(key, item)| {
                        Entry::new(Cow::Borrowed(key), Node::from_value(item, depth - 1))
                    })
                    .collect(),
            )),
        }
    }

    /// The smallest JSON of the same kind.
    pub(super) fn empty_json(&self) -> &'static str {
        match self.kind {
            Kind::Lit(_) => "null",
            Kind::Str { .. } => "\"\"",
            Kind::Arr { .. } => "[]",
            Kind::Obj(_) => "{}",
        }
    }
}

impl<'a> Entry<'a> {
    fn new(key: Cow<'a, str>, mut value: Node<'a>) -> Self {
        if let Kind::Str { protected, .. } = &mut value.kind
            && PROTECTED_KEYS.contains(&key.as_ref())
        {
            *protected = true;
        }
        let cost = escaped_len(&key) + 3;
        Entry { key, cost, value }
    }
}

/// Builds the tree from JSON text in document order (which `serde_json::Value` does not keep),
/// borrowing the strings that need no unescaping.
impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::lit("null"))
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::lit("null"))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node<'de>, E> {
        Ok(Node::lit(if value { "true" } else { "false" }))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node<'de>, E> {
        Ok(Node::number(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node<'de>, E> {
        Ok(Node::number(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node<'de>, E> {
        Ok(Node::number(value))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::string(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node<'de>, E> {
        Ok(Node::string(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Node<'de>, E> {
        Ok(Node::string(Cow::Owned(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<Node<'de>>()? {
            items.push(item);
        }
        Ok(Node::array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Node<'de>>()?;
            entries.push(Entry::new(Cow::Owned(key), value));
        }
        Ok(Node::new(Kind::Obj(entries)))
    }
}

/// How long strings may be, in bytes of escaped text: `None` is unlimited. A string longer
/// than `cap + MARKER_LEN` becomes its longest prefix of at most `cap` bytes and the marker.
#[derive(Clone, Copy)]
pub(super) struct Caps {
    text: Option<usize>,
    protected: Option<usize>,
}

impl Caps {
    pub(super) const NONE: Caps = Caps {
        text: None,
        protected: None,
    };

    fn of(self, protected: bool) -> Option<usize> {
        if protected { self.protected } else { self.text }
    }
}

/// Bytes of a string of `esc` escaped bytes under `cap`, quotes included (an upper bound when
/// it is shortened: the prefix may stop short of `cap` on a character boundary).
fn str_cost(esc: usize, cap: Option<usize>) -> usize {
    2 + match cap {
        Some(cap) if esc > cap.saturating_add(MARKER_LEN) => cap + MARKER_LEN,
        _ => esc,
    }
}

/// One attempt at fitting: the other strings are shortened down to `floor` before elements
/// are dropped; protected strings are capped at `protected`.
struct Stage {
    floor: usize,
    protected: Option<usize>,
}

impl Stage {
    fn caps(&self, cap: usize) -> Caps {
        Caps {
            text: Some(cap),
            protected: self.protected,
        }
    }
}

const STAGES: [Stage; 3] = [
    Stage {
        floor: SHORTEST_CUT,
        protected: None,
    },
    Stage {
        floor: 0,
        protected: None,
    },
    // A long role, tool name or id: cut it rather than drop the whole message.
    Stage {
        floor: 0,
        protected: Some(SHORTEST_CUT),
    },
];

pub(super) fn encode_tree(mut root: Node<'_>, max_bytes: usize) -> String {
    annotate(&mut root, Caps::NONE);
    if root.full <= max_bytes {
        return render(&root, Caps::NONE, root.full);
    }
    for (i, stage) in STAGES.iter().enumerate() {
        let last = i + 1 == STAGES.len();
        annotate(&mut root, stage.caps(stage.floor));
        if root.min > max_bytes {
            continue;
        }
        fit(&mut root, max_bytes);
        let mut fixed = 0;
        let mut lens = Vec::new();
        collect(&root, stage.protected, &mut fixed, &mut lens);
        if lens.is_empty() && !last {
            // Nothing shortenable kept: a lower floor keeps more.
            continue;
        }
        let cap = widest_cap(fixed, &lens, max_bytes, stage.floor);
        let out = render(&root, stage.caps(cap), max_bytes);
        if out.len() <= max_bytes {
            return out;
        }
        // Unreachable if the sizes are right; never return more than asked.
        break;
    }
    root.empty_json().to_owned()
}

/// Sets `full` and `min` of every node under `caps`, and keeps every array item.
pub(super) fn annotate(node: &mut Node<'_>, caps: Caps) {
    let (full, min) = match &mut node.kind {
        Kind::Lit(text) => (text.len(), text.len()),
        Kind::Str { esc, protected, .. } => {
            let cost = str_cost(*esc, caps.of(*protected));
            (cost, cost)
        }
        Kind::Arr { items, keep } => {
            *keep = items.len();
            let mut full = 2 + items.len().saturating_sub(1);
            for item in items.iter_mut() {
                annotate(item, caps);
                full += item.full;
            }
            (full, 2)
        }
        Kind::Obj(entries) => {
            let base = 2 + entries.len().saturating_sub(1);
            let (mut full, mut min) = (base, base);
            for entry in entries.iter_mut() {
                annotate(&mut entry.value, caps);
                full += entry.cost + entry.value.full;
                min += entry.cost + entry.value.min;
            }
            (full, min)
        }
    };
    node.full = full;
    node.min = min;
}

/// Keeps the longest document-order prefix of `node` that fits in `avail` bytes: the arrays
/// after the cut are emptied, the objects keep their keys. Requires `node.min <= avail`.
fn fit(node: &mut Node<'_>, avail: usize) {
    if node.full <= avail {
        return;
    }
    let node_min = node.min;
    match &mut node.kind {
        Kind::Arr { items, keep } => {
            let mut used = 2;
            *keep = 0;
            for (i, item) in items.iter_mut().enumerate() {
                let sep = usize::from(i > 0);
                if used + sep + item.full <= avail {
                    used += sep + item.full;
                    *keep = i + 1;
                    continue;
                }
                if used + sep + item.min <= avail {
                    fit(item, avail - used - sep);
                    *keep = i + 1;
                }
                break;
            }
        }
        Kind::Obj(entries) => {
            // Every value at its minimum, then grown in order while it fits.
            let mut used = node_min;
            let mut cut = false;
            for entry in entries.iter_mut() {
                let value = &mut entry.value;
                if cut {
                    minimize(value);
                    continue;
                }
                let grown = used - value.min + value.full;
                if grown <= avail {
                    used = grown;
                } else {
                    fit(value, avail - (used - value.min));
                    cut = true;
                }
            }
        }
        Kind::Lit(_) | Kind::Str { .. } => {}
    }
}

/// Empties every array in `node`.
fn minimize(node: &mut Node<'_>) {
    match &mut node.kind {
        Kind::Arr { keep, .. } => *keep = 0,
        Kind::Obj(entries) => {
            for entry in entries {
                minimize(&mut entry.value);
            }
        }
        Kind::Lit(_) | Kind::Str { .. } => {}
    }
}

/// The bytes of the kept tree that do not depend on the cap of unprotected strings (`fixed`,
/// with protected strings under `protected_cap`), and the escaped lengths of the strings that
/// do (`lens`).
fn collect(
    node: &Node<'_>,
    protected_cap: Option<usize>,
    fixed: &mut usize,
    lens: &mut Vec<usize>,
) {
    match &node.kind {
        Kind::Lit(text) => *fixed += text.len(),
        Kind::Str { esc, protected, .. } => {
            if *protected {
                *fixed += str_cost(*esc, protected_cap);
            } else {
                *fixed += 2;
                lens.push(*esc);
            }
        }
        Kind::Arr { items, keep } => {
            *fixed += 2 + keep.saturating_sub(1);
            for item in items.iter().take(*keep) {
                collect(item, protected_cap, fixed, lens);
            }
        }
        Kind::Obj(entries) => {
            *fixed += 2 + entries.len().saturating_sub(1);
            for entry in entries {
                *fixed += entry.cost;
                collect(&entry.value, protected_cap, fixed, lens);
            }
        }
    }
}

/// The largest cap, at least `lo` (which fits), with which the strings `lens` fit in
/// `budget` beside `fixed` bytes.
fn widest_cap(fixed: usize, lens: &[usize], budget: usize, mut lo: usize) -> usize {
    let fits = |cap: usize| {
        let mut total = fixed;
        for &esc in lens {
            total += esc.min(cap + MARKER_LEN);
            if total > budget {
                return false;
            }
        }
        true
    };
    let mut hi = lens.iter().copied().max().unwrap_or(lo).max(lo);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

pub(super) fn render(node: &Node<'_>, caps: Caps, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    emit(node, caps, &mut out);
    out
}

fn emit(node: &Node<'_>, caps: Caps, out: &mut String) {
    match &node.kind {
        Kind::Lit(text) => out.push_str(text),
        Kind::Str {
            text,
            esc,
            protected,
        } => match caps.of(*protected) {
            Some(cap) if *esc > cap.saturating_add(MARKER_LEN) => {
                write_json_str(out, escaped_prefix(text, cap), TRUNCATION_MARKER);
            }
            _ => write_json_str(out, text, ""),
        },
        Kind::Arr { items, keep } => {
            out.push('[');
            for (i, item) in items.iter().take(*keep).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                emit(item, caps, out);
            }
            out.push(']');
        }
        Kind::Obj(entries) => {
            out.push('{');
            for (i, entry) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(out, &entry.key, "");
                out.push(':');
                emit(&entry.value, caps, out);
            }
            out.push('}');
        }
    }
}

/// Bytes `byte` takes in a JSON string as `serde_json` escapes it.
fn escape_len(byte: u8) -> usize {
    match byte {
        b'"' | b'\\' | 0x08 | 0x09 | 0x0A | 0x0C | 0x0D => 2,
        0x00..=0x1F => 6,
        _ => 1,
    }
}

fn escaped_len(text: &str) -> usize {
    let mut len = text.len();
    for &byte in text.as_bytes() {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            len += escape_len(byte) - 1;
        }
    }
    len
}

/// The longest prefix of `text`, on a character boundary, of at most `max` escaped bytes.
fn escaped_prefix(text: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, ch) in text.char_indices() {
        let cost = if ch.is_ascii() {
            escape_len(ch as u8)
        } else {
            ch.len_utf8()
        };
        if used + cost > max {
            return &text[..i];
        }
        used += cost;
    }
    text
}

/// Writes `text` as a JSON string, escaped as `serde_json` does, with `suffix` (which needs
/// no escaping) before the closing quote.
fn write_json_str(out: &mut String, text: &str, suffix: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let short = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0A => "\\n",
            0x0C => "\\f",
            0x0D => "\\r",
            0x00..=0x1F => "",
            _ => continue,
        };
        // `i` is an ASCII byte: a character boundary.
        out.push_str(&text[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push_str(suffix);
    out.push('"');
}
