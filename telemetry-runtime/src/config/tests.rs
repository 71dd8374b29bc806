//! Tests of [`Config::resolve`]: one per rule, and the exact message of each bad value.

use std::collections::HashMap;
use std::time::Duration;

use super::warning::Features;
use super::*;

/// Both features on, so that no feature warning shows up unless a test asks for it.
const FULL: Features = Features {
    otlp: true,
    tls: true,
};

fn resolve_full(
    vars: &[(&str, &str)],
    overrides: &Overrides,
    features: Features,
) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |name: &str| map.get(name).cloned();
    Config::resolve_with(&Env::new(&lookup), overrides, features)
}

fn resolve_o(vars: &[(&str, &str)], overrides: &Overrides) -> Result<Config, ConfigError> {
    resolve_full(vars, overrides, FULL)
}

fn resolve(vars: &[(&str, &str)]) -> Config {
    resolve_o(vars, &Overrides::default()).unwrap()
}

fn error(vars: &[(&str, &str)]) -> String {
    error_o(vars, &Overrides::default())
}

fn error_o(vars: &[(&str, &str)], overrides: &Overrides) -> String {
    resolve_o(vars, overrides).unwrap_err().to_string()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn codes(config: &Config) -> Vec<WarningCode> {
    config.warnings.iter().map(|w| w.code).collect()
}

fn exporters(config: &Config) -> [ExporterKind; 3] {
    [
        config.traces.exporter,
        config.logs.exporter,
        config.metrics.exporter,
    ]
}

fn endpoints(config: &Config) -> [Option<&str>; 3] {
    [
        config.traces.endpoint.as_deref(),
        config.logs.endpoint.as_deref(),
        config.metrics.endpoint.as_deref(),
    ]
}

const NONE3: [ExporterKind; 3] = [ExporterKind::None; 3];
const OTLP3: [ExporterKind; 3] = [ExporterKind::Otlp; 3];

fn assert_defaults(config: &Config) {
    assert!(!config.sdk_disabled);
    assert_eq!(config.service_name, default_service_name());
    assert!(
        config.service_name.starts_with("unknown_service:"),
        "{}",
        config.service_name
    );
    assert!(config.resource_attributes.is_empty());
    for signal in SIGNALS {
        let s = config.signal(signal);
        assert_eq!(s.exporter, ExporterKind::None, "{signal:?}");
        assert_eq!(s.endpoint, None);
        assert_eq!(s.protocol, Protocol::HttpProtobuf);
        assert!(s.headers.is_empty());
        assert_eq!(s.timeout, Duration::from_millis(10_000));
    }
    assert_eq!(config.sampler, SamplerConfig::ParentBasedAlwaysOn);
    assert_eq!(config.span_batch, DEFAULT_SPAN_BATCH);
    assert_eq!(config.log_batch, DEFAULT_LOG_BATCH);
    assert_eq!(config.limits, AttributeLimits::default());
    assert_eq!(config.metric_export_interval, Duration::from_millis(60_000));
    assert_eq!(config.metric_export_timeout, Duration::from_millis(30_000));
    assert_eq!(config.log_filter, "info,opentelemetry=warn");
    assert_eq!(config.log_format, LogFormat::Human);
    assert_eq!(config.content_capture, ContentCapture::NoContent);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

// --- Defaults and empty values ---------------------------------------------------------

#[test]
fn empty_environment_gives_defaults_and_no_export() {
    let config = Config::resolve(|_| None, &Overrides::default()).unwrap();
    assert_defaults(&config);
}

#[test]
fn empty_values_are_unset() {
    let names = [
        OTEL_SDK_DISABLED,
        OTEL_SERVICE_NAME,
        OTEL_RESOURCE_ATTRIBUTES,
        OTEL_TRACES_EXPORTER,
        OTEL_LOGS_EXPORTER,
        OTEL_METRICS_EXPORTER,
        OTEL_EXPORTER_OTLP_ENDPOINT,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
        OTEL_EXPORTER_OTLP_PROTOCOL,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
        OTEL_EXPORTER_OTLP_HEADERS,
        OTEL_EXPORTER_OTLP_TRACES_HEADERS,
        OTEL_EXPORTER_OTLP_TIMEOUT,
        OTEL_EXPORTER_OTLP_LOGS_TIMEOUT,
        OTEL_TRACES_SAMPLER,
        OTEL_TRACES_SAMPLER_ARG,
        OTEL_BSP_MAX_QUEUE_SIZE,
        OTEL_BSP_SCHEDULE_DELAY,
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
        OTEL_BSP_EXPORT_TIMEOUT,
        OTEL_BLRP_MAX_QUEUE_SIZE,
        OTEL_BLRP_SCHEDULE_DELAY,
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
        OTEL_BLRP_EXPORT_TIMEOUT,
        OTEL_METRIC_EXPORT_INTERVAL,
        OTEL_METRIC_EXPORT_TIMEOUT,
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        OTEL_ATTRIBUTE_COUNT_LIMIT,
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
        OTEL_SPAN_EVENT_COUNT_LIMIT,
        OTEL_SPAN_LINK_COUNT_LIMIT,
        OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
        OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
        OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT,
        OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT,
        RUST_LOG,
        TELEMETRY_LOG_FORMAT,
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
    ];
    for blank in ["", "   "] {
        let vars: Vec<(&str, &str)> = names.iter().map(|n| (*n, blank)).collect();
        assert_defaults(&resolve(&vars));
    }
}

// --- OTEL_SDK_DISABLED -------------------------------------------------------------------

#[test]
fn sdk_disabled_turns_everything_off_and_skips_validation() {
    for value in ["true", "TRUE", " True "] {
        let config = resolve(&[
            (OTEL_SDK_DISABLED, value),
            (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
            (OTEL_TRACES_EXPORTER, "zipkin"),
            (OTEL_EXPORTER_OTLP_PROTOCOL, "grpcc"),
            (OTEL_RESOURCE_ATTRIBUTES, "broken"),
            (OTEL_SERVICE_NAME, "checkout"),
        ]);
        assert!(config.sdk_disabled);
        assert_eq!(exporters(&config), NONE3);
        assert_eq!(endpoints(&config), [None; 3]);
        assert_eq!(config.service_name, "checkout");
        assert!(config.warnings.is_empty());
    }
    let config = resolve(&[(OTEL_SDK_DISABLED, "false")]);
    assert!(!config.sdk_disabled);
}

#[test]
fn sdk_disabled_set_in_code_wins() {
    let on = Overrides {
        sdk_disabled: Some(true),
        ..Overrides::default()
    };
    assert!(
        resolve_o(&[(OTEL_SDK_DISABLED, "false")], &on)
            .unwrap()
            .sdk_disabled
    );
    let off = Overrides {
        sdk_disabled: Some(false),
        ..Overrides::default()
    };
    // The variable is not read at all, so its bad value is not reported.
    assert!(
        !resolve_o(&[(OTEL_SDK_DISABLED, "yes")], &off)
            .unwrap()
            .sdk_disabled
    );
}

#[test]
fn bad_sdk_disabled_message() {
    assert_eq!(
        error(&[(OTEL_SDK_DISABLED, "yes")]),
        "invalid value `yes` for OTEL_SDK_DISABLED: expected true or false"
    );
}

// --- service.name and resource attributes ---------------------------------------------------

#[test]
fn service_name_precedence() {
    let attrs = (
        OTEL_RESOURCE_ATTRIBUTES,
        "service.name=from-attrs,team=search",
    );
    let config = resolve(&[attrs]);
    assert_eq!(config.service_name, "from-attrs");
    assert_eq!(config.resource_attributes, pairs(&[("team", "search")]));

    let config = resolve(&[attrs, (OTEL_SERVICE_NAME, "from-env")]);
    assert_eq!(config.service_name, "from-env");

    let code = Overrides {
        service_name: Some("from-code".into()),
        ..Overrides::default()
    };
    let config = resolve_o(&[attrs, (OTEL_SERVICE_NAME, "from-env")], &code).unwrap();
    assert_eq!(config.service_name, "from-code");
    assert!(
        config
            .resource_attributes
            .iter()
            .all(|(k, _)| k != "service.name")
    );

    // A default set in code is what the operator overrides.
    let default = Overrides {
        default_service_name: Some("default-in-code".into()),
        ..Overrides::default()
    };
    let config = resolve_o(&[(OTEL_SERVICE_NAME, "renamed")], &default).unwrap();
    assert_eq!(config.service_name, "renamed");
    let config = resolve_o(&[attrs], &default).unwrap();
    assert_eq!(config.service_name, "from-attrs");
    let config = resolve_o(&[(OTEL_SERVICE_NAME, " ")], &default).unwrap();
    assert_eq!(
        config.service_name, "default-in-code",
        "a blank variable names nothing"
    );
    let config = resolve_o(&[], &default).unwrap();
    assert_eq!(config.service_name, "default-in-code");
    let both = Overrides {
        service_name: Some("forced".into()),
        ..default
    };
    let config = resolve_o(&[(OTEL_SERVICE_NAME, "renamed")], &both).unwrap();
    assert_eq!(config.service_name, "forced");
    assert!(
        config
            .resource_attributes
            .iter()
            .all(|(k, _)| k != "service.name")
    );
}

#[test]
fn resource_attributes_merge_env_then_code() {
    let overrides = Overrides {
        service_version: Some("2.0.0".into()),
        deployment_environment: Some("staging".into()),
        resource_attributes: pairs(&[("team", "ranking"), ("region", "eu-west-1")]),
        ..Overrides::default()
    };
    let config = resolve_o(
        &[(
            OTEL_RESOURCE_ATTRIBUTES,
            " service.version = 1.0.0 , team=search%20infra,deployment.environment.name=dev,\
             owner=a%2Cb",
        )],
        &overrides,
    )
    .unwrap();
    assert_eq!(
        config.resource_attributes,
        pairs(&[
            ("service.version", "2.0.0"),
            ("team", "ranking"),
            ("deployment.environment.name", "staging"),
            ("owner", "a,b"),
            ("region", "eu-west-1"),
        ])
    );
}

#[test]
fn resource_attribute_values_are_percent_decoded() {
    let config = resolve(&[(OTEL_RESOURCE_ATTRIBUTES, "note=caf%C3%A9%3D1")]);
    assert_eq!(config.resource_attributes, pairs(&[("note", "café=1")]));
}

#[test]
fn bad_resource_attributes_messages() {
    assert_eq!(
        error(&[(OTEL_RESOURCE_ATTRIBUTES, "team=search,oops")]),
        "invalid value `team=search,oops` for OTEL_RESOURCE_ATTRIBUTES: expected \
         comma-separated key=value pairs, e.g. \
         service.version=1.2.0,deployment.environment.name=prod (entry `oops` has no `=`)"
    );
    assert_eq!(
        error(&[(OTEL_RESOURCE_ATTRIBUTES, "=search")]),
        "invalid value `=search` for OTEL_RESOURCE_ATTRIBUTES: expected comma-separated \
         key=value pairs, e.g. service.version=1.2.0,deployment.environment.name=prod \
         (entry `=search` has an empty key)"
    );
    assert_eq!(
        error(&[(OTEL_RESOURCE_ATTRIBUTES, "discount=50%")]),
        "invalid value `discount=50%` for OTEL_RESOURCE_ATTRIBUTES: expected comma-separated \
         key=value pairs, e.g. service.version=1.2.0,deployment.environment.name=prod \
         (the value of `discount` has a bad percent escape: `%` must be followed by two hex \
         digits)"
    );
}

#[test]
fn resource_attribute_with_empty_key_in_code_is_refused() {
    let overrides = Overrides {
        resource_attributes: pairs(&[(" ", "x")]),
        ..Overrides::default()
    };
    assert_eq!(
        error_o(&[], &overrides),
        "invalid value `=x` for TelemetryBuilder::resource_attribute: expected an attribute \
         with a non-empty key"
    );
}

// --- Exporters -----------------------------------------------------------------------------

#[test]
fn exporter_values_are_case_insensitive_and_trimmed() {
    let config = resolve(&[
        (OTEL_TRACES_EXPORTER, " OTLP "),
        (OTEL_LOGS_EXPORTER, "Console"),
        (OTEL_METRICS_EXPORTER, "none"),
    ]);
    assert_eq!(
        exporters(&config),
        [
            ExporterKind::Otlp,
            ExporterKind::Console,
            ExporterKind::None
        ]
    );
}

#[test]
fn unknown_exporter_message() {
    assert_eq!(
        error(&[(OTEL_TRACES_EXPORTER, "zipkin")]),
        "invalid value `zipkin` for OTEL_TRACES_EXPORTER: expected one of otlp, console, none"
    );
    assert_eq!(
        error(&[(OTEL_METRICS_EXPORTER, "otlp,console")]),
        "invalid value `otlp,console` for OTEL_METRICS_EXPORTER: expected one of otlp, \
         console, none"
    );
}

#[test]
fn unset_exporter_follows_the_endpoint() {
    let config = resolve(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318")]);
    assert_eq!(exporters(&config), OTLP3);

    let config = resolve(&[(
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        "http://collector:4318/v1/traces",
    )]);
    assert_eq!(
        exporters(&config),
        [ExporterKind::Otlp, ExporterKind::None, ExporterKind::None]
    );

    let code = Overrides {
        endpoint: Some("http://collector:4318".into()),
        ..Overrides::default()
    };
    assert_eq!(exporters(&resolve_o(&[], &code).unwrap()), OTLP3);
    let code = Overrides {
        metrics_endpoint: Some("http://collector:4318/v1/metrics".into()),
        ..Overrides::default()
    };
    assert_eq!(
        exporters(&resolve_o(&[], &code).unwrap()),
        [ExporterKind::None, ExporterKind::None, ExporterKind::Otlp]
    );
}

#[test]
fn console_fallback_applies_to_traces_without_exporter_or_endpoint() {
    let fallback = Overrides {
        console_fallback: true,
        ..Overrides::default()
    };
    let config = resolve_o(&[], &fallback).unwrap();
    assert_eq!(
        exporters(&config),
        [
            ExporterKind::Console,
            ExporterKind::None,
            ExporterKind::None
        ]
    );
    assert_eq!(config.traces.endpoint, None);

    let config = resolve_o(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://c:4318")], &fallback).unwrap();
    assert_eq!(config.traces.exporter, ExporterKind::Otlp);
    let config = resolve_o(
        &[(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "http://c:4318")],
        &fallback,
    )
    .unwrap();
    assert_eq!(config.traces.exporter, ExporterKind::Otlp);
    let config = resolve_o(&[(OTEL_TRACES_EXPORTER, "none")], &fallback).unwrap();
    assert_eq!(config.traces.exporter, ExporterKind::None);

    // Without the fallback, nothing is printed.
    assert_eq!(resolve(&[]).traces.exporter, ExporterKind::None);
}

#[test]
fn explicit_otlp_without_endpoint_uses_the_spec_defaults() {
    let config = resolve(&[
        (OTEL_TRACES_EXPORTER, "otlp"),
        (OTEL_LOGS_EXPORTER, "otlp"),
        (OTEL_METRICS_EXPORTER, "otlp"),
    ]);
    assert_eq!(
        endpoints(&config),
        [
            Some("http://localhost:4318/v1/traces"),
            Some("http://localhost:4318/v1/logs"),
            Some("http://localhost:4318/v1/metrics"),
        ]
    );
    let config = resolve(&[
        (OTEL_TRACES_EXPORTER, "otlp"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
    ]);
    assert_eq!(
        config.traces.endpoint.as_deref(),
        Some("http://localhost:4317")
    );
}

#[test]
fn endpoint_is_only_kept_for_otlp() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
        (OTEL_LOGS_EXPORTER, "console"),
        (OTEL_METRICS_EXPORTER, "none"),
    ]);
    assert_eq!(
        endpoints(&config),
        [Some("http://collector:4318/v1/traces"), None, None]
    );
}

// --- Endpoints -------------------------------------------------------------------------------

#[test]
fn http_generic_endpoint_gets_each_signal_path() {
    let config = resolve(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318")]);
    assert_eq!(
        endpoints(&config),
        [
            Some("http://collector:4318/v1/traces"),
            Some("http://collector:4318/v1/logs"),
            Some("http://collector:4318/v1/metrics"),
        ]
    );
}

#[test]
fn http_generic_endpoint_keeps_its_base_path_without_double_slash() {
    for base in ["http://h:4318/otlp", "http://h:4318/otlp/"] {
        let config = resolve(&[(OTEL_EXPORTER_OTLP_ENDPOINT, base)]);
        assert_eq!(
            config.traces.endpoint.as_deref(),
            Some("http://h:4318/otlp/v1/traces")
        );
    }
    let config = resolve(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://h:4318/")]);
    assert_eq!(
        config.logs.endpoint.as_deref(),
        Some("http://h:4318/v1/logs")
    );
}

#[test]
fn per_signal_endpoint_is_used_as_given() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://generic:4318"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://traces:4318/custom/path",
        ),
    ]);
    assert_eq!(
        endpoints(&config),
        [
            Some("http://traces:4318/custom/path"),
            Some("http://generic:4318/v1/logs"),
            Some("http://generic:4318/v1/metrics"),
        ]
    );
}

#[test]
fn grpc_endpoint_gets_no_path() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4317"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
    ]);
    assert_eq!(endpoints(&config), [Some("http://collector:4317"); 3]);
    assert_eq!(config.traces.protocol, Protocol::Grpc);
}

