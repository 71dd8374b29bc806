//! The process-wide state the toolkit's code reads: the content rules, set before the
//! subscriber so every event is judged by them; and the tracer, logger, meter and propagator
//! installed after it.

use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;

use crate::config::Config;
use crate::span::direct::DirectTracer;

/// The capture mode, the redaction keys and baggage forwarding: before the subscriber, so
/// every event and span is judged by them from the first on.
pub(super) fn install_rules(config: &Config) {
    crate::redaction::content_policy::set_mode(config.content_capture);
    crate::redaction::content_policy::set_max_bytes(config.code.content_max_bytes);
    crate::redaction::install(config.redact_keys.clone(), config.redact_query_keys.clone());
    crate::propagation::set_forward_baggage(config.code.forward_baggage);
    crate::attribute_limits::set(
        config.limits.span_attribute_value_length,
        config.limits.log_attribute_value_length,
        config.limits.log_attribute_count,
    );
}

/// The toolkit's tracer, logger and instruments, and OpenTelemetry's global tracer provider,
/// meter provider and propagator.
pub(super) fn install_providers(
    config: &Config,
    tracer_provider: Option<(&SdkTracerProvider, DirectTracer)>,
    logger_provider: Option<&SdkLoggerProvider>,
    meter_provider: Option<&SdkMeterProvider>,
) {
    crate::span::set_legacy_names(config.code.legacy_names);
    if let Some(provider) = logger_provider {
        use opentelemetry::logs::LoggerProvider as _;
        crate::genai::events::install_logger(
            provider.logger(crate::constants::INSTRUMENTATION_SCOPE),
        );
    }
    if let Some((provider, direct)) = tracer_provider {
        crate::span::tracer::install_direct(direct);
        opentelemetry::global::set_tracer_provider(
            crate::span::inheriting::InheritingTracerProvider::new(provider.clone()),
        );
        // Strict W3C Trace Context level 2 and Baggage, for every inject and extract through
        // the global propagator; baggage is injected only when forwarded.
        opentelemetry::global::set_text_map_propagator(crate::propagation::CarrierPropagator::new());
    }
    if let Some(provider) = meter_provider {
        use opentelemetry::metrics::MeterProvider as _;
        crate::metrics::install(crate::metrics::Instruments::new(
            &provider.meter(crate::constants::INSTRUMENTATION_SCOPE),
        ));
        opentelemetry::global::set_meter_provider(provider.clone());
    }
}
