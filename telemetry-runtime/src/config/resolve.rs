//! Resolution: [`Config::resolve`] fills the [`Config`] from the values set in code and the
//! environment (read only through a lookup function), with the spec's precedence and defaults.

use super::env::*;
use super::parse::{self, invalid};
use super::warning::{self, Features};
use super::*;
use crate::redaction_rules::KeyPattern;

impl Config {
    /// Resolves the configuration from the values set in code (`overrides`, which win) and
    /// the environment, read only through `lookup` (never from the process directly).
    ///
    /// Empty values count as unset. A value set in code replaces the environment variable,
    /// which is then not read (a bad value there is not reported). With
    /// `OTEL_SDK_DISABLED=true` nothing else is validated and every exporter is off.
    ///
    /// Non-fatal findings are in [`Config::warnings`].
    pub(crate) fn resolve(
        lookup: impl Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        Config::resolve_with(&Env::new(&lookup), overrides, Features::COMPILED)
    }

    /// `Config::resolve` for a given set of cargo features.
    pub(super) fn resolve_with(
        env: &Env<'_>,
        overrides: &Overrides,
        features: Features,
    ) -> Result<Config, ConfigError> {
        let o = overrides;
        let sdk_disabled = match o.sdk_disabled {
            Some(disabled) => disabled,
            None => optional(env, OTEL_SDK_DISABLED, parse::parse_bool)?.unwrap_or(false),
        };
        if sdk_disabled {
            return Ok(Config::disabled(env, o));
        }

        let (service_name, resource_attributes) = resolve_resource(env, o)?;
        let [traces, logs, metrics] = resolve_signals(env, o)?;
        let sampler = resolve_sampler(env, o)?;
        let span_batch = resolve_batch(env, &SPAN_BATCH_VARS, DEFAULT_SPAN_BATCH)?;
        let log_batch = resolve_batch(env, &LOG_BATCH_VARS, DEFAULT_LOG_BATCH)?;
        let limits = resolve_limits(env)?;
        let metric_export_interval =
            optional(env, OTEL_METRIC_EXPORT_INTERVAL, parse::parse_millis)?
                .unwrap_or(DEFAULT_METRIC_EXPORT_INTERVAL);
        let metric_export_timeout = optional(env, OTEL_METRIC_EXPORT_TIMEOUT, parse::parse_millis)?
            .unwrap_or(DEFAULT_METRIC_EXPORT_TIMEOUT);
        let log_format = match o.log_format {
            Some(format) => format,
            None => {
                optional(env, TELEMETRY_LOG_FORMAT, parse::parse_log_format)?.unwrap_or_default()
            }
        };
        let content_capture = match o.content_capture {
            Some(capture) => capture,
            None => optional(
                env,
                OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
                parse::parse_content_capture,
            )?
            .unwrap_or_default(),
        };
        let redact_keys = resolve_keys(
            env,
            o.redact_keys.as_ref(),
            TELEMETRY_REDACT_KEYS,
            KeyPattern::content,
        )?;
        let redact_query_keys = resolve_keys(
            env,
            o.redact_query_keys.as_ref(),
            TELEMETRY_REDACT_QUERY_KEYS,
            KeyPattern::credentials,
        )?;

        let mut config = Config {
            sdk_disabled: false,
            service_name,
            resource_attributes,
            traces,
            logs,
            metrics,
            sampler,
            span_batch,
            log_batch,
            limits,
            metric_export_interval,
            metric_export_timeout,
            log_filter: resolve_log_filter(env, o),
            log_format,
            content_capture,
            redact_keys,
            redact_query_keys,
            code: o.code.clone(),
            warnings: Vec::new(),
        };
        warning::apply(&mut config, features);
        Ok(config)
    }