#[test]
fn separate_traces_and_logs_endpoints() {
    let config = resolve(&[
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://tempo:4318/v1/traces",
        ),
        (
            OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
            "https://loki.example.com/otlp/v1/logs",
        ),
    ]);
    assert_eq!(
        exporters(&config),
        [ExporterKind::Otlp, ExporterKind::Otlp, ExporterKind::None]
    );
    assert_eq!(
        endpoints(&config),
        [
            Some("http://tempo:4318/v1/traces"),
            Some("https://loki.example.com/otlp/v1/logs"),
            None,
        ]
    );
}

#[test]
fn endpoint_precedence_code_per_signal_env_per_signal_code_generic_env_generic() {
    let env = [
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://env-generic:4318"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://env-traces:4318/t",
        ),
    ];
    let code = Overrides {
        endpoint: Some("http://code-generic:4318".into()),
        logs_endpoint: Some("http://code-logs:4318/l".into()),
        ..Overrides::default()
    };
    let config = resolve_o(&env, &code).unwrap();
    assert_eq!(
        endpoints(&config),
        [
            Some("http://env-traces:4318/t"),
            Some("http://code-logs:4318/l"),
            Some("http://code-generic:4318/v1/metrics"),
        ]
    );
    let code = Overrides {
        traces_endpoint: Some("http://code-traces:4318/t".into()),
        ..code
    };
    let config = resolve_o(&env, &code).unwrap();
    assert_eq!(
        config.traces.endpoint.as_deref(),
        Some("http://code-traces:4318/t")
    );
}

