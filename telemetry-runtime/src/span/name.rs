//! Span names filled from a template (`chat {gen_ai.request.model}`), interned: span names
//! are low-cardinality by the conventions' rules, so a name seen once is kept for the life of
//! the process and later spans borrow it instead of allocating their own.
//!
//! The interned set is bounded ([`MAX_INTERNED`] names, [`MAX_INTERNED_BYTES`] bytes); past
//! that, names are allocated per span as usual. A name enters it only the
//! [`ADMIT_AFTER`]th time it is seen: a flood of distinct names (an attacker's model names)
//! each seen once only churns a fixed table of candidates and cannot fill the set, so the
//! service's real names still get in. Each thread remembers its most recent names, so the
//! common case is a few string comparisons and no lock.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Mutex;

use opentelemetry::{KeyValue, Value};

/// The most names interned.
pub(crate) const MAX_INTERNED: usize = 1024;
/// The most bytes of interned names.
pub(crate) const MAX_INTERNED_BYTES: usize = 64 * 1024;
/// Names each thread remembers.
const RECENT: usize = 8;
/// Sightings of a name before it is interned.
pub(crate) const ADMIT_AFTER: u8 = 3;
/// Slots of the candidate table: names seen but not interned yet, by hash. A name whose slot
/// another name takes starts counting again.
const CANDIDATES: usize = 4096;

struct Interned {
    names: HashSet<&'static str>,
    bytes: usize,
    /// (hash, sightings) of names not interned yet.
    candidates: Vec<(u64, u8)>,
    /// Keyed per process, so that no one can aim names at a slot.
    hasher: std::collections::hash_map::RandomState,
}

impl Interned {
    /// Counts a sighting of `name`; whether it has been seen often enough to be interned.
    fn admit(&mut self, name: &str) -> bool {
        use std::hash::BuildHasher as _;
        let hash = self.hasher.hash_one(name);
        let slot = &mut self.candidates[(hash as usize) % CANDIDATES];
        if slot.0 == hash {
            slot.1 = slot.1.saturating_add(1);
        } else {
            *slot = (hash, 1);
        }
        if slot.1 >= ADMIT_AFTER {
            *slot = (0, 0);
            true
        } else {
            false
        }
    }
}

static INTERNED: Mutex<Option<Interned>> = Mutex::new(None);

