//! Building the OTLP exporters of `opentelemetry-otlp` (gRPC through tonic, HTTP/protobuf
//! through the toolkit's reqwest client): logs and metrics. Spans have their own exporter,
//! [`super::encoded_span_exporter`].
//!
//! The endpoint, protocol, headers and timeout are the ones [`Config`](crate::config::Config)
//! resolved, passed explicitly so code-set values win over the environment. The exporters
//! must be built inside the export runtime: the gRPC channel spawns its worker there.

use std::collections::HashMap;
use std::str::FromStr;

use opentelemetry_otlp::tonic_types::metadata::MetadataMap;
use opentelemetry_otlp::{
    LogExporter, MetricExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
};

use super::tls;
use crate::config::{Protocol, SignalConfig};

/// Why an exporter could not be built.
pub(crate) type BuildError = String;

fn endpoint(config: &SignalConfig) -> String {
    config.endpoint.clone().unwrap_or_default()
}

/// The configured headers (names lower-cased); an error names the header, never its value.
pub(crate) fn header_map(config: &SignalConfig) -> Result<http::HeaderMap, BuildError> {
    let mut map = http::HeaderMap::with_capacity(config.headers.len() + 1);
    for (name, value) in &config.headers {
        let key = http::HeaderName::from_str(&name.to_ascii_lowercase())
            .map_err(|e| format!("header name `{name}`: {e}"))?;
        let value = http::HeaderValue::from_str(value)
            .map_err(|e| format!("header value of `{name}`: {e}"))?;
        map.insert(key, value);
    }
    Ok(map)
}

/// The configured headers as gRPC metadata.
pub(crate) fn metadata(config: &SignalConfig) -> Result<MetadataMap, BuildError> {
    header_map(config).map(MetadataMap::from_headers)
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

/// The HTTP exporter `builder` with the toolkit's client: the export timeout and the TLS of
/// its endpoint (see [`tls::http_client`]).
fn with_client<B: WithHttpConfig>(builder: B, config: &SignalConfig) -> Result<B, BuildError> {
    Ok(builder.with_http_client(tls::http_client(config)?))
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
            Protocol::HttpProtobuf => with_client(<$exporter>::builder().with_http(), config)?
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(endpoint(config))
                .with_timeout(config.timeout)
                .with_headers(headers(config))
                .build(),
        }
        .map_err(|e| e.to_string())
    }};
}

pub(crate) fn log_exporter(config: &SignalConfig) -> Result<LogExporter, BuildError> {
    build_exporter!(LogExporter, config)
}

pub(crate) fn metric_exporter(config: &SignalConfig) -> Result<MetricExporter, BuildError> {
    build_exporter!(MetricExporter, config)
}