#[test]
fn bad_endpoint_messages() {
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "not a url")]),
        "invalid value `not a url` for OTEL_EXPORTER_OTLP_ENDPOINT: expected an absolute \
         http:// or https:// URL, e.g. http://localhost:4318"
    );
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "localhost:4318")]),
        "invalid value `localhost:4318` for OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: expected an \
         absolute http:// or https:// URL, e.g. http://localhost:4318"
    );
    let code = Overrides {
        endpoint: Some("ftp://collector".into()),
        ..Overrides::default()
    };
    assert_eq!(
        error_o(&[], &code),
        "invalid value `ftp://collector` for TelemetryBuilder::endpoint: expected an absolute \
         http:// or https:// URL, e.g. http://localhost:4318"
    );
}

// --- Protocol --------------------------------------------------------------------------------

#[test]
fn protocol_per_signal_beats_generic_and_code_beats_both() {
    let env = [
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4317"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
        (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL, "http/protobuf"),
    ];
    let config = resolve(&env);
    assert_eq!(config.traces.protocol, Protocol::Grpc);
    assert_eq!(config.logs.protocol, Protocol::HttpProtobuf);
    assert_eq!(
        config.logs.endpoint.as_deref(),
        Some("http://collector:4317/v1/logs")
    );
    assert_eq!(config.metrics.protocol, Protocol::Grpc);

    let code = Overrides {
        protocol: Some(Protocol::HttpProtobuf),
        ..Overrides::default()
    };
    let config = resolve_o(&env, &code).unwrap();
    for signal in SIGNALS {
        assert_eq!(config.signal(signal).protocol, Protocol::HttpProtobuf);
    }
}

