//! Typed configuration errors.
use std::fmt;

/// A configuration value that cannot be used. The message names the variable (or builder
/// method), the bad value, and what would be valid.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A value that does not parse or is out of range.
    InvalidValue {
        /// The environment variable (or builder method) that holds the value.
        variable: String,
        /// The value as given.
        value: String,
        /// The valid values, e.g. "one of grpc, http/protobuf".
        expected: String,
    },
    /// Export headers were set for a signal that is not exported: they would never be used.
    HeadersForDisabledSignal {
        /// The headers variable.
        variable: String,
        /// The signals those headers would apply to, all off.
        signals: Vec<super::Signal>,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidValue {
                variable,
                value,
                expected,
            } => {
                write!(
                    f,
                    "invalid value `{value}` for {variable}: expected {expected}"
                )
            }
            ConfigError::HeadersForDisabledSignal { variable, signals } => {
                let names: Vec<&str> = signals.iter().map(|s| s.as_str()).collect();
                write!(
                    f,
                    "{variable} is set but {} export is off, so these headers would never be sent; \
                     configure an OTLP endpoint for it or remove the variable",
                    names.join(" and ")
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}