    /// `OTEL_SDK_DISABLED=true`: every exporter off, defaults elsewhere, nothing validated
    /// (values that cannot be read fall back to their defaults).
    pub(super) fn disabled(env: &Env<'_>, o: &Overrides) -> Config {
        let (service_name, resource_attributes) = resolve_resource(env, o).unwrap_or_else(|_| {
            let name = non_empty(o.service_name.as_ref())
                .or_else(|| env.get(OTEL_SERVICE_NAME))
                .or_else(|| non_empty(o.default_service_name.as_ref()))
                .unwrap_or_else(default_service_name);
            (name, Vec::new())
        });
        let off = SignalConfig {
            exporter: ExporterKind::None,
            endpoint: None,
            protocol: Protocol::default(),
            headers: Vec::new(),
            timeout: DEFAULT_EXPORT_TIMEOUT,
            tls: TlsFiles::default(),
        };
        let log_format = o.log_format.unwrap_or_else(|| {
            optional(env, TELEMETRY_LOG_FORMAT, parse::parse_log_format)
                .ok()
                .flatten()
                .unwrap_or_default()
        });
        Config {
            sdk_disabled: true,
            service_name,
            resource_attributes,
            traces: off.clone(),
            logs: off.clone(),
            metrics: off,
            sampler: SamplerConfig::ParentBasedAlwaysOn,
            span_batch: DEFAULT_SPAN_BATCH,
            log_batch: DEFAULT_LOG_BATCH,
            limits: AttributeLimits::default(),
            metric_export_interval: DEFAULT_METRIC_EXPORT_INTERVAL,
            metric_export_timeout: DEFAULT_METRIC_EXPORT_TIMEOUT,
            log_filter: resolve_log_filter(env, o),
            log_format,
            content_capture: ContentCapture::NoContent,
            redact_keys: o.redact_keys.clone().unwrap_or_else(KeyPattern::content),
            redact_query_keys: o
                .redact_query_keys
                .clone()
                .unwrap_or_else(KeyPattern::credentials),
            code: o.code.clone(),
            warnings: Vec::new(),
        }
    }

    /// One signal's settings.
    pub(crate) fn signal(&self, signal: Signal) -> &SignalConfig {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Logs => &self.logs,
            Signal::Metrics => &self.metrics,
        }
    }

    /// One signal's settings, mutable.
    pub(super) fn signal_mut(&mut self, signal: Signal) -> &mut SignalConfig {
        match signal {
            Signal::Traces => &mut self.traces,
            Signal::Logs => &mut self.logs,
            Signal::Metrics => &mut self.metrics,
        }
    }
}

/// A key list: the one set in code, else `variable` (see [`parse::parse_keys`]), else the
/// default.
fn resolve_keys(
    env: &Env<'_>,
    set: Option<&KeyPattern>,
    variable: &str,
    default: fn() -> KeyPattern,
) -> Result<KeyPattern, ConfigError> {
    if let Some(keys) = set {
        return Ok(keys.clone());
    }
    Ok(match env.get(variable) {
        Some(value) => parse::parse_keys(variable, &value, default())?,
        None => default(),
    })
}

/// One signal's TLS files: each the per-signal variable, else the generic one. A client
/// certificate without its key (or the reverse) is refused: mutual TLS needs both.
fn resolve_tls(env: &Env<'_>, signal: Signal) -> Result<TlsFiles, ConfigError> {
    let file = |signal_var: &'static str, generic_var: &'static str| {
        env.get(signal_var)
            .map(|v| (signal_var, v))
            .or_else(|| env.get(generic_var).map(|v| (generic_var, v)))
    };
    let certificate = file(certificate_var(signal), OTEL_EXPORTER_OTLP_CERTIFICATE);
    let client_certificate = file(
        client_certificate_var(signal),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE,
    );
    let client_key = file(client_key_var(signal), OTEL_EXPORTER_OTLP_CLIENT_KEY);
    match (&client_certificate, &client_key) {
        (Some((variable, value)), None) => {
            return Err(parse::invalid(
                variable,
                value,
                format!(
                    "a client certificate together with its private key: set {} (or {}) too",
                    client_key_var(signal),
                    OTEL_EXPORTER_OTLP_CLIENT_KEY
                ),
            ));
        }
        (None, Some((variable, value))) => {
            return Err(parse::invalid(
                variable,
                value,
                format!(
                    "a client private key together with its certificate: set {} (or {}) too",
                    client_certificate_var(signal),
                    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE
                ),
            ));
        }
        _ => {}
    }
    let path = |file: Option<(&str, String)>| file.map(|(_, v)| std::path::PathBuf::from(v));
    Ok(TlsFiles {
        certificate: path(certificate),
        client_certificate: path(client_certificate),
        client_key: path(client_key),
    })
}

/// Parses `name` when set.
fn optional<T>(
    env: &Env<'_>,
    name: &str,
    parse: fn(&str, &str) -> Result<T, ConfigError>,
) -> Result<Option<T>, ConfigError> {
    env.get(name).map(|value| parse(name, &value)).transpose()
}

