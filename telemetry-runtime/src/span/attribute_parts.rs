//! [`AttributeParts`]: a span's start attributes carried as the parts of their vector.

use opentelemetry::KeyValue;

/// A vector of attributes as its pointer, length and capacity, owned: what a span's start
/// attributes travel as from the generated code to the slot they are recorded in. Three
/// words the compiler keeps in registers, where a `Vec` moved from one local to the next is
/// copied through memory with wide loads of words just stored one by one, and each such load
/// waits for every store before it (a store-forwarding stall on every span).
///
/// Not `Copy`, and rebuilt into its vector once ([`into_vec`](Self::into_vec)); dropped
/// without that (a panic while a span starts), the attributes are leaked, not freed twice.
pub(crate) struct AttributeParts {
    ptr: *mut KeyValue,
    len: usize,
    capacity: usize,
}

impl AttributeParts {
    /// The parts of `vec`, which they now own.
    #[inline(always)]
    pub(crate) fn from_vec(vec: Vec<KeyValue>) -> Self {
        let mut vec = std::mem::ManuallyDrop::new(vec);
        AttributeParts {
            ptr: vec.as_mut_ptr(),
            len: vec.len(),
            capacity: vec.capacity(),
        }
    }

    /// # Safety
    /// The three are the parts of a vector given up for this value (as
    /// `Vec::from_raw_parts` requires).
    #[inline(always)]
    pub(crate) unsafe fn from_raw(ptr: *mut KeyValue, len: usize, capacity: usize) -> Self {
        AttributeParts { ptr, len, capacity }
    }

    /// The attributes.
    #[inline(always)]
    pub(crate) fn as_slice(&self) -> &[KeyValue] {
        // SAFETY: the parts of a live vector (the type's invariant).
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// How many there are.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The vector, changed by `f` (the rare paths that add or cut attributes), as parts
    /// again.
    #[inline]
    pub(crate) fn edit(self, f: impl FnOnce(&mut Vec<KeyValue>)) -> Self {
        let mut vec = self.into_vec();
        f(&mut vec);
        Self::from_vec(vec)
    }

    /// The vector again.
    #[inline(always)]
    pub(crate) fn into_vec(self) -> Vec<KeyValue> {
        // SAFETY: the parts of a vector this value owns (the type's invariant), rebuilt once:
        // `self` is consumed and has no drop glue of its own.
        unsafe { Vec::from_raw_parts(self.ptr, self.len, self.capacity) }
    }
}