struct Local {
    /// The name being built.
    buffer: String,
    /// Recently used interned names, most recent first.
    recent: [&'static str; RECENT],
    /// Recent names of one-placeholder templates: (template, value, name), most recent first.
    recent_one: [(&'static str, &'static str, &'static str); RECENT],
}

thread_local! {
    static LOCAL: RefCell<Local> = const {
        RefCell::new(Local {
            buffer: String::new(),
            recent: [""; RECENT],
            recent_one: [("", "", ""); RECENT],
        })
    };
}

/// `name` as a `&'static str` from the interned set, adding it if there is room.
fn intern_global(name: &str) -> Option<&'static str> {
    let mut guard = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let interned = guard.get_or_insert_with(|| Interned {
        names: HashSet::new(),
        bytes: 0,
        candidates: vec![(0, 0); CANDIDATES],
        hasher: std::collections::hash_map::RandomState::new(),
    });
    if let Some(found) = interned.names.get(name) {
        return Some(found);
    }
    if interned.names.len() >= MAX_INTERNED
        || interned.bytes + name.len() > MAX_INTERNED_BYTES
        || !interned.admit(name)
    {
        return None;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    interned.names.insert(leaked);
    interned.bytes += leaked.len();
    Some(leaked)
}

impl Local {
    fn intern(&mut self) -> Cow<'static, str> {
        let name = self.buffer.as_str();
        if let Some(i) = self.recent.iter().position(|r| *r == name) {
            let found = self.recent[i];
            self.recent[..=i].rotate_right(1);
            return Cow::Borrowed(found);
        }
        match intern_global(name) {
            Some(found) => {
                self.recent.rotate_right(1);
                self.recent[0] = found;
                Cow::Borrowed(found)
            }
            None => Cow::Owned(self.buffer.clone()),
        }
    }
}

/// [`fill_name`] for a template whose only placeholder ends it (`prefix` is the text before
/// it, `key` the attribute): the name is found among the recent ones by the value alone,
/// without being built. The code `#[derive(SpanContract)]` and the built-in contracts
/// generate calls it when the template has that shape.
#[inline]
pub fn fill_name_suffix(
    template: &'static str,
    prefix: &'static str,
    key: &'static str,
    attributes: &[KeyValue],
) -> Cow<'static, str> {
    let value = match attributes.iter().find(|kv| kv.key.as_str() == key) {
        Some(KeyValue {
            value: Value::String(v),
            ..
        }) => v.as_str(),
        _ => return fill_name(template, attributes),
    };
    let found = LOCAL.try_with(|local| {
        let local = local.try_borrow().ok()?;
        local
            .recent_one
            .iter()
            .find(|(t, v, _)| std::ptr::eq(*t, template) && *v == value)
            .map(|(_, _, name)| *name)
    });
    if let Ok(Some(name)) = found {
        return Cow::Borrowed(name);
    }
    let name = fill_name(template, attributes);
    if let Cow::Borrowed(name) = name
        && let Some(interned_value) = name.get(prefix.len()..)
    {
        let _ = LOCAL.try_with(|local| {
            if let Ok(mut local) = local.try_borrow_mut() {
                local.recent_one.rotate_right(1);
                local.recent_one[0] = (template, interned_value, name);
            }
        });
    }
    name
}

/// The value of the one placeholder of a suffix template (`prefix` + `{key}`) as a
/// `&'static str` borrowed from the interned name `prefix` + `value`, so that the attribute is
/// recorded without copying it; `None` when the interned set is full (the caller copies).
pub(crate) fn interned_value(
    template: &'static str,
    prefix: &'static str,
    value: &str,
) -> Option<&'static str> {
    LOCAL
        .try_with(|local| {
            let mut local = local.try_borrow_mut().ok()?;
            if let Some((_, v, _)) = local
                .recent_one
                .iter()
                .find(|(t, v, _)| std::ptr::eq(*t, template) && *v == value)
            {
                return Some(*v);
            }
            local.buffer.clear();
            local.buffer.push_str(prefix);
            local.buffer.push_str(value);
            let Cow::Borrowed(name) = local.intern() else {
                return None;
            };
            let interned_value = name.get(prefix.len()..)?;
            local.recent_one.rotate_right(1);
            local.recent_one[0] = (template, interned_value, name);
            Some(interned_value)
        })
        .ok()
        .flatten()
}