/// A string set in code, trimmed; `None` when unset or blank.
fn non_empty(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `unknown_service:<executable name>`, or `unknown_service` when that name is unknown.
pub(super) fn default_service_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|name| !name.is_empty())
        .map(|name| format!("{DEFAULT_SERVICE_NAME}:{name}"))
        .unwrap_or_else(|| DEFAULT_SERVICE_NAME.to_owned())
}

const SERVICE_NAME_KEY: &str = "service.name";

/// `service.name` and the other resource attributes.
///
/// Attributes, later winning: `OTEL_RESOURCE_ATTRIBUTES`, then `service.version` and
/// `deployment.environment.name` set in code, then the attributes set in code.
/// `service.name`, by precedence: set in code (`service_name`), as an attribute set in code,
/// `OTEL_SERVICE_NAME`, in `OTEL_RESOURCE_ATTRIBUTES`, the default set in code
/// (`default_service_name`), `unknown_service:<executable>`.
fn resolve_resource(
    env: &Env<'_>,
    o: &Overrides,
) -> Result<(String, Vec<(String, String)>), ConfigError> {
    let from_env = optional(
        env,
        OTEL_RESOURCE_ATTRIBUTES,
        parse::parse_resource_attributes,
    )?
    .unwrap_or_default();
    let mut from_code: Vec<(String, String)> = Vec::new();
    if let Some(version) = non_empty(o.service_version.as_ref()) {
        from_code.push(("service.version".to_owned(), version));
    }
    if let Some(environment) = non_empty(o.deployment_environment.as_ref()) {
        from_code.push(("deployment.environment.name".to_owned(), environment));
    }
    for (key, value) in &o.resource_attributes {
        let key = key.trim();
        if key.is_empty() {
            return Err(invalid(
                BUILDER_RESOURCE_ATTRIBUTE,
                &format!("{key}={value}"),
                "an attribute with a non-empty key",
            ));
        }
        from_code.push((key.to_owned(), value.clone()));
    }

    let service_name_in = |attributes: &[(String, String)]| {
        attributes
            .iter()
            .rev()
            .find(|(k, _)| k == SERVICE_NAME_KEY)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let service_name = non_empty(o.service_name.as_ref())
        .or_else(|| service_name_in(&from_code))
        .or_else(|| env.get(OTEL_SERVICE_NAME))
        .or_else(|| service_name_in(&from_env))
        .or_else(|| non_empty(o.default_service_name.as_ref()))
        .unwrap_or_else(default_service_name);

    let mut attributes: Vec<(String, String)> = Vec::new();
    for (key, value) in from_env.into_iter().chain(from_code) {
        if key == SERVICE_NAME_KEY {
            continue;
        }
        match attributes.iter_mut().find(|(k, _)| *k == key) {
            Some(existing) => existing.1 = value,
            None => attributes.push((key, value)),
        }
    }
    Ok((service_name, attributes))
}

/// Exporter, protocol, endpoint, headers and timeout of the three signals.
fn resolve_signals(env: &Env<'_>, o: &Overrides) -> Result<[SignalConfig; 3], ConfigError> {
    // A value set in code means the variable is not read at all.
    let generic_protocol = match o.protocol {
        Some(_) => None,
        None => optional(env, OTEL_EXPORTER_OTLP_PROTOCOL, parse::parse_protocol)?,
    };
    let generic_timeout = match o.timeout {
        Some(_) => None,
        None => optional(env, OTEL_EXPORTER_OTLP_TIMEOUT, parse::parse_millis)?,
    };
    let generic_headers = optional(env, OTEL_EXPORTER_OTLP_HEADERS, parse::parse_headers)?;
    for (name, value) in &o.headers {
        if let Some(problem) = parse::header_problem(name, value) {
            return Err(invalid(
                BUILDER_HEADER,
                &format!("{name}=***"),
                format!("a valid HTTP header ({problem})"),
            ));
        }
    }
    if let Some(timeout) = o.timeout
        && timeout.is_zero()
    {
        return Err(invalid(
            BUILDER_TIMEOUT,
            "0ms",
            "a timeout greater than zero",
        ));
    }

    let resolve_one = |signal: Signal| -> Result<SignalConfig, ConfigError> {
        let configured = endpoint::configured_endpoint(signal, env, o);
        let exporter = match o.exporter(signal) {
            Some(kind) => kind,
            None => match optional(env, exporter_var(signal), parse::parse_exporter)? {
                Some(kind) => kind,
                None if configured.is_some() => ExporterKind::Otlp,
                None if signal == Signal::Traces && o.console_fallback => ExporterKind::Console,
                None => ExporterKind::None,
            },
        };
        let protocol = match o.protocol {
            Some(protocol) => protocol,
            None => optional(env, protocol_var(signal), parse::parse_protocol)?
                .or(generic_protocol)
                .unwrap_or_default(),
        };
        // Validated even when the signal is not exported: a bad value is reported anyway.
        let endpoint = endpoint::final_endpoint(configured.as_ref(), signal, protocol)?;
        let timeout = match o.timeout {
            Some(timeout) => timeout,
            None => optional(env, timeout_var(signal), parse::parse_millis)?
                .or(generic_timeout)
                .unwrap_or(DEFAULT_EXPORT_TIMEOUT),
        };
        let mut headers = match optional(env, headers_var(signal), parse::parse_headers)? {
            Some(headers) => headers,
            None => generic_headers.clone().unwrap_or_default(),
        };
        for (name, value) in &o.headers {
            match headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                Some(existing) => existing.1 = value.clone(),
                None => headers.push((name.clone(), value.clone())),
            }
        }
        let tls = resolve_tls(env, signal)?;
        Ok(SignalConfig {
            exporter,
            endpoint: (exporter == ExporterKind::Otlp).then_some(endpoint),
            protocol,
            headers,
            timeout,
            tls,
        })
    };
    let signals = [
        resolve_one(Signal::Traces)?,
        resolve_one(Signal::Logs)?,
        resolve_one(Signal::Metrics)?,
    ];

    // Headers that would never be sent are a configuration mistake (a typo in an exporter
    // or endpoint variable, usually): refuse them rather than drop them silently.
    for (signal, config) in SIGNALS.into_iter().zip(&signals) {
        if config.exporter != ExporterKind::Otlp && env.is_set(headers_var(signal)) {
            return Err(ConfigError::HeadersForDisabledSignal {
                variable: headers_var(signal).to_owned(),
                signals: vec![signal],
            });
        }
    }
    if signals.iter().all(|s| s.exporter != ExporterKind::Otlp) {
        let variable = if env.is_set(OTEL_EXPORTER_OTLP_HEADERS) {
            Some(OTEL_EXPORTER_OTLP_HEADERS)
        } else if !o.headers.is_empty() {
            Some(BUILDER_HEADER)
        } else {
            None
        };
        if let Some(variable) = variable {
            return Err(ConfigError::HeadersForDisabledSignal {
                variable: variable.to_owned(),
                signals: SIGNALS.to_vec(),
            });
        }
    }
    Ok(signals)
}

