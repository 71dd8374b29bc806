//! The logger provider: built only when logs are exported over OTLP.

use std::sync::Arc;

use opentelemetry_sdk::logs::SdkLoggerProvider;

use crate::config::ConfigWarning;
use crate::export::stats::ExportStats;

use super::export::SignalInputs;

/// The provider of `config`, if logs are exported; a processor that cannot be built is a
/// warning.
pub(super) fn provider(
    inputs: &SignalInputs<'_>,
    stats: &Arc<ExportStats>,
    warnings: &mut Vec<ConfigWarning>,
) -> Option<SdkLoggerProvider> {
    let SignalInputs {
        config,
        resource,
        otlp,
    } = *inputs;
    #[cfg(feature = "otlp")]
    if config.logs.exporter == crate::config::ExporterKind::Otlp {
        return match otlp
            .map(|otlp| otlp.log_processor(&config.logs, resource, config.log_batch, stats.clone()))
        {
            Some(Ok(processor)) => Some(
                SdkLoggerProvider::builder()
                    .with_resource(resource.clone())
                    .with_log_processor(processor)
                    .build(),
            ),
            Some(Err(e)) => {
                warnings.push(super::export::exporter_unavailable("logs", e));
                None
            }
            None => None,
        };
    }
    let _ = (config, resource, otlp, stats, warnings);
    None
}
