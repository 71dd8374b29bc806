//! Names the whole crate shares.

/// The name of the toolkit's instrumentation scope and `telemetry.distro.name`.
pub(crate) const INSTRUMENTATION_SCOPE: &str = "telemetry-runtime";