/// The sampler set in code (its ratio checked), or `OTEL_TRACES_SAMPLER(_ARG)`, or
/// `parentbased_always_on`.
fn resolve_sampler(env: &Env<'_>, o: &Overrides) -> Result<SamplerConfig, ConfigError> {
    match o.sampler {
        Some(sampler) => match sampler {
            SamplerConfig::TraceIdRatio(r) | SamplerConfig::ParentBasedTraceIdRatio(r)
                if !(0.0..=1.0).contains(&r) =>
            {
                Err(invalid(
                    BUILDER_SAMPLER,
                    &sampler.to_string(),
                    "a ratio from 0 to 1, e.g. 0.25",
                ))
            }
            _ => Ok(sampler),
        },
        None => match env.get(OTEL_TRACES_SAMPLER) {
            Some(name) => parse::parse_sampler(&name, env.get(OTEL_TRACES_SAMPLER_ARG).as_deref()),
            None => Ok(SamplerConfig::ParentBasedAlwaysOn),
        },
    }
}

/// The variables of one batch processor.
struct BatchVars {
    max_queue_size: &'static str,
    max_queue_bytes: &'static str,
    schedule_delay: &'static str,
    max_export_batch_size: &'static str,
    export_timeout: &'static str,
}

const SPAN_BATCH_VARS: BatchVars = BatchVars {
    max_queue_size: OTEL_BSP_MAX_QUEUE_SIZE,
    max_queue_bytes: TELEMETRY_BSP_MAX_QUEUE_BYTES,
    schedule_delay: OTEL_BSP_SCHEDULE_DELAY,
    max_export_batch_size: OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    export_timeout: OTEL_BSP_EXPORT_TIMEOUT,
};

