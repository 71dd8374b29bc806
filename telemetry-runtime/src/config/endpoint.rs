//! OTLP transport and endpoint resolution.

/// OTLP transport (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Protocol {
    /// `grpc`
    Grpc,
    /// `http/protobuf` (the default, as the specification says).
    #[default]
    HttpProtobuf,
}

impl Protocol {
    /// The value as written in `OTEL_EXPORTER_OTLP_PROTOCOL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
        }
    }
}

use url::Url;

use super::env::{
    BUILDER_ENDPOINT, DEFAULT_GRPC_ENDPOINT, DEFAULT_HTTP_ENDPOINT, Env,
    OTEL_EXPORTER_OTLP_ENDPOINT, builder_endpoint_name, endpoint_var,
};
use super::parse::invalid;
use super::{ConfigError, Overrides, Signal};

/// Expected text of endpoint values.
pub(crate) const EXPECTED_URL: &str =
    "an absolute http:// or https:// URL, e.g. http://localhost:4318";

/// Whether an endpoint applies to one signal or to all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EndpointScope {
    /// `OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT` or its builder method: used as given.
    PerSignal,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` or its builder method: for HTTP, the signal path is
    /// appended.
    Generic,
}

/// The endpoint configured for a signal, before validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConfiguredEndpoint {
    /// Where the value comes from (variable or builder method), for error messages.
    pub variable: &'static str,
    /// The value, trimmed.
    pub value: String,
    /// Per-signal or generic.
    pub scope: EndpointScope,
}

/// Whether `endpoint` is `https://` (the scheme matched case-insensitively): TLS to it.
pub(crate) fn is_https(endpoint: &str) -> bool {
    endpoint
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// The endpoint configured for `signal`, by precedence: builder per-signal, environment
/// per-signal, builder generic, environment generic. `None` when none is set (empty values
/// count as unset).
pub(crate) fn configured_endpoint(
    signal: Signal,
    env: &Env<'_>,
    overrides: &Overrides,
) -> Option<ConfiguredEndpoint> {
    let from_code = |value: Option<&String>| {
        value
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let candidates = [
        (
            builder_endpoint_name(signal),
            EndpointScope::PerSignal,
            from_code(overrides.signal_endpoint(signal)),
        ),
        (
            endpoint_var(signal),
            EndpointScope::PerSignal,
            env.get(endpoint_var(signal)),
        ),
        (
            BUILDER_ENDPOINT,
            EndpointScope::Generic,
            from_code(overrides.endpoint.as_ref()),
        ),
        (
            OTEL_EXPORTER_OTLP_ENDPOINT,
            EndpointScope::Generic,
            env.get(OTEL_EXPORTER_OTLP_ENDPOINT),
        ),
    ];
    candidates.into_iter().find_map(|(variable, scope, value)| {
        value.map(|value| ConfiguredEndpoint {
            variable,
            value,
            scope,
        })
    })
}

/// Checks that `value` is an absolute `http`/`https` URL with a host.
pub(crate) fn validate_endpoint(variable: &str, value: &str) -> Result<Url, ConfigError> {
    match Url::parse(value) {
        Ok(url)
            if matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(url)
        }
        _ => Err(invalid(variable, value, EXPECTED_URL)),
    }
}

/// Appends the signal path to a base URL: `http://h:4318/otlp` becomes
/// `http://h:4318/otlp/v1/traces`, with no double slash; the query is kept.
pub(crate) fn append_signal_path(base: &Url, signal: Signal) -> String {
    let mut url = base.clone();
    let path = format!(
        "{}{}",
        base.path().trim_end_matches('/'),
        signal.http_path()
    );
    url.set_path(&path);
    url.to_string()
}

/// The final endpoint of `signal`: the configured one, validated (with the signal path
/// appended to a generic endpoint over HTTP), or the specification default
/// (`http://localhost:4317` for gRPC, `http://localhost:4318/v1/{signal}` for HTTP).
pub(crate) fn final_endpoint(
    configured: Option<&ConfiguredEndpoint>,
    signal: Signal,
    protocol: Protocol,
) -> Result<String, ConfigError> {
    let Some(configured) = configured else {
        return Ok(match protocol {
            Protocol::Grpc => DEFAULT_GRPC_ENDPOINT.to_owned(),
            Protocol::HttpProtobuf => format!("{DEFAULT_HTTP_ENDPOINT}{}", signal.http_path()),
        });
    };
    let url = validate_endpoint(configured.variable, &configured.value)?;
    Ok(match (configured.scope, protocol) {
        (EndpointScope::Generic, Protocol::HttpProtobuf) => append_signal_path(&url, signal),
        _ => configured.value.clone(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn generic(value: &str) -> ConfiguredEndpoint {
        ConfiguredEndpoint {
            variable: OTEL_EXPORTER_OTLP_ENDPOINT,
            value: value.to_owned(),
            scope: EndpointScope::Generic,
        }
    }

    fn per_signal(value: &str) -> ConfiguredEndpoint {
        ConfiguredEndpoint {
            variable: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            value: value.to_owned(),
            scope: EndpointScope::PerSignal,
        }
    }

    #[test]
    fn protocol_names() {
        assert_eq!(Protocol::Grpc.as_str(), "grpc");
        assert_eq!(Protocol::HttpProtobuf.as_str(), "http/protobuf");
        assert_eq!(Protocol::default(), Protocol::HttpProtobuf);
    }

    #[test]
    fn http_generic_endpoint_gets_the_signal_path() {
        let http = Protocol::HttpProtobuf;
        let e = |v: &str, s| final_endpoint(Some(&generic(v)), s, http).unwrap();
        assert_eq!(
            e("http://h:4318", Signal::Traces),
            "http://h:4318/v1/traces"
        );
        assert_eq!(e("http://h:4318/", Signal::Logs), "http://h:4318/v1/logs");
        assert_eq!(
            e("http://h:4318/otlp", Signal::Traces),
            "http://h:4318/otlp/v1/traces"
        );
        assert_eq!(
            e("http://h:4318/otlp/", Signal::Metrics),
            "http://h:4318/otlp/v1/metrics"
        );
        assert_eq!(
            e("https://h/otlp?tenant=a", Signal::Traces),
            "https://h/otlp/v1/traces?tenant=a"
        );
    }

    #[test]
    fn per_signal_endpoint_is_used_as_given() {
        for protocol in [Protocol::HttpProtobuf, Protocol::Grpc] {
            assert_eq!(
                final_endpoint(
                    Some(&per_signal("http://h:4318/custom")),
                    Signal::Traces,
                    protocol
                )
                .unwrap(),
                "http://h:4318/custom"
            );
            assert_eq!(
                final_endpoint(Some(&per_signal("http://h:4318")), Signal::Traces, protocol)
                    .unwrap(),
                "http://h:4318"
            );
        }
    }

    #[test]
    fn grpc_generic_endpoint_gets_no_path() {
        assert_eq!(
            final_endpoint(
                Some(&generic("http://h:4317")),
                Signal::Traces,
                Protocol::Grpc
            )
            .unwrap(),
            "http://h:4317"
        );
    }

    #[test]
    fn defaults_depend_on_protocol() {
        assert_eq!(
            final_endpoint(None, Signal::Traces, Protocol::Grpc).unwrap(),
            "http://localhost:4317"
        );
        assert_eq!(
            final_endpoint(None, Signal::Logs, Protocol::HttpProtobuf).unwrap(),
            "http://localhost:4318/v1/logs"
        );
        assert_eq!(
            final_endpoint(None, Signal::Metrics, Protocol::HttpProtobuf).unwrap(),
            "http://localhost:4318/v1/metrics"
        );
    }

    #[test]
    fn invalid_endpoints() {
        assert_eq!(
            validate_endpoint(OTEL_EXPORTER_OTLP_ENDPOINT, "not a url")
                .unwrap_err()
                .to_string(),
            "invalid value `not a url` for OTEL_EXPORTER_OTLP_ENDPOINT: expected an absolute \
             http:// or https:// URL, e.g. http://localhost:4318"
        );
        for bad in [
            "localhost:4318",
            "ftp://h/x",
            "/v1/traces",
            "http://",
            "unix:/tmp/sock",
        ] {
            assert!(validate_endpoint("V", bad).is_err(), "{bad}");
        }
        for good in [
            "http://localhost:4318",
            "https://collector.example.com/otlp",
            "http://[::1]:4317",
        ] {
            assert!(validate_endpoint("V", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn endpoint_precedence() {
        let vars: HashMap<&str, &str> = [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env-generic:4318"),
            (
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                "http://env-traces:4318/v1/traces",
            ),
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", ""),
        ]
        .into_iter()
        .collect();
        let lookup = |name: &str| vars.get(name).map(|v| v.to_string());
        let env = Env::new(&lookup);

        let none = Overrides::default();
        let traces = configured_endpoint(Signal::Traces, &env, &none).unwrap();
        assert_eq!(traces.value, "http://env-traces:4318/v1/traces");
        assert_eq!(traces.scope, EndpointScope::PerSignal);
        // Empty per-signal value: unset, the generic one applies.
        let logs = configured_endpoint(Signal::Logs, &env, &none).unwrap();
        assert_eq!(logs.variable, "OTEL_EXPORTER_OTLP_ENDPOINT");
        assert_eq!(logs.scope, EndpointScope::Generic);

        let generic_code = Overrides {
            endpoint: Some("http://code-generic:4318".into()),
            ..Overrides::default()
        };
        // Environment per-signal still beats builder generic.
        let traces = configured_endpoint(Signal::Traces, &env, &generic_code).unwrap();
        assert_eq!(traces.variable, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        let logs = configured_endpoint(Signal::Logs, &env, &generic_code).unwrap();
        assert_eq!(logs.variable, "TelemetryBuilder::endpoint");
        assert_eq!(logs.value, "http://code-generic:4318");

        let traces_code = Overrides {
            traces_endpoint: Some("http://code-traces:4318".into()),
            ..generic_code
        };
        let traces = configured_endpoint(Signal::Traces, &env, &traces_code).unwrap();
        assert_eq!(traces.variable, "TelemetryBuilder::traces_endpoint");
        assert_eq!(traces.scope, EndpointScope::PerSignal);

        let empty = |_: &str| None;
        assert_eq!(
            configured_endpoint(Signal::Metrics, &Env::new(&empty), &none),
            None
        );
    }
}