#[test]
fn bad_protocol_messages() {
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_PROTOCOL, "grpcc")]),
        "invalid value `grpcc` for OTEL_EXPORTER_OTLP_PROTOCOL: expected one of grpc, \
         http/protobuf"
    );
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, "http/json")]),
        "invalid value `http/json` for OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: expected one of \
         grpc, http/protobuf (http/json is not supported)"
    );
}

// --- Headers ---------------------------------------------------------------------------------

#[test]
fn headers_generic_per_signal_and_code() {
    let env = [
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
        (OTEL_EXPORTER_OTLP_HEADERS, "api-key=generic,tenant=acme"),
        (OTEL_EXPORTER_OTLP_LOGS_HEADERS, "api-key=logs%3D1"),
    ];
    let config = resolve(&env);
    assert_eq!(
        config.traces.headers,
        pairs(&[("api-key", "generic"), ("tenant", "acme")])
    );
    // Per-signal headers replace the generic ones entirely.
    assert_eq!(config.logs.headers, pairs(&[("api-key", "logs=1")]));

    let code = Overrides {
        headers: pairs(&[("Tenant", "code"), ("x-extra", "1")]),
        ..Overrides::default()
    };
    let config = resolve_o(&env, &code).unwrap();
    assert_eq!(
        config.traces.headers,
        pairs(&[("api-key", "generic"), ("tenant", "code"), ("x-extra", "1")])
    );
    assert_eq!(
        config.logs.headers,
        pairs(&[("api-key", "logs=1"), ("Tenant", "code"), ("x-extra", "1")])
    );
}

#[test]
fn malformed_headers_message_masks_values() {
    assert_eq!(
        error(&[
            (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
            (OTEL_EXPORTER_OTLP_HEADERS, "a=b,c"),
        ]),
        "invalid value `a=***,***` for OTEL_EXPORTER_OTLP_HEADERS: expected comma-separated \
         key=value pairs, e.g. api-key=secret,tenant=acme (entry 2 has no `=`)"
    );
}

#[test]
fn bad_header_in_code_is_refused() {
    let code = Overrides {
        endpoint: Some("http://collector:4318".into()),
        headers: pairs(&[("x-key", "line\nbreak")]),
        ..Overrides::default()
    };
    assert_eq!(
        error_o(&[], &code),
        "invalid value `x-key=***` for TelemetryBuilder::header: expected a valid HTTP header \
         (the value of `x-key` contains a control character)"
    );
}

#[test]
fn per_signal_headers_for_a_disabled_signal_are_refused() {
    assert_eq!(
        error(&[
            (
                OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
                "http://collector:4318/v1/traces"
            ),
            (OTEL_EXPORTER_OTLP_LOGS_HEADERS, "api-key=secret"),
        ]),
        "OTEL_EXPORTER_OTLP_LOGS_HEADERS is set but logs export is off, so these headers \
         would never be sent; configure an OTLP endpoint for it or remove the variable"
    );
    let err = resolve_o(
        &[
            (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
            (OTEL_METRICS_EXPORTER, "console"),
            (OTEL_EXPORTER_OTLP_METRICS_HEADERS, "api-key=secret"),
        ],
        &Overrides::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ConfigError::HeadersForDisabledSignal {
            variable: "OTEL_EXPORTER_OTLP_METRICS_HEADERS".into(),
            signals: vec![Signal::Metrics],
        }
    );
}

#[test]
fn generic_headers_without_any_otlp_signal_are_refused() {
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_HEADERS, "api-key=secret")]),
        "OTEL_EXPORTER_OTLP_HEADERS is set but traces and logs and metrics export is off, so \
         these headers would never be sent; configure an OTLP endpoint for it or remove the \
         variable"
    );
    let code = Overrides {
        headers: pairs(&[("api-key", "secret")]),
        ..Overrides::default()
    };
    let err = resolve_o(&[], &code).unwrap_err();
    assert_eq!(
        err,
        ConfigError::HeadersForDisabledSignal {
            variable: "TelemetryBuilder::header".into(),
            signals: vec![Signal::Traces, Signal::Logs, Signal::Metrics],
        }
    );
    // One OTLP signal is enough for the generic headers to be used.
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_HEADERS, "api-key=secret"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://c:4318/v1/traces",
        ),
    ]);
    assert_eq!(config.traces.headers, pairs(&[("api-key", "secret")]));
}