const LOG_BATCH_VARS: BatchVars = BatchVars {
    max_queue_size: OTEL_BLRP_MAX_QUEUE_SIZE,
    max_queue_bytes: TELEMETRY_BLRP_MAX_QUEUE_BYTES,
    schedule_delay: OTEL_BLRP_SCHEDULE_DELAY,
    max_export_batch_size: OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
    export_timeout: OTEL_BLRP_EXPORT_TIMEOUT,
};

/// One batch processor's settings; the batch size may not exceed the queue size (the error
/// names the variable that was set).
fn resolve_batch(
    env: &Env<'_>,
    vars: &BatchVars,
    defaults: BatchConfig,
) -> Result<BatchConfig, ConfigError> {
    let queue = optional(env, vars.max_queue_size, |v, s| {
        parse::parse_positive_at_most(v, s, parse::MAX_QUEUE_SIZE)
    })?;
    let batch = optional(env, vars.max_export_batch_size, |v, s| {
        parse::parse_positive_at_most(v, s, parse::MAX_EXPORT_BATCH_SIZE)
    })?;
    let schedule_delay =
        optional(env, vars.schedule_delay, parse::parse_millis)?.unwrap_or(defaults.schedule_delay);
    let export_timeout =
        optional(env, vars.export_timeout, parse::parse_millis)?.unwrap_or(defaults.export_timeout);
    let max_queue_size = queue.unwrap_or(defaults.max_queue_size);
    let max_export_batch_size = batch.unwrap_or(defaults.max_export_batch_size);
    if max_export_batch_size > max_queue_size {
        return Err(if batch.is_some() {
            invalid(
                vars.max_export_batch_size,
                &max_export_batch_size.to_string(),
                format!(
                    "a whole number no greater than {} ({max_queue_size})",
                    vars.max_queue_size
                ),
            )
        } else {
            invalid(
                vars.max_queue_size,
                &max_queue_size.to_string(),
                format!(
                    "a whole number no smaller than {} ({max_export_batch_size}, its default)",
                    vars.max_export_batch_size
                ),
            )
        });
    }
    let max_queue_bytes = optional(env, vars.max_queue_bytes, |v, s| {
        parse::parse_positive_at_most(v, s, parse::MAX_QUEUE_BYTES)
    })?
    .unwrap_or(defaults.max_queue_bytes);
    Ok(BatchConfig {
        max_queue_size,
        schedule_delay,
        max_export_batch_size,
        export_timeout,
        max_queue_bytes,
    })
}

/// The attribute limits: each model's variable, else the general one, else the default.
fn resolve_limits(env: &Env<'_>) -> Result<AttributeLimits, ConfigError> {
    let length = |name: &str| {
        optional(env, name, |v, s| {
            parse::parse_count_at_most(v, s, parse::MAX_LENGTH_LIMIT)
        })
    };
    let count = |name: &str| {
        optional(env, name, |v, s| {
            parse::parse_count_at_most(v, s, parse::MAX_COUNT_LIMIT)
        })
    };
    let general_length = length(OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT)?;
    let general_count = count(OTEL_ATTRIBUTE_COUNT_LIMIT)?;
    let defaults = AttributeLimits::default();
    let count_of = |name: &str, default: usize| -> Result<usize, ConfigError> {
        Ok(count(name)?.or(general_count).unwrap_or(default))
    };
    Ok(AttributeLimits {
        span_attribute_value_length: length(OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT)?
            .or(general_length),
        span_attribute_count: count_of(
            OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
            defaults.span_attribute_count,
        )?,
        span_event_count: count(OTEL_SPAN_EVENT_COUNT_LIMIT)?.unwrap_or(defaults.span_event_count),
        span_link_count: count(OTEL_SPAN_LINK_COUNT_LIMIT)?.unwrap_or(defaults.span_link_count),
        event_attribute_count: count_of(
            OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
            defaults.event_attribute_count,
        )?,
        link_attribute_count: count_of(
            OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
            defaults.link_attribute_count,
        )?,
        log_attribute_value_length: length(OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT)?
            .or(general_length),
        log_attribute_count: count_of(
            OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT,
            defaults.log_attribute_count,
        )?,
    })
}

/// Set in code, else `RUST_LOG`, else `info`. Validated where the filter is built.
fn resolve_log_filter(env: &Env<'_>, o: &Overrides) -> String {
    non_empty(o.log_filter.as_ref())
        .or_else(|| env.get(RUST_LOG))
        .unwrap_or_else(|| DEFAULT_LOG_FILTER.to_owned())
}
