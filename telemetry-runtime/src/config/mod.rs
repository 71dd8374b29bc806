//! Configuration: what `init()` resolves from the OTEL_* environment and the builder.
//!
//! Resolution is pure: `Config::resolve` takes a variable lookup function and the values
//! set in code, so it is unit-tested without touching the process environment. Builder
//! values win over environment values; per-signal variables win over generic ones.

mod code;
mod endpoint;
mod env;
mod error;
mod parse;
mod resolve;
#[cfg(test)]
mod tests;
mod types;
mod warning;

pub use code::{CodeSettings, DEFAULT_MAX_CONTENT_BYTES, DEFAULT_METRIC_CARDINALITY_LIMIT};
pub use endpoint::Protocol;
pub(crate) use endpoint::is_https;
#[allow(unused_imports)]
pub(crate) use env::*;
pub use error::ConfigError;

pub use warning::{ConfigWarning, WarningCode};

pub use types::*;

#[cfg(test)]
use resolve::default_service_name;
