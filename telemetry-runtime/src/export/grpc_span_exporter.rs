//! The gRPC transport of the toolkit's span exporter ([`EncodedSpanExporter`]): the encoded
//! request sent with tonic's unary client, the bytes passed through as they are.
//!
//! What it keeps of `opentelemetry-otlp`'s tonic exporter: the endpoint, metadata and
//! per-request timeout of the configuration, TLS for `https://` endpoints (feature `tls`:
//! the webpki roots or the configured CA, and the client identity of mutual TLS), the gRPC
//! codes the OTLP specification calls retryable (`RESOURCE_EXHAUSTED` only with the
//! collector's `RetryInfo`), errors that quote the gRPC code and the transport's own text but
//! never the collector's message.

use bytes::{BufMut, Bytes};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::metadata::MetadataMap;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::encoded_span_exporter::{EncodedSpanExporter, Failure, Retry, SpanTransport};
use super::otlp::BuildError;
use crate::config::{SignalConfig, TlsFiles};

/// The method every OTLP trace request calls.
const EXPORT_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
/// Where gRPC export goes when nothing says otherwise (OTel SDK environment specification).
const DEFAULT_ENDPOINT: &str = "http://localhost:4317";
/// Sends encoded trace requests to an OTLP/gRPC collector.
pub(crate) struct GrpcTransport {
    channel: Channel,
    metadata: MetadataMap,
}

/// The span exporter over gRPC.
pub(crate) type GrpcSpanExporter = EncodedSpanExporter<GrpcTransport>;

/// An exporter to the configured endpoint. Must run inside the export runtime: the
/// channel's connection task is spawned there on first use.
pub(crate) fn exporter(config: &SignalConfig) -> Result<GrpcSpanExporter, BuildError> {
    let endpoint = match config.endpoint.as_deref() {
        Some(endpoint) if !endpoint.is_empty() => endpoint,
        _ => DEFAULT_ENDPOINT,
    };
    let builder = Endpoint::from_shared(endpoint.to_owned()).map_err(|e| {
        format!(
            "invalid gRPC endpoint `{}`: {e}",
            crate::redaction_rules::scrub_userinfo(endpoint)
        )
    })?;
    let builder = tls(builder, endpoint, &config.tls)?;
    let transport = GrpcTransport {
        channel: builder.timeout(config.timeout).connect_lazy(),
        metadata: super::otlp::metadata(config)?,
    };
    Ok(EncodedSpanExporter::new(transport, config.timeout))
}

impl GrpcTransport {
    /// One attempt: the request sent, the response decoded.
    async fn unary(&self, request: Bytes) -> Result<ExportTraceServiceResponse, Status> {
        let mut client = tonic::client::Grpc::new(self.channel.clone());
        client
            .ready()
            .await
            .map_err(|e| Status::unavailable(format!("the channel is not ready: {e}")))?;
        let mut request = tonic::Request::new(request);
        *request.metadata_mut() = self.metadata.clone();
        let path = http::uri::PathAndQuery::from_static(EXPORT_PATH);
        client
            .unary(request, path, PassThrough)
            .await
            .map(tonic::Response::into_inner)
    }
}

impl SpanTransport for GrpcTransport {
    async fn send(&self, request: Bytes) -> Result<ExportTraceServiceResponse, Failure> {
        self.unary(request).await.map_err(|status| Failure {
            retry: retry_delay(&status),
            error: export_error(&status),
        })
    }
}

/// The channel `builder` with the TLS of its endpoint (see [`super::tls::grpc`]).
#[cfg(feature = "tls")]
fn tls(builder: Endpoint, endpoint: &str, files: &TlsFiles) -> Result<Endpoint, BuildError> {
    match super::tls::grpc(endpoint, files)? {
        Some(tls) => builder.tls_config(tls).map_err(|e| {
            format!(
                "TLS for `{}`: {e}",
                crate::redaction_rules::scrub_userinfo(endpoint)
            )
        }),
        None => Ok(builder),
    }
}

#[cfg(not(feature = "tls"))]
fn tls(builder: Endpoint, endpoint: &str, files: &TlsFiles) -> Result<Endpoint, BuildError> {
    super::tls::grpc(endpoint, files)?;
    Ok(builder)
}

/// The OTLP specification's retryable gRPC codes; `RESOURCE_EXHAUSTED` only when the
/// collector says when to come back.
fn retry_delay(status: &Status) -> Retry {
    let throttle = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .filter(|delay| !delay.is_zero());
    match (status.code(), throttle) {
        (Code::ResourceExhausted | Code::Unavailable, Some(delay)) => Retry::Throttled(delay),
        (
            Code::Cancelled
            | Code::DeadlineExceeded
            | Code::Aborted
            | Code::OutOfRange
            | Code::Unavailable
            | Code::DataLoss,
            _,
        ) => Retry::Backoff,
        _ => Retry::Never,
    }
}

/// The export error: the gRPC code and, for failures of the transport itself (connect,
/// TLS, DNS), its error chain. The collector's message is left out: it may echo what was
/// sent.
fn export_error(status: &Status) -> String {
    let mut message = format!(
        "OTLP gRPC trace export failed with code {:?}",
        status.code()
    );
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        message.push_str(": ");
        message.push_str(&error.to_string());
        source = error.source();
    }
    message
}

/// A codec that sends already encoded request bytes and decodes the OTLP response.
#[derive(Debug, Clone, Copy)]
struct PassThrough;

impl Codec for PassThrough {
    type Encode = Bytes;
    type Decode = ExportTraceServiceResponse;
    type Encoder = PassThrough;
    type Decoder = PassThrough;

    fn encoder(&mut self) -> Self::Encoder {
        PassThrough
    }

    fn decoder(&mut self) -> Self::Decoder {
        PassThrough
    }
}

impl Encoder for PassThrough {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for PassThrough {
    type Item = ExportTraceServiceResponse;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        ExportTraceServiceResponse::decode(src)
            .map(Some)
            .map_err(|e| Status::internal(format!("the collector's response: {e}")))
    }
}
