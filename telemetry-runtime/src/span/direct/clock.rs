//! [`Timestamp`]: span times read from the TSC on the calling thread and turned into wall time
//! on the collector thread.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// A span's start or end.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Timestamp {
    /// Read from the CPU's time-stamp counter (`fastant`; the OS clock where the TSC is not
    /// stable): about a fifth of a `SystemTime::now()`.
    Ticks(fastant::Instant),
    /// Given by the caller (a builder's start time, `end_with_timestamp`).
    Wall(SystemTime),
}

/// The pairing of a TSC reading with the wall clock that every reading is converted with.
fn anchor() -> &'static fastant::Anchor {
    static ANCHOR: OnceLock<fastant::Anchor> = OnceLock::new();
    ANCHOR.get_or_init(fastant::Anchor::new)
}

impl Timestamp {
    /// Now.
    #[inline]
    pub(crate) fn now() -> Self {
        Timestamp::Ticks(fastant::Instant::now())
    }

    /// The wall time of this timestamp.
    pub(crate) fn to_system_time(self) -> SystemTime {
        match self {
            Timestamp::Ticks(ticks) => {
                SystemTime::UNIX_EPOCH + Duration::from_nanos(ticks.as_unix_nanos(anchor()))
            }
            Timestamp::Wall(time) => time,
        }
    }
}

/// Pairs the TSC with the wall clock (at install, so that the first span does not pay it).
pub(crate) fn calibrate() {
    let _ = anchor();
}
