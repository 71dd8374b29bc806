//! The OTLP/gRPC span exporter: requests encoded by [`TraceRequestEncoder`] and sent with
//! tonic's unary client, the bytes passed through as they are.
//!
//! What it keeps of `opentelemetry-otlp`'s tonic exporter: the endpoint, metadata and
//! per-request timeout of the configuration, TLS for `https://` endpoints (feature `tls`:
//! the webpki roots or the configured CA, and the client identity of mutual TLS), retries
//! of the failures the OTLP specification calls retryable (exponential back-off from 100 ms
//! to 1.6 s with jitter, or the delay the collector's `RetryInfo` asks for, never past the
//! request timeout), partial successes logged and counted as exported, errors that quote
//! the gRPC code and the transport's own text but never the collector's message. What it
//! does not do: turn each batch into `opentelemetry-proto` structs (see
//! [`super::trace_request`]) or clone the batch for the retries (the encoded request is
//! shared).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use prost::Message;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::metadata::MetadataMap;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::otlp::BuildError;
use super::trace_request::TraceRequestEncoder;
use crate::config::{SignalConfig, TlsFiles};

/// The method every OTLP trace request calls.
const EXPORT_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
/// Where gRPC export goes when nothing says otherwise (OTel SDK environment specification).
const DEFAULT_ENDPOINT: &str = "http://localhost:4317";
/// Retries after the first attempt.
const MAX_RETRIES: u32 = 3;
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_millis(1600);
const MAX_JITTER_MS: u64 = 100;
/// The longest throttling delay a collector may ask for.
const MAX_THROTTLE: Duration = Duration::from_secs(600);

/// Sends spans to an OTLP/gRPC collector.
pub(crate) struct GrpcSpanExporter {
    channel: Channel,
    metadata: MetadataMap,
    timeout: Duration,
    encoder: Mutex<TraceRequestEncoder>,
    shut_down: AtomicBool,
}

/// Without the metadata: it holds the export headers (API keys).
impl std::fmt::Debug for GrpcSpanExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcSpanExporter")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl GrpcSpanExporter {
    /// An exporter to the configured endpoint. Must run inside the export runtime: the
    /// channel's connection task is spawned there on first use.
    pub(crate) fn new(config: &SignalConfig) -> Result<Self, BuildError> {
        let endpoint = match config.endpoint.as_deref() {
            Some(endpoint) if !endpoint.is_empty() => endpoint,
            _ => DEFAULT_ENDPOINT,
        };
        let builder = Endpoint::from_shared(endpoint.to_owned())
            .map_err(|e| format!("invalid gRPC endpoint `{endpoint}`: {e}"))?;
        let builder = tls(builder, endpoint, &config.tls)?;
        Ok(Self {
            channel: builder.timeout(config.timeout).connect_lazy(),
            metadata: super::otlp::metadata(config)?,
            timeout: config.timeout,
            encoder: Mutex::new(TraceRequestEncoder::default()),
            shut_down: AtomicBool::new(false),
        })
    }

    /// One attempt: the request sent, the response decoded.
    async fn send(&self, request: Bytes) -> Result<ExportTraceServiceResponse, Status> {
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

    async fn export_encoded(&self, request: Bytes) -> OTelSdkResult {
        let deadline = Instant::now() + self.timeout;
        let mut backoff = INITIAL_BACKOFF;
        let mut attempt = 0;
        loop {
            let status = match self.send(request.clone()).await {
                Ok(response) => {
                    report_partial_success(&response);
                    return Ok(());
                }
                Err(status) => status,
            };
            let delay = match retry_delay(&status) {
                Retry::Throttled(delay) => delay,
                Retry::Backoff => backoff + jitter(),
                Retry::Never => return Err(export_error(&status)),
            };
            attempt += 1;
            if attempt > MAX_RETRIES || Instant::now() + delay >= deadline {
                return Err(export_error(&status));
            }
            tokio::time::sleep(delay).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
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

impl SpanExporter for GrpcSpanExporter {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        let request = if self.shut_down.load(Ordering::Relaxed) {
            Err(OTelSdkError::AlreadyShutdown)
        } else {
            // A poisoned lock only means an earlier encode panicked: its scratch is cleared
            // by the next encode.
            let mut encoder = self.encoder.lock().unwrap_or_else(|e| e.into_inner());
            Ok(Bytes::from(encoder.encode(&batch)))
        };
        // The spans are encoded: their memory is free before the network wait.
        drop(batch);
        async move { self.export_encoded(request?).await }
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        if self.shut_down.swap(true, Ordering::Relaxed) {
            Err(OTelSdkError::AlreadyShutdown)
        } else {
            Ok(())
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.encoder
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .set_resource(resource);
    }
}

enum Retry {
    Never,
    Backoff,
    Throttled(Duration),
}

/// The OTLP specification's retryable gRPC codes; `RESOURCE_EXHAUSTED` only when the
/// collector says when to come back.
fn retry_delay(status: &Status) -> Retry {
    let throttle = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .filter(|delay| !delay.is_zero())
        .map(|delay| delay.min(MAX_THROTTLE));
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

fn jitter() -> Duration {
    // Spread, not secrecy: the clock's low bits are enough.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    Duration::from_millis(nanos % (MAX_JITTER_MS + 1))
}

/// The export error: the gRPC code and, for failures of the transport itself (connect,
/// TLS, DNS), its error chain. The collector's message is left out: it may echo what was
/// sent.
fn export_error(status: &Status) -> OTelSdkError {
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
    OTelSdkError::InternalFailure(message)
}

fn report_partial_success(response: &ExportTraceServiceResponse) {
    if let Some(partial) = &response.partial_success
        && (partial.rejected_spans > 0 || !partial.error_message.is_empty())
    {
        tracing::warn!(
            target: super::rate_limited_warning::INTERNAL_TARGET,
            code = "TR-W101",
            rejected_spans = partial.rejected_spans,
            "the collector accepted a trace export partially: {} spans rejected",
            partial.rejected_spans,
        );
        tracing::debug!(
            target: super::rate_limited_warning::INTERNAL_TARGET,
            "the collector's message about the rejected spans: {}",
            partial.error_message,
        );
    }
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