// --- Timeouts --------------------------------------------------------------------------------

#[test]
fn timeout_per_signal_beats_generic_and_code_beats_both() {
    let env = [
        (OTEL_EXPORTER_OTLP_TIMEOUT, "2000"),
        (OTEL_EXPORTER_OTLP_METRICS_TIMEOUT, "3000"),
    ];
    let config = resolve(&env);
    assert_eq!(config.traces.timeout, Duration::from_millis(2000));
    assert_eq!(config.metrics.timeout, Duration::from_millis(3000));
    let code = Overrides {
        timeout: Some(Duration::from_secs(1)),
        ..Overrides::default()
    };
    let config = resolve_o(&env, &code).unwrap();
    assert_eq!(config.metrics.timeout, Duration::from_secs(1));
    assert_eq!(config.logs.timeout, Duration::from_secs(1));
}

#[test]
fn bad_timeout_messages() {
    assert_eq!(
        error(&[(OTEL_EXPORTER_OTLP_TIMEOUT, "-1")]),
        "invalid value `-1` for OTEL_EXPORTER_OTLP_TIMEOUT: expected a positive whole number \
         of milliseconds, e.g. 10000"
    );
    for bad in ["0", "abc", "1.5"] {
        assert_eq!(
            error(&[(OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, bad)]),
            format!(
                "invalid value `{bad}` for OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: expected a \
                 positive whole number of milliseconds, e.g. 10000"
            )
        );
    }
    let code = Overrides {
        timeout: Some(Duration::ZERO),
        ..Overrides::default()
    };
    assert_eq!(
        error_o(&[], &code),
        "invalid value `0ms` for TelemetryBuilder::timeout: expected a timeout greater than zero"
    );
}

// --- Sampler ---------------------------------------------------------------------------------

#[test]
fn sampler_names_and_arguments() {
    let s = |vars: &[(&str, &str)]| resolve(vars).sampler;
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER, "always_on")]),
        SamplerConfig::AlwaysOn
    );
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER, "always_off")]),
        SamplerConfig::AlwaysOff
    );
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER, "traceidratio")]),
        SamplerConfig::TraceIdRatio(1.0)
    );
    assert_eq!(
        s(&[
            (OTEL_TRACES_SAMPLER, "traceidratio"),
            (OTEL_TRACES_SAMPLER_ARG, "0.25")
        ]),
        SamplerConfig::TraceIdRatio(0.25)
    );
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER, "parentbased_always_on")]),
        SamplerConfig::ParentBasedAlwaysOn
    );
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER, "parentbased_always_off")]),
        SamplerConfig::ParentBasedAlwaysOff
    );
    assert_eq!(
        s(&[
            (OTEL_TRACES_SAMPLER, "parentbased_traceidratio"),
            (OTEL_TRACES_SAMPLER_ARG, "0.5"),
        ]),
        SamplerConfig::ParentBasedTraceIdRatio(0.5)
    );
    // The argument of a sampler without ratio is ignored, even when it is not a number.
    assert_eq!(
        s(&[
            (OTEL_TRACES_SAMPLER, "always_on"),
            (OTEL_TRACES_SAMPLER_ARG, "abc")
        ]),
        SamplerConfig::AlwaysOn
    );
    assert_eq!(
        s(&[(OTEL_TRACES_SAMPLER_ARG, "abc")]),
        SamplerConfig::ParentBasedAlwaysOn
    );
}

#[test]
fn bad_sampler_argument_messages() {
    for (arg, sampler) in [("1.5", "traceidratio"), ("abc", "parentbased_traceidratio")] {
        assert_eq!(
            error(&[
                (OTEL_TRACES_SAMPLER, sampler),
                (OTEL_TRACES_SAMPLER_ARG, arg)
            ]),
            format!(
                "invalid value `{arg}` for OTEL_TRACES_SAMPLER_ARG: expected a number from 0 \
                 to 1, e.g. 0.25"
            )
        );
    }
    for bad in ["-0.1", "NaN"] {
        assert!(
            resolve_o(
                &[
                    (OTEL_TRACES_SAMPLER, "traceidratio"),
                    (OTEL_TRACES_SAMPLER_ARG, bad)
                ],
                &Overrides::default()
            )
            .is_err()
        );
    }
}

#[test]
fn unsupported_sampler_message() {
    for name in ["jaeger_remote", "xray"] {
        assert_eq!(
            error(&[(OTEL_TRACES_SAMPLER, name)]),
            format!(
                "invalid value `{name}` for OTEL_TRACES_SAMPLER: expected one of always_on, \
                 always_off, traceidratio, parentbased_always_on, parentbased_always_off, \
                 parentbased_traceidratio"
            )
        );
    }
}

#[test]
fn sampler_set_in_code_wins_and_is_checked() {
    let code = Overrides {
        sampler: Some(SamplerConfig::AlwaysOff),
        ..Overrides::default()
    };
    let config = resolve_o(&[(OTEL_TRACES_SAMPLER, "jaeger_remote")], &code).unwrap();
    assert_eq!(config.sampler, SamplerConfig::AlwaysOff);
    let code = Overrides {
        sampler: Some(SamplerConfig::TraceIdRatio(2.0)),
        ..Overrides::default()
    };
    assert_eq!(
        error_o(&[], &code),
        "invalid value `traceidratio(2)` for TelemetryBuilder::sampler: expected a ratio from \
         0 to 1, e.g. 0.25"
    );
}

// --- Batch processors and metric reader ---------------------------------------------------------

