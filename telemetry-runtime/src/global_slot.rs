//! [`GlobalSlot`]: a process-wide value `init()` installs and hot paths read with one atomic
//! load (the contract spans' tracer, the metric instruments).

use std::sync::atomic::{AtomicPtr, Ordering};

/// A value installed for the rest of the process. Replacing it leaks the previous one on
/// purpose: work still running may hold a `&'static` reference to it.
///
/// `T: Send + Sync`: the value is shared by every thread that reads the slot, and installed
/// from whichever thread calls `init()`.
pub(crate) struct GlobalSlot<T: Send + Sync + 'static>(AtomicPtr<T>);

impl<T: Send + Sync> GlobalSlot<T> {
    /// Nothing installed.
    pub(crate) const fn new() -> Self {
        GlobalSlot(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// The installed value, if any.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&'static T> {
        let ptr = self.0.load(Ordering::Acquire);
        // SAFETY: a non-null pointer comes from `Box::into_raw` in `install` and is never
        // freed.
        unsafe { ptr.as_ref() }
    }

    /// Whether a value is installed (no ordering with the value's contents).
    #[inline(always)]
    pub(crate) fn is_set(&self) -> bool {
        !self.0.load(Ordering::Relaxed).is_null()
    }

    /// Installs `value` from now on.
    pub(crate) fn install(&self, value: T) {
        self.0
            .store(Box::into_raw(Box::new(value)), Ordering::Release);
    }

    /// Installs nothing from now on.
    pub(crate) fn clear(&self) {
        self.0.store(std::ptr::null_mut(), Ordering::Release);
    }
}
