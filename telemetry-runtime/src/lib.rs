//! OpenTelemetry for LLM services.
#![deny(missing_docs)]

pub mod config;
pub mod console;
pub mod status;
