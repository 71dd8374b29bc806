//! The resource every signal carries.

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::resource::TelemetryResourceDetector;

use crate::config::Config;
use crate::semconv;

/// `service.name`, the resolved resource attributes, `telemetry.sdk.*` and
/// `telemetry.distro.*` (this toolkit).
pub(crate) fn build(config: &Config) -> Resource {
    Resource::builder_empty()
        .with_detector(Box::new(TelemetryResourceDetector))
        .with_attributes([
            KeyValue::new(
                semconv::TELEMETRY_DISTRO_NAME,
                crate::constants::INSTRUMENTATION_SCOPE,
            ),
            KeyValue::new(semconv::TELEMETRY_DISTRO_VERSION, env!("CARGO_PKG_VERSION")),
        ])
        .with_attributes(
            config
                .resource_attributes
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone())),
        )
        .with_service_name(config.service_name.clone())
        .build()
}