/// Fills a span name template such as `chat {gen_ai.request.model}` from the attributes;
/// a placeholder without a value is dropped with its leading space.
pub fn fill_name(template: &'static str, attributes: &[KeyValue]) -> Cow<'static, str> {
    if !template.contains('{') {
        return Cow::Borrowed(template);
    }
    LOCAL
        .try_with(|local| match local.try_borrow_mut() {
            Ok(mut local) => {
                local.buffer.clear();
                write_name(&mut local.buffer, template, attributes);
                local.intern()
            }
            Err(_) => Cow::Owned(build(template, attributes)),
        })
        .unwrap_or_else(|_| Cow::Owned(build(template, attributes)))
}

fn build(template: &'static str, attributes: &[KeyValue]) -> String {
    let mut name = String::new();
    write_name(&mut name, template, attributes);
    name
}

fn write_name(name: &mut String, template: &'static str, attributes: &[KeyValue]) {
    for part in telemetry_vocabulary::template::parts(template) {
        let Some(key) = part.key else {
            name.push_str(part.text);
            continue;
        };
        match attributes.iter().find(|kv| kv.key.as_str() == key) {
            Some(kv) => {
                name.push_str(part.text);
                match &kv.value {
                    Value::String(v) => name.push_str(v.as_str()),
                    other => name.push_str(&other.as_str()),
                }
            }
            None => name.push_str(part.text.trim_end()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fill_placeholders_and_drop_missing_ones() {
        let attrs = [KeyValue::new("gen_ai.request.model", "gpt-4o")];
        assert_eq!(
            fill_name("chat {gen_ai.request.model}", &attrs),
            "chat gpt-4o"
        );
        assert_eq!(fill_name("chat {gen_ai.request.model}", &[]), "chat");
        assert_eq!(fill_name("llm.decode", &[]), "llm.decode");
        assert_eq!(fill_name("x {a", &[]), "x {a");
        assert_eq!(
            fill_name("{a} and {b}!", &[KeyValue::new("b", 2)]),
            " and 2!"
        );
        assert_eq!(
            fill_name(
                "{a}-{b}",
                &[KeyValue::new("a", "x"), KeyValue::new("b", true)]
            ),
            "x-true"
        );
    }

    #[test]
    fn a_name_seen_again_is_borrowed_from_the_interned_set() {
        let attrs = [KeyValue::new("gen_ai.request.model", "interned-model")];
        for _ in 1..ADMIT_AFTER {
            let early = fill_name("chat {gen_ai.request.model}", &attrs);
            assert!(
                matches!(early, Cow::Owned(_)),
                "not interned before it is seen again"
            );
        }
        let first = fill_name("chat {gen_ai.request.model}", &attrs);
        let second = fill_name("chat {gen_ai.request.model}", &attrs);
        let (Cow::Borrowed(a), Cow::Borrowed(b)) = (first, second) else {
            panic!("interned names are borrowed");
        };
        assert_eq!(a, "chat interned-model");
        assert!(std::ptr::eq(a, b), "the same allocation");
        // Another thread finds it in the shared set.
        let other =
            std::thread::spawn(
                move || match fill_name("chat {gen_ai.request.model}", &attrs) {
                    Cow::Borrowed(c) => c.as_ptr() as usize,
                    Cow::Owned(_) => 0,
                },
            )
            .join()
            .unwrap();
        assert_eq!(other, a.as_ptr() as usize);
    }

    #[test]
    fn suffix_templates_give_the_same_names() {
        const T: &str = "chat {gen_ai.request.model}";
        for model in ["a", "b", "gpt-4o"] {
            for _ in 1..ADMIT_AFTER {
                let attrs = [KeyValue::new("gen_ai.request.model", model)];
                let name = fill_name_suffix(T, "chat ", "gen_ai.request.model", &attrs);
                assert_eq!(name, format!("chat {model}"));
            }
        }
        for model in ["a", "b", "a", "gpt-4o", "b"] {
            let attrs = [KeyValue::new("gen_ai.request.model", model)];
            let name = fill_name_suffix(T, "chat ", "gen_ai.request.model", &attrs);
            assert_eq!(name, format!("chat {model}"));
            assert!(matches!(name, Cow::Borrowed(_)));
        }
        // No value, or a value that is not a string: as `fill_name`.
        assert_eq!(
            fill_name_suffix(T, "chat ", "gen_ai.request.model", &[]),
            "chat"
        );
        let attrs = [KeyValue::new("gen_ai.request.model", 7)];
        assert_eq!(
            fill_name_suffix(T, "chat ", "gen_ai.request.model", &attrs),
            "chat 7"
        );
    }

    #[test]
    fn a_flood_of_distinct_names_cannot_pin_the_set() {
        // 100 000 distinct model names, each seen once, with the service's own names among
        // them: none of the flood is interned, the real names are.
        for i in 0..100_000u32 {
            let attrs = [KeyValue::new("m", format!("hostile-{i}"))];
            assert_eq!(fill_name("flood {m}", &attrs), format!("flood hostile-{i}"));
            if i % 1000 == 0 {
                let attrs = [KeyValue::new("m", "gpt-4o")];
                let _ = fill_name("flood {m}", &attrs);
            }
        }
        let guard = INTERNED.lock().unwrap();
        let interned = guard.as_ref().unwrap();
        assert!(interned.names.contains("flood gpt-4o"));
        let hostile = interned
            .names
            .iter()
            .filter(|n| n.starts_with("flood hostile-"))
            .count();
        assert_eq!(hostile, 0, "no name seen once is interned");
        drop(guard);
        let attrs = [KeyValue::new("m", "gpt-4o")];
        assert!(matches!(
            fill_name("flood {m}", &attrs),
            Cow::Borrowed("flood gpt-4o")
        ));
    }

    #[test]
    fn past_the_bound_names_are_allocated_and_still_right() {
        // Fill the set with distinct names, each seen often enough to be interned.
        for i in 0..MAX_INTERNED + 10 {
            let attrs = [KeyValue::new("m", format!("model-{i}"))];
            for _ in 0..ADMIT_AFTER {
                assert_eq!(fill_name("op {m}", &attrs), format!("op model-{i}"));
            }
        }
        let guard = INTERNED.lock().unwrap();
        let interned = guard.as_ref().unwrap();
        assert!(interned.names.len() <= MAX_INTERNED);
        assert!(interned.bytes <= MAX_INTERNED_BYTES);
        drop(guard);
        let attrs = [KeyValue::new("m", "model-past-the-bound")];
        for _ in 0..ADMIT_AFTER {
            assert!(matches!(fill_name("op {m}", &attrs), Cow::Owned(_)));
        }
    }
}