#[test]
fn batch_settings() {
    let config = resolve(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "4096"),
        (OTEL_BSP_SCHEDULE_DELAY, "200"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "1024"),
        (OTEL_BSP_EXPORT_TIMEOUT, "5000"),
        (OTEL_BLRP_MAX_QUEUE_SIZE, "100"),
        (OTEL_BLRP_SCHEDULE_DELAY, "50"),
        (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, "100"),
        (OTEL_BLRP_EXPORT_TIMEOUT, "700"),
        (TELEMETRY_BLRP_MAX_QUEUE_BYTES, "1000"),
    ]);
    assert_eq!(
        config.span_batch,
        BatchConfig {
            max_queue_size: 4096,
            schedule_delay: Duration::from_millis(200),
            max_export_batch_size: 1024,
            export_timeout: Duration::from_millis(5000),
            max_queue_bytes: 64 << 20,
        }
    );
    assert_eq!(
        config.log_batch,
        BatchConfig {
            max_queue_size: 100,
            schedule_delay: Duration::from_millis(50),
            max_export_batch_size: 100,
            export_timeout: Duration::from_millis(700),
            max_queue_bytes: 1000,
        }
    );
}

#[test]
fn bad_batch_values() {
    assert_eq!(
        error(&[(OTEL_BLRP_MAX_QUEUE_SIZE, "0")]),
        "invalid value `0` for OTEL_BLRP_MAX_QUEUE_SIZE: expected a positive whole number, \
         e.g. 2048"
    );
    assert_eq!(
        error(&[(OTEL_BSP_SCHEDULE_DELAY, "5s")]),
        "invalid value `5s` for OTEL_BSP_SCHEDULE_DELAY: expected a positive whole number of \
         milliseconds, e.g. 10000"
    );
}

#[test]
fn sizes_and_durations_have_upper_bounds_named_in_the_error() {
    assert_eq!(
        error(&[(OTEL_BSP_MAX_QUEUE_SIZE, "18446744073709551615")]),
        "invalid value `18446744073709551615` for OTEL_BSP_MAX_QUEUE_SIZE: expected a positive \
         whole number no greater than 262144"
    );
    assert_eq!(
        error(&[(OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, "100000")]),
        "invalid value `100000` for OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: expected a positive whole \
         number no greater than 8192"
    );
    assert_eq!(
        error(&[(OTEL_BSP_EXPORT_TIMEOUT, "18446744073709551615")]),
        "invalid value `18446744073709551615` for OTEL_BSP_EXPORT_TIMEOUT: expected a positive \
         whole number of milliseconds, e.g. 10000, at most 86400000 (a day)"
    );
    assert!(error(&[(OTEL_METRIC_EXPORT_INTERVAL, "86400001")]).contains("at most 86400000"));
    // The largest values are taken.
    let config = resolve(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "262144"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "8192"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "86400000"),
    ]);
    assert_eq!(config.span_batch.max_queue_size, 262_144);
    assert_eq!(config.span_batch.max_export_batch_size, 8192);
}

#[test]
fn attribute_limits_take_the_model_variable_then_the_general_one_then_the_default() {
    assert_eq!(
        resolve(&[]).limits,
        AttributeLimits {
            span_attribute_value_length: None,
            span_attribute_count: 128,
            span_event_count: 128,
            span_link_count: 128,
            event_attribute_count: 128,
            link_attribute_count: 128,
            log_attribute_value_length: None,
            log_attribute_count: 128,
        }
    );
    let general = resolve(&[
        (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "256"),
        (OTEL_ATTRIBUTE_COUNT_LIMIT, "32"),
    ])
    .limits;
    assert_eq!(general.span_attribute_value_length, Some(256));
    assert_eq!(general.log_attribute_value_length, Some(256));
    assert_eq!(
        (
            general.span_attribute_count,
            general.event_attribute_count,
            general.link_attribute_count,
            general.log_attribute_count
        ),
        (32, 32, 32, 32)
    );
    assert_eq!(
        (general.span_event_count, general.span_link_count),
        (128, 128),
        "event and link counts are not attribute counts"
    );
    let specific = resolve(&[
        (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "256"),
        (OTEL_ATTRIBUTE_COUNT_LIMIT, "32"),
        (OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, "64"),
        (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, "16"),
        (OTEL_SPAN_EVENT_COUNT_LIMIT, "8"),
        (OTEL_SPAN_LINK_COUNT_LIMIT, "4"),
        (OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, "2"),
        (OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, "1"),
        (OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT, "0"),
        (OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT, "3"),
    ])
    .limits;
    assert_eq!(
        specific,
        AttributeLimits {
            span_attribute_value_length: Some(64),
            span_attribute_count: 16,
            span_event_count: 8,
            span_link_count: 4,
            event_attribute_count: 2,
            link_attribute_count: 1,
            log_attribute_value_length: Some(0),
            log_attribute_count: 3,
        }
    );
    assert_eq!(
        error(&[(OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, "-1")]),
        "invalid value `-1` for OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: expected a whole number from 0 \
         to 65536"
    );
    assert_eq!(
        error(&[(OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "99999999999")]),
        "invalid value `99999999999` for OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: expected a whole \
         number from 0 to 16777216"
    );
}

#[test]
fn batch_size_above_queue_size_names_both_variables() {
    assert_eq!(
        error(&[
            (OTEL_BSP_MAX_QUEUE_SIZE, "100"),
            (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "200")
        ]),
        "invalid value `200` for OTEL_BSP_MAX_EXPORT_BATCH_SIZE: expected a whole number no \
         greater than OTEL_BSP_MAX_QUEUE_SIZE (100)"
    );
    // Only the queue size was set: it is the one to blame.
    assert_eq!(
        error(&[(OTEL_BLRP_MAX_QUEUE_SIZE, "100")]),
        "invalid value `100` for OTEL_BLRP_MAX_QUEUE_SIZE: expected a whole number no smaller \
         than OTEL_BLRP_MAX_EXPORT_BATCH_SIZE (512, its default)"
    );
}

#[test]
fn metric_reader_settings() {
    let config = resolve(&[
        (OTEL_METRIC_EXPORT_INTERVAL, "15000"),
        (OTEL_METRIC_EXPORT_TIMEOUT, "5000"),
    ]);
    assert_eq!(config.metric_export_interval, Duration::from_secs(15));
    assert_eq!(config.metric_export_timeout, Duration::from_secs(5));
    assert_eq!(
        error(&[(OTEL_METRIC_EXPORT_INTERVAL, "-1")]),
        "invalid value `-1` for OTEL_METRIC_EXPORT_INTERVAL: expected a positive whole number \
         of milliseconds, e.g. 10000"
    );
}

// --- Logs and content capture -------------------------------------------------------------------

