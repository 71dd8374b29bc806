//! [`InitError`]: why `init()` installed nothing.

use std::fmt;

use crate::config::ConfigError;

/// Why `init()` failed. Nothing was installed.
#[derive(Debug)]
#[non_exhaustive]
pub enum InitError {
    /// A configuration value is invalid.
    Config(ConfigError),
    /// Another global `tracing` subscriber is already installed: add your layers through
    /// [`TelemetryBuilder::with_layer`](crate::TelemetryBuilder::with_layer), or keep your
    /// subscriber and add the toolkit's layers to it with
    /// [`TelemetryBuilder::init_layers`](crate::TelemetryBuilder::init_layers).
    SubscriberAlreadySet,
    /// The export thread could not be started.
    ExportRuntime(std::io::Error),
    /// Telemetry was installed and then shut down, when the guard of the first `init()` was
    /// dropped (`let _ = init()` drops it at once): it cannot be installed again in this
    /// process. Keep that guard alive for the program's lifetime: `let _guard = init()?;`.
    ShutDown,
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Config(e) => e.fmt(f),
            InitError::SubscriberAlreadySet => f.write_str(
                "a global tracing subscriber is already installed; add your layers with \
                 TelemetryBuilder::with_layer, or build your subscriber yourself with the \
                 toolkit's layers from TelemetryBuilder::init_layers (init_layers() returns \
                 them)",
            ),
            InitError::ExportRuntime(e) => write!(f, "cannot start the export thread: {e}"),
            InitError::ShutDown => f.write_str(
                "telemetry was shut down when the guard of the first init() was dropped (`let _ = \
                 init()` drops it at once) and cannot be installed again in this process; keep \
                 that guard alive for the program's lifetime: `let _guard = init()?;`",
            ),
        }
    }
}

impl std::error::Error for InitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InitError::Config(e) => Some(e),
            InitError::ExportRuntime(e) => Some(e),
            InitError::SubscriberAlreadySet | InitError::ShutDown => None,
        }
    }
}

impl From<ConfigError> for InitError {
    fn from(e: ConfigError) -> Self {
        InitError::Config(e)
    }
}
