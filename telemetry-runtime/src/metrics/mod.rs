//! The toolkit's own metric instruments, created on the meter provider `init()` installs.
//!
//! Instruments are created once, at `init()`, and reached with one atomic load: with metrics
//! off (no meter provider) recording sites cost a branch. Their names, instruments, units and
//! bucket boundaries follow the semantic conventions v1.41.0 (`semconv/metrics.tsv`, checked
//! against the registry by CI).

mod instruments;

pub(crate) use instruments::{Instruments, current, install};