#[test]
fn log_filter_and_format() {
    let config = resolve(&[
        (RUST_LOG, "warn,my_crate=debug"),
        (TELEMETRY_LOG_FORMAT, "JSON"),
    ]);
    assert_eq!(config.log_filter, "warn,my_crate=debug");
    assert_eq!(config.log_format, LogFormat::Json);
    let code = Overrides {
        log_filter: Some("debug".into()),
        log_format: Some(LogFormat::Human),
        ..Overrides::default()
    };
    let config = resolve_o(&[(RUST_LOG, "warn"), (TELEMETRY_LOG_FORMAT, "xml")], &code).unwrap();
    assert_eq!(config.log_filter, "debug");
    assert_eq!(config.log_format, LogFormat::Human);
    assert_eq!(
        error(&[(TELEMETRY_LOG_FORMAT, "xml")]),
        "invalid value `xml` for TELEMETRY_LOG_FORMAT: expected one of human, json"
    );
}

#[test]
fn content_capture_values() {
    let c = |v| resolve(&[(OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, v)]).content_capture;
    assert_eq!(c("NO_CONTENT"), ContentCapture::NoContent);
    assert_eq!(c("span_only"), ContentCapture::SpanOnly);
    assert_eq!(c("EVENT_ONLY"), ContentCapture::EventOnly);
    assert_eq!(c("SPAN_AND_EVENT"), ContentCapture::SpanAndEvent);
    assert_eq!(c("true"), ContentCapture::SpanAndEvent);
    assert_eq!(c("false"), ContentCapture::NoContent);
    assert_eq!(
        error(&[(OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, "yes")]),
        "invalid value `yes` for OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: expected \
         one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true, false"
    );
    let code = Overrides {
        content_capture: Some(ContentCapture::NoContent),
        ..Overrides::default()
    };
    let config = resolve_o(
        &[(OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, "true")],
        &code,
    )
    .unwrap();
    assert_eq!(config.content_capture, ContentCapture::NoContent);
}

// --- Builder beats environment ------------------------------------------------------------------

#[test]
fn builder_values_beat_environment_values() {
    let env = [
        (OTEL_SERVICE_NAME, "env-service"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://env:4318"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf"),
        (OTEL_EXPORTER_OTLP_HEADERS, "api-key=env"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "2000"),
        (OTEL_TRACES_EXPORTER, "console"),
        (OTEL_LOGS_EXPORTER, "none"),
        (OTEL_TRACES_SAMPLER, "always_on"),
        (RUST_LOG, "warn"),
        (TELEMETRY_LOG_FORMAT, "human"),
        (
            OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
            "SPAN_ONLY",
        ),
    ];
    let code = Overrides {
        service_name: Some("code-service".into()),
        endpoint: Some("http://code:4317".into()),
        protocol: Some(Protocol::Grpc),
        headers: pairs(&[("api-key", "code")]),
        timeout: Some(Duration::from_millis(500)),
        traces_exporter: Some(ExporterKind::Otlp),
        logs_exporter: Some(ExporterKind::Otlp),
        metrics_exporter: Some(ExporterKind::None),
        sampler: Some(SamplerConfig::ParentBasedAlwaysOff),
        log_filter: Some("trace".into()),
        log_format: Some(LogFormat::Json),
        content_capture: Some(ContentCapture::EventOnly),
        ..Overrides::default()
    };
    let config = resolve_o(&env, &code).unwrap();
    assert_eq!(config.service_name, "code-service");
    assert_eq!(
        exporters(&config),
        [ExporterKind::Otlp, ExporterKind::Otlp, ExporterKind::None]
    );
    assert_eq!(
        endpoints(&config),
        [Some("http://code:4317"), Some("http://code:4317"), None]
    );
    assert_eq!(config.traces.protocol, Protocol::Grpc);
    assert_eq!(config.traces.headers, pairs(&[("api-key", "code")]));
    assert_eq!(config.traces.timeout, Duration::from_millis(500));
    assert_eq!(config.sampler, SamplerConfig::ParentBasedAlwaysOff);
    assert_eq!(config.log_filter, "trace");
    assert_eq!(config.log_format, LogFormat::Json);
    assert_eq!(config.content_capture, ContentCapture::EventOnly);
}

// --- Warnings -------------------------------------------------------------------------------------

#[test]
fn no_warning_for_an_ordinary_configuration() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318"),
        (
            OTEL_RESOURCE_ATTRIBUTES,
            "deployment.environment.name=production",
        ),
    ]);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}

#[test]
fn w001_sampling_ratio_zero() {
    for sampler in ["traceidratio", "parentbased_traceidratio"] {
        let config = resolve(&[
            (OTEL_TRACES_SAMPLER, sampler),
            (OTEL_TRACES_SAMPLER_ARG, "0"),
        ]);
        assert_eq!(codes(&config), [WarningCode::SamplingRatioZero]);
        assert!(
            config.warnings[0]
                .message
                .contains("no new trace will be sampled")
        );
    }
    let config = resolve(&[
        (OTEL_TRACES_SAMPLER, "traceidratio"),
        (OTEL_TRACES_SAMPLER_ARG, "0"),
    ]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W001: the sampler is traceidratio(0) with ratio 0: no new trace will be sampled; \
         raise the ratio (OTEL_TRACES_SAMPLER_ARG) above 0"
    );
    let config = resolve(&[
        (OTEL_TRACES_SAMPLER, "traceidratio"),
        (OTEL_TRACES_SAMPLER_ARG, "0.01"),
    ]);
    assert!(config.warnings.is_empty());
    // always_off is an explicit choice, not a suspicious ratio.
    assert!(
        resolve(&[(OTEL_TRACES_SAMPLER, "always_off")])
            .warnings
            .is_empty()
    );
}

#[test]
fn w002_content_capture_on() {
    for value in ["SPAN_ONLY", "EVENT_ONLY", "SPAN_AND_EVENT", "true"] {
        let config = resolve(&[(OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, value)]);
        assert_eq!(
            codes(&config),
            [WarningCode::ContentCaptureEnabled],
            "{value}"
        );
    }
    let config = resolve(&[(
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
        "SPAN_ONLY",
    )]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W002: message content capture is SPAN_ONLY: prompts and completions will enter \
         telemetry; make sure the telemetry backend may store them"
    );
}

