//! Building the OTLP exporters of `opentelemetry-otlp` (gRPC through tonic, HTTP/protobuf
//! through reqwest): logs, metrics, and spans over HTTP. Spans over gRPC have their own
//! exporter, [`super::grpc_span_exporter`].
//!
//! The endpoint, protocol, headers and timeout are the ones [`Config`](crate::config::Config)
//! resolved, passed explicitly so code-set values win over the environment. The exporters
//! must be built inside the export runtime: the gRPC channel spawns its worker there.

use std::collections::HashMap;
use std::str::FromStr;

use opentelemetry_otlp::tonic_types::metadata::MetadataMap;
use opentelemetry_otlp::{
    LogExporter, MetricExporter, SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
};

use super::tls;
use crate::config::{Protocol, SignalConfig};

/// Why an exporter could not be built.
pub(crate) type BuildError = String;

fn endpoint(config: &SignalConfig) -> String {
    config.endpoint.clone().unwrap_or_default()
}

/// The configured headers as gRPC metadata (names lower-cased).
pub(crate) fn metadata(config: &SignalConfig) -> Result<MetadataMap, BuildError> {
    let mut map = http::HeaderMap::with_capacity(config.headers.len());
    for (name, value) in &config.headers {
        let key = http::HeaderName::from_str(&name.to_ascii_lowercase())
            .map_err(|e| format!("header name `{name}`: {e}"))?;
        let value = http::HeaderValue::from_str(value)
            .map_err(|e| format!("header value of `{name}`: {e}"))?;
        map.insert(key, value);
    }
    Ok(MetadataMap::from_headers(map))
}

fn headers(config: &SignalConfig) -> HashMap<String, String> {
    config.headers.iter().cloned().collect()
}

/// The gRPC exporter `builder` with the TLS of its endpoint (see [`tls::grpc`]).
#[cfg(feature = "tls")]
fn grpc_tls<B: WithTonicConfig>(builder: B, config: &SignalConfig) -> Result<B, BuildError> {
    Ok(match tls::grpc(&endpoint(config), &config.tls)? {
        Some(tls) => builder.with_tls_config(tls),
        None => builder,
    })
}

#[cfg(not(feature = "tls"))]
fn grpc_tls<B>(builder: B, config: &SignalConfig) -> Result<B, BuildError> {
    tls::grpc(&endpoint(config), &config.tls)?;
    Ok(builder)
}

/// The HTTP exporter `builder` with a client that holds the configured TLS files, when
/// there are any (see [`tls::http_client`]).
#[cfg(feature = "tls")]
fn http_tls<B: WithHttpConfig>(builder: B, config: &SignalConfig) -> Result<B, BuildError> {
    Ok(match tls::http_client(config)? {
        Some(client) => builder.with_http_client(client),
        None => builder,
    })
}

#[cfg(not(feature = "tls"))]
fn http_tls<B>(builder: B, config: &SignalConfig) -> Result<B, BuildError> {
    tls::http_client(config)?;
    Ok(builder)
}

macro_rules! build_exporter {
    ($exporter:ty, $config:expr) => {{
        let config: &SignalConfig = $config;
        match config.protocol {
            Protocol::Grpc => grpc_tls(<$exporter>::builder().with_tonic(), config)?
                .with_endpoint(endpoint(config))
                .with_timeout(config.timeout)
                .with_metadata(metadata(config)?)
                .build(),
            Protocol::HttpProtobuf => http_tls(<$exporter>::builder().with_http(), config)?
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(endpoint(config))
                .with_timeout(config.timeout)
                .with_headers(headers(config))
                .build(),
        }
        .map_err(|e| e.to_string())
    }};
}

pub(crate) fn span_exporter(config: &SignalConfig) -> Result<SpanExporter, BuildError> {
    build_exporter!(SpanExporter, config)
}

pub(crate) fn log_exporter(config: &SignalConfig) -> Result<LogExporter, BuildError> {
    build_exporter!(LogExporter, config)
}

pub(crate) fn metric_exporter(config: &SignalConfig) -> Result<MetricExporter, BuildError> {
    build_exporter!(MetricExporter, config)
}
