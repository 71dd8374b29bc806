//! Attribute and derive macros of the telemetry toolkit.
//!
//! Do not depend on this crate directly: use `telemetry-runtime`, which re-exports every
//! macro and provides the `__private` paths the generated code calls.