#[test]
fn w003_console_in_production() {
    let config = resolve(&[
        (OTEL_TRACES_EXPORTER, "console"),
        (
            OTEL_RESOURCE_ATTRIBUTES,
            "deployment.environment.name=production",
        ),
    ]);
    assert_eq!(codes(&config), [WarningCode::ConsoleInProduction]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W003: the console exporter is active for traces while deployment.environment.name \
         is `production`: telemetry is printed on stdout instead of being exported; configure \
         an OTLP endpoint or set OTEL_TRACES_EXPORTER to otlp or none"
    );
    let code = Overrides {
        deployment_environment: Some("prod".into()),
        console_fallback: true,
        ..Overrides::default()
    };
    let config = resolve_o(&[], &code).unwrap();
    assert_eq!(codes(&config), [WarningCode::ConsoleInProduction]);
    let config = resolve_o(
        &[(OTEL_RESOURCE_ATTRIBUTES, "deployment.environment.name=dev")],
        &Overrides {
            console_fallback: true,
            ..Overrides::default()
        },
    )
    .unwrap();
    assert!(config.warnings.is_empty());
}

#[test]
fn w004_https_without_tls() {
    let no_tls = Features {
        otlp: true,
        tls: false,
    };
    let env = [
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "https://collector.example.com/v1/traces",
        ),
        (
            OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
            "http://collector:4318/v1/logs",
        ),
    ];
    let config = resolve_full(&env, &Overrides::default(), no_tls).unwrap();
    assert_eq!(codes(&config), [WarningCode::HttpsWithoutTls]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W004: the traces endpoint https://collector.example.com/v1/traces uses https but \
         telemetry-runtime was built without the `tls` feature: export will fail; build it \
         with features = [\"tls\"]"
    );
    let config = resolve_full(&env, &Overrides::default(), FULL).unwrap();
    assert!(config.warnings.is_empty());
}

#[test]
fn w004_follows_the_compiled_features() {
    let vars: HashMap<&str, &str> =
        [(OTEL_EXPORTER_OTLP_ENDPOINT, "https://collector.example.com")]
            .into_iter()
            .collect();
    let config = Config::resolve(
        |name| vars.get(name).map(|v| v.to_string()),
        &Overrides::default(),
    )
    .unwrap();
    let https_warnings = codes(&config)
        .iter()
        .filter(|c| **c == WarningCode::HttpsWithoutTls)
        .count();
    let expected = if cfg!(feature = "otlp") && !cfg!(feature = "tls") {
        3
    } else {
        0
    };
    assert_eq!(https_warnings, expected);
}

#[test]
fn w005_otlp_without_the_feature_turns_the_signal_off() {
    let no_otlp = Features {
        otlp: false,
        tls: false,
    };
    let env = [
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "https://collector.example.com/v1/traces",
        ),
        (OTEL_EXPORTER_OTLP_TRACES_HEADERS, "api-key=secret"),
        (OTEL_LOGS_EXPORTER, "console"),
    ];
    let config = resolve_full(&env, &Overrides::default(), no_otlp).unwrap();
    assert_eq!(
        exporters(&config),
        [
            ExporterKind::None,
            ExporterKind::Console,
            ExporterKind::None
        ]
    );
    assert_eq!(config.traces.endpoint, None);
    // No https warning: the signal is off anyway.
    assert_eq!(codes(&config), [WarningCode::OtlpFeatureMissing]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W005: OTLP export of traces was requested but telemetry-runtime was built without \
         the `otlp` feature: traces export is off; build it with features = [\"otlp\"]"
    );
}

#[test]
fn tls_files_per_signal_win_over_the_generic_ones_each_on_its_own() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "https://collector:4317"),
        (OTEL_EXPORTER_OTLP_CERTIFICATE, "/etc/ca.pem"),
        (OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE, "/etc/logs-ca.pem"),
        (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE, "/etc/client.pem"),
        (OTEL_EXPORTER_OTLP_CLIENT_KEY, "/etc/client.key"),
        (OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY, "/etc/metrics.key"),
    ]);
    let path = |p: &str| Some(std::path::PathBuf::from(p));
    assert_eq!(
        config.traces.tls,
        TlsFiles {
            certificate: path("/etc/ca.pem"),
            client_certificate: path("/etc/client.pem"),
            client_key: path("/etc/client.key"),
        }
    );
    assert_eq!(config.logs.tls.certificate, path("/etc/logs-ca.pem"));
    assert_eq!(config.logs.tls.client_key, path("/etc/client.key"));
    assert_eq!(config.metrics.tls.certificate, path("/etc/ca.pem"));
    assert_eq!(config.metrics.tls.client_key, path("/etc/metrics.key"));
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(resolve(&[]).traces.tls, TlsFiles::default());
}

#[test]
fn a_client_certificate_without_its_key_is_refused_and_the_reverse() {
    assert_eq!(
        error(&[
            (OTEL_EXPORTER_OTLP_ENDPOINT, "https://collector:4317"),
            (
                OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE,
                "/etc/client.pem"
            ),
        ]),
        "invalid value `/etc/client.pem` for OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: \
         expected a client certificate together with its private key: set \
         OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY (or OTEL_EXPORTER_OTLP_CLIENT_KEY) too"
    );
    assert_eq!(
        error(&[
            (OTEL_EXPORTER_OTLP_ENDPOINT, "https://collector:4317"),
            (OTEL_EXPORTER_OTLP_CLIENT_KEY, "/etc/client.key"),
        ]),
        "invalid value `/etc/client.key` for OTEL_EXPORTER_OTLP_CLIENT_KEY: expected a client \
         private key together with its certificate: set \
         OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE (or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE) \
         too"
    );
}

#[test]
fn w008_tls_files_for_a_plain_endpoint_are_reported_unused() {
    let config = resolve(&[
        (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "http://collector:4317"),
        (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "https://collector:4317"),
        (OTEL_EXPORTER_OTLP_CERTIFICATE, "/etc/ca.pem"),
    ]);
    assert_eq!(codes(&config), [WarningCode::TlsFilesUnused]);
    assert_eq!(
        config.warnings[0].to_string(),
        "TR-W008: TLS files are set for traces but its endpoint (http://collector:4317) is not \
         https: the connection is plain and the files are not used; use an https:// endpoint"
    );
}
