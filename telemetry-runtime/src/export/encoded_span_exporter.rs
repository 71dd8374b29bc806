//! The toolkit's OTLP span exporter, whatever the transport: each batch encoded straight
//! from `SpanData` by [`TraceRequestEncoder`] (no `opentelemetry-proto` structs), its memory
//! freed before the network wait, and the encoded request sent by a [`SpanTransport`]
//! (gRPC in [`super::grpc_span_exporter`], HTTP/protobuf in [`super::http_span_exporter`])
//! with the retries of the OTLP specification: exponential back-off from 100 ms to 1.6 s
//! with jitter, or the delay the collector asks for, never past the request timeout; the
//! request is shared between attempts, not re-encoded. A partial success counts as exported
//! and is warned about (`TR-W101`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::trace_request::TraceRequestEncoder;

/// Retries after the first attempt.
const MAX_RETRIES: u32 = 3;
const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_millis(1600);
const MAX_JITTER_MS: u64 = 100;
/// The longest throttling delay a collector may ask for (longer requests are cut to it).
const MAX_THROTTLE: Duration = Duration::from_secs(600);

/// Whether a failed attempt is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Not retryable.
    Never,
    /// Retryable, after the exponential back-off.
    Backoff,
    /// Retryable, after the delay the collector asked for.
    Throttled(Duration),
}

/// A failed attempt: whether to retry, and the export error if it is the last (which names
/// the status but never quotes the collector's message: it may echo what was sent).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) retry: Retry,
    pub(crate) error: String,
}

/// Sends one encoded `ExportTraceServiceRequest`.
pub(crate) trait SpanTransport: Send + Sync + 'static {
    /// One attempt: the request sent, the collector's response decoded.
    fn send(
        &self,
        request: Bytes,
    ) -> impl Future<Output = Result<ExportTraceServiceResponse, Failure>> + Send;
}

/// Sends spans to an OTLP collector through `T`.
pub(crate) struct EncodedSpanExporter<T> {
    transport: T,
    timeout: Duration,
    encoder: Mutex<TraceRequestEncoder>,
    shut_down: AtomicBool,
}

/// Without the transport: it holds the export headers (API keys).
impl<T> std::fmt::Debug for EncodedSpanExporter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedSpanExporter")
            .field("transport", &std::any::type_name::<T>())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<T: SpanTransport> EncodedSpanExporter<T> {
    /// An exporter sending through `transport`, each export abandoned after `timeout`.
    pub(crate) fn new(transport: T, timeout: Duration) -> Self {
        Self {
            transport,
            timeout,
            encoder: Mutex::new(TraceRequestEncoder::default()),
            shut_down: AtomicBool::new(false),
        }
    }

    async fn export_encoded(&self, request: Bytes) -> OTelSdkResult {
        let deadline = Instant::now() + self.timeout;
        let mut backoff = INITIAL_BACKOFF;
        let mut attempt = 0;
        loop {
            let failure = match self.transport.send(request.clone()).await {
                Ok(response) => {
                    report_partial_success(&response);
                    return Ok(());
                }
                Err(failure) => failure,
            };
            let delay = match failure.retry {
                Retry::Throttled(delay) => delay.min(MAX_THROTTLE),
                Retry::Backoff => backoff + jitter(),
                Retry::Never => return Err(OTelSdkError::InternalFailure(failure.error)),
            };
            attempt += 1;
            if attempt > MAX_RETRIES || Instant::now() + delay >= deadline {
                return Err(OTelSdkError::InternalFailure(failure.error));
            }
            tokio::time::sleep(delay).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}

impl<T: SpanTransport> SpanExporter for EncodedSpanExporter<T> {
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

fn jitter() -> Duration {
    // Spread, not secrecy: the clock's low bits are enough.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    Duration::from_millis(nanos % (MAX_JITTER_MS + 1))
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
