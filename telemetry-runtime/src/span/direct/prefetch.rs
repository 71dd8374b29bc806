//! Write prefetches for the memory a span is about to write: a record slot of the thread's
//! buffer and a pooled attribute vector. Both were last read by the collector thread on
//! another core, so the first write to each cache line would wait for the line to be taken
//! back from that core; asked for two spans ahead, the lines arrive while the span in between
//! runs. (Measured on the calling thread of `benches/llm_span`: about 35 ns a span.)

/// The most bytes one call asks for: more than a record or a span's usual attribute vector,
/// and a bound on the hint's cost when a pooled vector is large.
const MAX_BYTES: usize = 1024;

/// Asks for the cache lines of the `len` bytes at `p` (at most [`MAX_BYTES`]) in a writable
/// state. A hint: nothing is read or written, and any pointer is allowed.
#[inline(always)]
pub(crate) fn for_write(p: *const u8, len: usize) {
    if !supported() {
        return;
    }
    let len = len.min(MAX_BYTES);
    let mut offset = 0;
    while offset < len {
        line(p.wrapping_add(offset));
        offset += 64;
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn line(p: *const u8) {
    // SAFETY: PREFETCHW is a hint that neither faults nor accesses memory; `supported` checked
    // that the CPU has it.
    unsafe {
        std::arch::asm!("prefetchw [{0}]", in(reg) p, options(nostack, preserves_flags, readonly));
    }
}

#[cfg(target_arch = "aarch64")]
#[inline(always)]
fn line(p: *const u8) {
    // SAFETY: PRFM is a hint that neither faults nor accesses memory.
    unsafe {
        std::arch::asm!("prfm pstl1keep, [{0}]", in(reg) p, options(nostack, preserves_flags, readonly));
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
#[inline(always)]
fn line(_p: *const u8) {}

/// Whether the CPU has a write prefetch (x86-64: CPUID leaf 8000_0001h, ECX bit 8, PRFCHW),
/// read once.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn supported() -> bool {
    use std::sync::atomic::{AtomicU8, Ordering};
    const UNKNOWN: u8 = 0;
    const YES: u8 = 1;
    const NO: u8 = 2;
    static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);
    match STATE.load(Ordering::Relaxed) {
        UNKNOWN => {
            let yes = detect();
            STATE.store(if yes { YES } else { NO }, Ordering::Relaxed);
            yes
        }
        state => state == YES,
    }
}

#[cfg(target_arch = "x86_64")]
#[cold]
fn detect() -> bool {
    use std::arch::x86_64::__cpuid;
    // SAFETY: CPUID exists on every x86-64 CPU; leaf 8000_0000h gives the highest extended
    // leaf, checked before 8000_0001h is read.
    #[allow(unused_unsafe)]
    unsafe {
        __cpuid(0x8000_0000).eax >= 0x8000_0001 && __cpuid(0x8000_0001).ecx & (1 << 8) != 0
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn supported() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefetching_any_address_is_harmless() {
        let data = vec![7u8; 4096];
        for_write(data.as_ptr(), data.len());
        for_write(std::ptr::null(), 256);
        for_write(usize::MAX as *const u8, 64);
        assert!(data.iter().all(|&b| b == 7));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn detection_is_stable() {
        assert_eq!(supported(), detect());
        assert_eq!(supported(), supported());
    }
}
