//! [`FieldRule`]: which fields of one `tracing` callsite are content, decided once per
//! callsite and thread.
//!
//! A callsite's field names are fixed, so the key pattern is matched once for each callsite
//! (on each thread that emits it); every later event costs one lookup in a small map.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tracing::Metadata;
use tracing::field::Field;

/// The content fields of one callsite.
#[derive(Clone, Copy, Debug, Default)]
struct Mask {
    /// Bit `i`: field `i` is content.
    bits: u64,
    /// More than 64 fields: fields from the 65th on are matched by name.
    overflow: bool,
}

/// Hashes a callsite's address (already unique, so a multiply spreads it well enough).
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        // Metadata is 8-aligned: drop the zero bits, then spread the rest.
        self.0 = ((n as u64) >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

thread_local! {
    static MASKS: RefCell<HashMap<usize, Mask, BuildHasherDefault<AddressHasher>>> =
        RefCell::new(HashMap::default());
}

fn compute_mask(meta: &'static Metadata<'static>) -> Mask {
    let fields = meta.fields();
    let mut mask = Mask {
        bits: 0,
        overflow: fields.len() > 64,
    };
    for field in fields.iter().take(64) {
        if is_content_field(&field) {
            mask.bits |= 1 << field.index();
        }
    }
    mask
}

/// Whether `field` holds content. The event's message never does: it is the text the code
/// wrote, not a value (see the README on what the key rule cannot see).
fn is_content_field(field: &Field) -> bool {
    field.name() != "message" && super::is_content_key(field.name())
}

fn mask_of(meta: &'static Metadata<'static>) -> Mask {
    let address = meta as *const Metadata<'static> as usize;
    // During thread-local teardown (an event from a `Drop` at thread exit) the cache is gone:
    // decide without it.
    MASKS
        .try_with(|masks| {
            if let Some(mask) = masks.borrow().get(&address) {
                return *mask;
            }
            let mask = compute_mask(meta);
            masks.borrow_mut().insert(address, mask);
            mask
        })
        .unwrap_or_else(|_| compute_mask(meta))
}

/// What happens to the string fields of one event: the content fields are replaced by the
/// marker, or (when content may enter logs) truncated to the content size limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldRule {
    mask: Mask,
    /// Content may pass, truncated to `max_bytes`.
    pass: bool,
    max_bytes: usize,
}

impl FieldRule {
    /// The rule for the fields of events of `meta`. With `enabled` false, nothing is
    /// redacted (the measure the benches compare with).
    #[inline]
    pub(crate) fn for_callsite(meta: &'static Metadata<'static>, enabled: bool) -> Self {
        FieldRule {
            mask: if enabled {
                mask_of(meta)
            } else {
                Mask::default()
            },
            pass: crate::redaction::content_policy::events_carry_content(),
            max_bytes: crate::redaction::content_policy::max_bytes(),
        }
    }

    /// Whether `field` is content.
    #[inline]
    fn is_content(&self, field: &Field) -> bool {
        let i = field.index();
        if i < 64 {
            self.mask.bits & (1 << i) != 0
        } else {
            self.mask.overflow && is_content_field(field)
        }
    }

    /// The value to record for the string field `field`: `value()` itself, truncated when it
    /// is content that may pass, or the marker (without calling `value`), which adds one to
    /// `replaced`.
    #[inline]
    pub(crate) fn string(
        &self,
        field: &Field,
        replaced: &mut u64,
        value: impl FnOnce() -> String,
    ) -> String {
        if !self.is_content(field) {
            return value();
        }
        if self.pass {
            let mut value = value();
            super::text::truncate_owned(&mut value, self.max_bytes);
            value
        } else {
            *replaced += 1;
            super::MARKER.to_owned()
        }
    }

    /// Whether error text may enter this record (content may pass in logs).
    pub(crate) fn errors_pass(&self) -> bool {
        self.pass
    }

    /// The content size limit.
    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}
