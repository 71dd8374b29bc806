//! What the three signals' exporters share: the export thread, and the warnings for an
//! exporter that cannot be built or a feature this build lacks.

#[cfg(feature = "otlp")]
use crate::config::ExporterKind;
use crate::config::{Config, ConfigWarning, WarningCode};

use super::InitError;

/// The OTLP pipeline the signals build their processors and readers on.
#[cfg(feature = "otlp")]
pub(super) type Otlp = crate::export::pipeline::Otlp;

/// No OTLP in this build: there is no value of this type.
#[cfg(not(feature = "otlp"))]
pub(super) enum Otlp {}

/// What every signal's provider is built from.
pub(super) struct SignalInputs<'a> {
    /// The resolved configuration.
    pub(super) config: &'a Config,
    /// The resource of every signal.
    pub(super) resource: &'a opentelemetry_sdk::Resource,
    /// The OTLP pipeline, when the export thread runs.
    pub(super) otlp: Option<&'a Otlp>,
}

/// The export thread, started only when a signal exports over OTLP.
pub(super) struct ExportThread {
    #[cfg(feature = "otlp")]
    pub(super) runtime: Option<tokio::runtime::Runtime>,
}

impl ExportThread {
    /// Starts the thread when `config` asks for OTLP on any signal.
    pub(super) fn start(config: &Config) -> Result<Self, InitError> {
        #[cfg(feature = "otlp")]
        {
            let runtime = if !config.sdk_disabled
                && [&config.traces, &config.logs, &config.metrics]
                    .iter()
                    .any(|s| s.exporter == ExporterKind::Otlp)
            {
                Some(crate::export::runtime::start().map_err(InitError::ExportRuntime)?)
            } else {
                None
            };
            Ok(ExportThread { runtime })
        }
        #[cfg(not(feature = "otlp"))]
        {
            let _ = config;
            Ok(ExportThread {})
        }
    }

    /// The pipeline on this thread, when it runs.
    pub(super) fn otlp(&self, config: &Config) -> Option<Otlp> {
        #[cfg(feature = "otlp")]
        {
            self.runtime
                .as_ref()
                .map(|rt| crate::export::pipeline::Otlp {
                    runtime: rt.handle().clone(),
                    warning_interval: config.code.export_warning_interval,
                })
        }
        #[cfg(not(feature = "otlp"))]
        {
            let _ = config;
            None
        }
    }
}

/// `TR-W006`: the OTLP exporter of `signal` could not be built.
#[cfg(feature = "otlp")]
pub(super) fn exporter_unavailable(signal: &str, error: String) -> ConfigWarning {
    ConfigWarning {
        code: WarningCode::ExporterUnavailable,
        message: format!(
            "the OTLP {signal} exporter could not be built, {signal} are not exported: {error}"
        ),
    }
}

/// `TR-W005`: something was asked for that needs a feature this build lacks.
#[cfg(any(not(feature = "otlp"), not(feature = "prometheus")))]
pub(super) fn feature_missing(
    feature: &str,
    what: &str,
    target: impl AsRef<std::path::Path>,
) -> ConfigWarning {
    ConfigWarning {
        code: WarningCode::OtlpFeatureMissing,
        message: format!(
            "{what} ({}) needs telemetry-runtime's `{feature}` feature, which this build lacks",
            target.as_ref().display()
        ),
    }
}
