//! A real OTLP receiver on loopback, for the toolkit's integration tests.
//!
//! [`Receiver`] serves OTLP over gRPC (tonic) or HTTP/protobuf (axum) on
//! `127.0.0.1`, decodes every export request with prost and keeps it, so a test
//! can assert on exactly what an exporter put on the wire. It runs on its own
//! thread with its own tokio runtime: the API is synchronous and tests need no
//! runtime of their own to use it.
//!
//! [`Receiver::stop`] kills the server like a crashed collector: the listener and
//! every established (keep-alive) connection are closed at once.
//!
//! [`Receiver::reply_to_traces`] scripts how the next trace exports are answered (a gRPC
//! failure status, with or without `RetryInfo`, an HTTP failure status, with or without
//! `Retry-After`, or a partial success), for the
//! exporter's retry and error handling.
//!
//! [`Receiver::start_tls`] serves the same over TLS (the fixture certificates of
//! `fixtures/tls`, signed by a test CA), with or without a required client certificate.
//!
//! [`Blackhole`] is a hung collector: it accepts TCP connections and never reads
//! from them nor answers.
//!
//! ```no_run
//! use otlp_receiver::{Protocol, Receiver};
//! use std::time::Duration;
//!
//! let receiver = Receiver::start(Protocol::Grpc);
//! // ... point an exporter at `receiver.endpoint()` and export ...
//! let spans = receiver.wait_for_spans(Duration::from_secs(5), |s| !s.is_empty());
//! assert_eq!(spans[0].name, "chat");
//! ```

#![warn(missing_docs)]

mod tls;

pub use tls::{ServerTls, TlsHandshake, fixture_path};

use std::future::IntoFuture;
use std::io;
use std::net::{SocketAddr, TcpListener as StdTcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;

/// The generated OTLP protobuf types, re-exported so tests can inspect raw
/// requests ([`Receiver::trace_requests`] and friends) or build their own.
pub use opentelemetry_proto;
/// The gRPC status codes of [`TraceReply::Fail`].
pub use tonic::Code;

/// How the receiver answers one gRPC trace export (see [`Receiver::reply_to_traces`]).
#[derive(Clone, Debug)]
pub enum TraceReply {
    /// Accept the request (what the receiver does when nothing is scripted).
    Accept,
    /// Accept the request, reporting `rejected` of its spans as rejected with `message`.
    PartialSuccess {
        /// `partial_success.rejected_spans`.
        rejected: i64,
        /// `partial_success.error_message`.
        message: String,
    },
    /// Fail the request with this status; with `retry_after`, the status carries a
    /// `google.rpc.RetryInfo` detail asking the client to wait that long.
    Fail {
        /// The gRPC status code.
        code: Code,
        /// The status message.
        message: String,
        /// The `RetryInfo.retry_delay`, if any.
        retry_after: Option<Duration>,
    },
    /// Over HTTP: fail the request with this HTTP status, `message` as the body and, with
    /// `retry_after`, a `Retry-After` header of that many seconds. (Over gRPC, `UNKNOWN`.)
    HttpFail {
        /// The HTTP status code.
        status: u16,
        /// The response body.
        message: String,
        /// The `Retry-After` header, in seconds, if any.
        retry_after: Option<u64>,
    },
}

/// gRPC method path of the trace export call.
pub const GRPC_TRACE_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
/// gRPC method path of the logs export call.
pub const GRPC_LOGS_PATH: &str = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
/// gRPC method path of the metrics export call.
pub const GRPC_METRICS_PATH: &str =
    "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

/// Largest request accepted (both transports), far above anything a test sends.
const MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;
/// How long [`Receiver::start_on`] keeps retrying to bind an address.
const BIND_RETRY_FOR: Duration = Duration::from_secs(5);
/// Poll interval of the `wait_for_*` helpers.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------------------
// Public data model
// ---------------------------------------------------------------------------

/// The OTLP transport a [`Receiver`] serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP/gRPC: `TraceService`, `LogsService` and `MetricsService` on one port.
    Grpc,
    /// OTLP/HTTP with protobuf bodies: `POST /v1/traces`, `/v1/logs`, `/v1/metrics`.
    HttpProtobuf,
}

/// A typed attribute (or log body) value, so tests can assert types: an
/// integer must not arrive as a string.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `string_value`.
    String(String),
    /// `bool_value`.
    Bool(bool),
    /// `int_value`.
    Int(i64),
    /// `double_value`.
    Double(f64),
    /// `array_value`.
    Array(Vec<Value>),
    /// `kvlist_value`, in wire order.
    Map(Vec<(String, Value)>),
    /// `bytes_value`.
    Bytes(Vec<u8>),
    /// An `AnyValue` with no value set (or set to a profiling-only string
    /// index, which other signals must treat as empty).
    Empty,
}

impl Value {
    /// The string, if this is a [`Value::String`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a [`Value::Int`].
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The float, if this is a [`Value::Double`] (integers are not converted).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Double(d) => Some(*d),
            _ => None,
        }
    }

    /// The boolean, if this is a [`Value::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is a [`Value::Array`].
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The entries, if this is a [`Value::Map`].
    pub fn as_map(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

/// A span link: (trace id hex, span id hex, link attributes in wire order).
pub type ReceivedLink = (String, String, Vec<(String, Value)>);

/// One span event.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedEvent {
    /// Event name.
    pub name: String,
    /// Event time.
    pub time_unix_nano: u64,
    /// Event attributes, in wire order.
    pub attributes: Vec<(String, Value)>,
}

impl ReceivedEvent {
    /// The first attribute with this key.
    pub fn attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.attributes, key)
    }
}

/// One received span, flattened with its resource and scope.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedSpan {
    /// Span name.
    pub name: String,
    /// Trace id, 32 lower-case hex digits.
    pub trace_id: String,
    /// Span id, 16 lower-case hex digits.
    pub span_id: String,
    /// Parent span id (16 hex digits), `""` for a root span.
    pub parent_span_id: String,
    /// W3C trace state, `""` when none.
    pub trace_state: String,
    /// `"INTERNAL"`, `"SERVER"`, `"CLIENT"`, `"PRODUCER"`, `"CONSUMER"` or `"UNSPECIFIED"`.
    pub kind: String,
    /// Start time.
    pub start_unix_nano: u64,
    /// End time.
    pub end_unix_nano: u64,
    /// Span attributes, in wire order.
    pub attributes: Vec<(String, Value)>,
    /// `"UNSET"`, `"OK"` or `"ERROR"`.
    pub status_code: String,
    /// Status description.
    pub status_message: String,
    /// Span events.
    pub events: Vec<ReceivedEvent>,
    /// Links: (trace id hex, span id hex, attributes).
    pub links: Vec<ReceivedLink>,
    /// Span flags (W3C trace flags in the low byte, plus the OTLP remote-parent bits).
    pub flags: u32,
    /// Attributes of the span's resource.
    pub resource: Vec<(String, Value)>,
    /// Instrumentation scope name.
    pub scope_name: String,
    /// Instrumentation scope version.
    pub scope_version: String,
}

impl ReceivedSpan {
    /// The first span attribute with this key.
    pub fn attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.attributes, key)
    }

    /// The first resource attribute with this key.
    pub fn resource_attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.resource, key)
    }

    /// The first event with this name.
    pub fn event(&self, name: &str) -> Option<&ReceivedEvent> {
        self.events.iter().find(|e| e.name == name)
    }
}

/// One received log record, flattened with its resource and scope.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedLog {
    /// The body, `None` when not set.
    pub body: Option<Value>,
    /// Severity number (`0` = unspecified, `9` = INFO, `17` = ERROR, ...).
    pub severity_number: i32,
    /// Severity text.
    pub severity_text: String,
    /// Trace id (32 hex digits), `""` when the record has no trace context.
    pub trace_id: String,
    /// Span id (16 hex digits), `""` when the record has no trace context.
    pub span_id: String,
    /// Log record flags (W3C trace flags in the low byte).
    pub flags: u32,
    /// Record attributes, in wire order.
    pub attributes: Vec<(String, Value)>,
    /// Attributes of the record's resource.
    pub resource: Vec<(String, Value)>,
    /// Instrumentation scope name.
    pub scope_name: String,
    /// Instrumentation scope version.
    pub scope_version: String,
    /// Event time, `0` when not set.
    pub time_unix_nano: u64,
    /// Observed time, `0` when not set.
    pub observed_time_unix_nano: u64,
    /// Event name, `""` when not set.
    pub event_name: String,
}

impl ReceivedLog {
    /// The first record attribute with this key.
    pub fn attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.attributes, key)
    }

    /// The first resource attribute with this key.
    pub fn resource_attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.resource, key)
    }

    /// The body, if it is a string.
    pub fn body_str(&self) -> Option<&str> {
        self.body.as_ref().and_then(Value::as_str)
    }
}

/// One data point of a [`ReceivedMetric`]. Fields that do not apply to the
/// metric's kind are left at their defaults.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ReceivedDataPoint {
    /// Data point attributes, in wire order.
    pub attributes: Vec<(String, Value)>,
    /// Start of the aggregation interval.
    pub start_unix_nano: u64,
    /// Time of the data point.
    pub time_unix_nano: u64,
    /// The value of a `"sum"` or `"gauge"` point: [`Value::Int`] or
    /// [`Value::Double`] as sent. `None` for histograms and summaries.
    pub value: Option<Value>,
    /// Number of recorded measurements (histograms and summaries).
    pub count: u64,
    /// Sum of the recorded measurements (histograms and summaries).
    pub sum: Option<f64>,
    /// Minimum recorded measurement (histograms).
    pub min: Option<f64>,
    /// Maximum recorded measurement (histograms).
    pub max: Option<f64>,
    /// Explicit histogram bucket boundaries.
    pub explicit_bounds: Vec<f64>,
    /// Histogram bucket counts (`explicit_bounds.len() + 1` of them).
    pub bucket_counts: Vec<u64>,
}

impl ReceivedDataPoint {
    /// The first data point attribute with this key.
    pub fn attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.attributes, key)
    }

    /// The value of a sum or gauge point as `f64`, whether sent as int or double.
    pub fn number(&self) -> Option<f64> {
        match self.value {
            Some(Value::Int(i)) => Some(i as f64),
            Some(Value::Double(d)) => Some(d),
            _ => None,
        }
    }
}

/// One received metric, flattened with its resource and scope.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedMetric {
    /// Metric name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Description.
    pub description: String,
    /// `"histogram"`, `"sum"`, `"gauge"`, `"exponential_histogram"`, `"summary"`,
    /// or `"empty"` when no data was set.
    pub kind: String,
    /// Aggregation temporality: `"delta"`, `"cumulative"` or `"unspecified"`
    /// (always `"unspecified"` for gauges and summaries).
    pub temporality: String,
    /// Whether a sum is monotonic (`false` for other kinds).
    pub is_monotonic: bool,
    /// Data points, in wire order.
    pub data_points: Vec<ReceivedDataPoint>,
    /// Attributes of the metric's resource.
    pub resource: Vec<(String, Value)>,
    /// Instrumentation scope name.
    pub scope_name: String,
    /// Instrumentation scope version.
    pub scope_version: String,
}

impl ReceivedMetric {
    /// The first resource attribute with this key.
    pub fn resource_attr(&self, key: &str) -> Option<&Value> {
        find_attr(&self.resource, key)
    }
}

/// The transport-level view of one export request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The HTTP path as sent (e.g. `/v1/traces`, `/custom/v1/traces`), or the
    /// gRPC method path (e.g. [`GRPC_TRACE_PATH`]).
    pub path: String,
    /// Request headers (HTTP headers or gRPC metadata), lower-case names, in
    /// the order received. Non-UTF-8 values are converted lossily.
    pub headers: Vec<(String, String)>,
}

impl ReceivedRequest {
    /// The first value of a header (`name` is matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn find_attr<'a>(attrs: &'a [(String, Value)], key: &str) -> Option<&'a Value> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------
// Storage shared by the server tasks and the handle
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Store {
    /// Keep only counts (see [`Receiver::start_counting_on`]).
    counting: bool,
    /// Spans received, kept or not.
    span_count: usize,
    traces: Vec<ExportTraceServiceRequest>,
    logs: Vec<ExportLogsServiceRequest>,
    metrics: Vec<ExportMetricsServiceRequest>,
    requests: Vec<ReceivedRequest>,
    /// Scripted answers to the next gRPC trace exports.
    trace_replies: std::collections::VecDeque<TraceReply>,
    /// Trace requests answered with a failure status, in arrival order.
    failed_traces: Vec<ExportTraceServiceRequest>,
    /// TLS handshakes, when served over TLS.
    handshakes: Vec<tls::TlsHandshake>,
}

#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Store>>);

impl Shared {
    /// Never held across an await; a panicking test thread must not poison
    /// the data for the others.
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, request: ReceivedRequest, payload: Payload) {
        let mut store = self.lock();
        if let Payload::Traces(r) = &payload {
            store.span_count += (r.resource_spans.iter())
                .flat_map(|r| &r.scope_spans)
                .map(|s| s.spans.len())
                .sum::<usize>();
        }
        if store.counting {
            return;
        }
        store.requests.push(request);
        match payload {
            Payload::Traces(r) => store.traces.push(r),
            Payload::Logs(r) => store.logs.push(r),
            Payload::Metrics(r) => store.metrics.push(r),
        }
    }
}

enum Payload {
    Traces(ExportTraceServiceRequest),
    Logs(ExportLogsServiceRequest),
    Metrics(ExportMetricsServiceRequest),
}

fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Receiver
// ---------------------------------------------------------------------------

/// A running OTLP receiver on loopback. Owns a background thread with its own
/// tokio runtime; dropping the handle stops it (see [`Receiver::stop`]).
pub struct Receiver {
    protocol: Protocol,
    addr: SocketAddr,
    tls: bool,
    store: Shared,
    stop_tx: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("protocol", &self.protocol)
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl Receiver {
    /// Binds `127.0.0.1:0` and serves OTLP with `protocol`.
    ///
    /// # Panics
    /// Only if binding or starting the runtime fails (this is test support).
    pub fn start(protocol: Protocol) -> Receiver {
        let listener = StdTcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .expect("otlp-receiver: bind 127.0.0.1:0");
        Self::serve(protocol, listener, None).expect("otlp-receiver: start server")
    }

    /// [`start`](Receiver::start) over TLS: the receiver's certificate and key, and the CA
    /// of the client certificates it requires, are `tls`'s. Its
    /// [`endpoint`](Receiver::endpoint) is `https://127.0.0.1:<port>`.
    ///
    /// # Panics
    /// If binding fails or `tls` does not hold a usable certificate and key.
    pub fn start_tls(protocol: Protocol, tls: ServerTls) -> Receiver {
        let listener = StdTcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .expect("otlp-receiver: bind 127.0.0.1:0");
        let acceptor = tls
            .acceptor()
            .expect("otlp-receiver: TLS certificate and key");
        Self::serve(protocol, listener, Some(acceptor)).expect("otlp-receiver: start server")
    }

    /// The TLS handshakes so far (a receiver started with [`start_tls`](Receiver::start_tls)).
    pub fn tls_handshakes(&self) -> Vec<TlsHandshake> {
        self.store.lock().handshakes.clone()
    }

    /// Binds the given address (e.g. to restart on the same port after
    /// [`stop`](Receiver::stop)), retrying for up to 5 s while it is in use.
    pub fn start_on(protocol: Protocol, addr: SocketAddr) -> io::Result<Receiver> {
        let deadline = Instant::now() + BIND_RETRY_FOR;
        let listener = loop {
            match StdTcpListener::bind(addr) {
                Ok(listener) => break listener,
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(_) => thread::sleep(Duration::from_millis(50)),
            }
        };
        Self::serve(protocol, listener, None)
    }

    /// [`start_on`](Receiver::start_on) for a receiver that keeps no data, only the number of
    /// spans received ([`span_count`](Receiver::span_count)): for soaks, whose heap must
    /// count only the process under test.
    pub fn start_counting_on(protocol: Protocol, addr: SocketAddr) -> io::Result<Receiver> {
        let receiver = Self::start_on(protocol, addr)?;
        receiver.store.lock().counting = true;
        Ok(receiver)
    }

    /// Spans received so far, kept or not.
    pub fn span_count(&self) -> usize {
        self.store.lock().span_count
    }

    fn serve(
        protocol: Protocol,
        listener: StdTcpListener,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> io::Result<Receiver> {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let is_tls = tls.is_some();
        // Over TLS the server listens on a second loopback port, behind the TLS relay.
        let (listener, front) = match tls {
            Some(acceptor) => {
                let inner = StdTcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
                inner.set_nonblocking(true)?;
                (inner, Some((listener, acceptor)))
            }
            None => (listener, None),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let store = Shared::default();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server_store = store.clone();
        let thread = thread::Builder::new()
            .name(format!("otlp-receiver-{}", addr.port()))
            .spawn(move || run_server(runtime, protocol, listener, front, server_store, stop_rx))?;
        Ok(Receiver {
            protocol,
            addr,
            tls: is_tls,
            store,
            stop_tx: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The protocol served.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The bound address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base endpoint without a path, e.g. `http://127.0.0.1:43123` (`https://` over TLS).
    pub fn endpoint(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Kills the server like a crashed collector: stops accepting, closes every
    /// open connection immediately (no graceful HTTP/2 GOAWAY), and joins the
    /// thread. Idempotent. Data received so far stays readable from this handle.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// Every trace export request received so far, decoded.
    pub fn trace_requests(&self) -> Vec<ExportTraceServiceRequest> {
        self.store.lock().traces.clone()
    }

    /// Answers the next trace exports (gRPC or HTTP) with `replies`, one each, in order; exports after
    /// them are accepted. Failed requests are kept apart ([`Receiver::failed_trace_requests`]);
    /// accepted ones, partial successes included, are received as usual.
    pub fn reply_to_traces(&self, replies: impl IntoIterator<Item = TraceReply>) {
        self.store.lock().trace_replies.extend(replies);
    }

    /// The gRPC trace requests answered with a scripted failure, in arrival order.
    pub fn failed_trace_requests(&self) -> Vec<ExportTraceServiceRequest> {
        self.store.lock().failed_traces.clone()
    }

    /// Every logs export request received so far, decoded.
    pub fn log_requests(&self) -> Vec<ExportLogsServiceRequest> {
        self.store.lock().logs.clone()
    }

    /// Every metrics export request received so far, decoded.
    pub fn metric_requests(&self) -> Vec<ExportMetricsServiceRequest> {
        self.store.lock().metrics.clone()
    }

    /// Path and headers of every export request successfully decoded so far,
    /// in arrival order (all signals).
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.store.lock().requests.clone()
    }

    /// All spans received so far, flattened, in arrival order.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        flatten_spans(&self.store.lock().traces)
    }

    /// All log records received so far, flattened, in arrival order.
    pub fn logs(&self) -> Vec<ReceivedLog> {
        flatten_logs(&self.store.lock().logs)
    }

    /// All metrics received so far (one entry per metric per request),
    /// flattened, in arrival order.
    pub fn metrics(&self) -> Vec<ReceivedMetric> {
        flatten_metrics(&self.store.lock().metrics)
    }

    /// Polls every 20 ms until `pred(&self.spans())` holds or `timeout`
    /// passes; returns the spans at that point either way.
    pub fn wait_for_spans(
        &self,
        timeout: Duration,
        pred: impl Fn(&[ReceivedSpan]) -> bool,
    ) -> Vec<ReceivedSpan> {
        wait_for(timeout, || self.spans(), |v| pred(v))
    }

    /// Polls every 20 ms until `pred(&self.logs())` holds or `timeout`
    /// passes; returns the log records at that point either way.
    pub fn wait_for_logs(
        &self,
        timeout: Duration,
        pred: impl Fn(&[ReceivedLog]) -> bool,
    ) -> Vec<ReceivedLog> {
        wait_for(timeout, || self.logs(), |v| pred(v))
    }

    /// Polls every 20 ms until `pred(&self.metrics())` holds or `timeout`
    /// passes; returns the metrics at that point either way.
    pub fn wait_for_metrics(
        &self,
        timeout: Duration,
        pred: impl Fn(&[ReceivedMetric]) -> bool,
    ) -> Vec<ReceivedMetric> {
        wait_for(timeout, || self.metrics(), |v| pred(v))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wait_for<T>(timeout: Duration, get: impl Fn() -> Vec<T>, pred: impl Fn(&[T]) -> bool) -> Vec<T> {
    let deadline = Instant::now() + timeout;
    loop {
        let items = get();
        if pred(&items) || Instant::now() >= deadline {
            return items;
        }
        thread::sleep(POLL_INTERVAL);
    }
}

/// Body of the server thread. Serves until the stop signal, then shuts the
/// runtime down, which drops every connection task and so closes every socket.
fn run_server(
    runtime: tokio::runtime::Runtime,
    protocol: Protocol,
    listener: StdTcpListener,
    front: Option<(StdTcpListener, tokio_rustls::TlsAcceptor)>,
    store: Shared,
    stop_rx: tokio::sync::oneshot::Receiver<()>,
) {
    runtime.block_on(async move {
        let inner = listener.local_addr();
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("otlp-receiver: cannot register listener: {e}");
                return;
            }
        };
        if let Some((front, acceptor)) = front {
            match (tokio::net::TcpListener::from_std(front), inner) {
                (Ok(front), Ok(inner)) => {
                    tokio::spawn(tls::relay(front, acceptor, inner, store.clone()));
                }
                _ => {
                    eprintln!("otlp-receiver: cannot register the TLS listener");
                    return;
                }
            }
        }
        match protocol {
            Protocol::Grpc => {
                let sink = GrpcSink { store };
                let server = tonic::transport::Server::builder()
                    .add_service(
                        TraceServiceServer::new(sink.clone())
                            .max_decoding_message_size(MAX_MESSAGE_SIZE),
                    )
                    .add_service(
                        LogsServiceServer::new(sink.clone())
                            .max_decoding_message_size(MAX_MESSAGE_SIZE),
                    )
                    .add_service(
                        MetricsServiceServer::new(sink).max_decoding_message_size(MAX_MESSAGE_SIZE),
                    )
                    .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener));
                tokio::select! {
                    result = server => {
                        if let Err(e) = result {
                            eprintln!("otlp-receiver: gRPC server failed: {e}");
                        }
                    }
                    _ = stop_rx => {}
                }
            }
            Protocol::HttpProtobuf => {
                let app = axum::Router::new()
                    .fallback(http_export)
                    .layer(DefaultBodyLimit::max(MAX_MESSAGE_SIZE))
                    .with_state(store);
                let server = axum::serve(listener, app).into_future();
                tokio::select! {
                    result = server => {
                        if let Err(e) = result {
                            eprintln!("otlp-receiver: HTTP server failed: {e}");
                        }
                    }
                    _ = stop_rx => {}
                }
            }
        }
    });
    // Dropping the runtime cancels every spawned connection task, which drops
    // (closes) their sockets: established keep-alive connections die too.
    runtime.shutdown_timeout(Duration::from_secs(1));
}

// ---------------------------------------------------------------------------
// gRPC
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct GrpcSink {
    store: Shared,
}

impl GrpcSink {
    fn record<T>(&self, path: &str, request: tonic::Request<T>, wrap: fn(T) -> Payload) {
        let headers = header_pairs(&request.metadata().clone().into_headers());
        let payload = wrap(request.into_inner());
        self.store.record(
            ReceivedRequest {
                path: path.to_owned(),
                headers,
            },
            payload,
        );
    }
}

#[tonic::async_trait]
impl TraceService for GrpcSink {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let reply = self.store.lock().trace_replies.pop_front();
        match reply.unwrap_or(TraceReply::Accept) {
            TraceReply::Accept => {
                self.record(GRPC_TRACE_PATH, request, Payload::Traces);
                Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
            }
            TraceReply::PartialSuccess { rejected, message } => {
                self.record(GRPC_TRACE_PATH, request, Payload::Traces);
                Ok(tonic::Response::new(ExportTraceServiceResponse {
                    partial_success: Some(ExportTracePartialSuccess {
                        rejected_spans: rejected,
                        error_message: message,
                    }),
                }))
            }
            TraceReply::Fail {
                code,
                message,
                retry_after,
            } => {
                self.store.lock().failed_traces.push(request.into_inner());
                Err(match retry_after {
                    Some(delay) => <tonic::Status as tonic_types::StatusExt>::with_error_details(
                        code,
                        message,
                        tonic_types::ErrorDetails::with_retry_info(Some(delay)),
                    ),
                    None => tonic::Status::new(code, message),
                })
            }
            TraceReply::HttpFail { message, .. } => {
                self.store.lock().failed_traces.push(request.into_inner());
                Err(tonic::Status::new(Code::Unknown, message))
            }
        }
    }
}

#[tonic::async_trait]
impl LogsService for GrpcSink {
    async fn export(
        &self,
        request: tonic::Request<ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<ExportLogsServiceResponse>, tonic::Status> {
        self.record(GRPC_LOGS_PATH, request, Payload::Logs);
        Ok(tonic::Response::new(ExportLogsServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for GrpcSink {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        self.record(GRPC_METRICS_PATH, request, Payload::Metrics);
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

// ---------------------------------------------------------------------------
// HTTP/protobuf
// ---------------------------------------------------------------------------

const PROTOBUF: &str = "application/x-protobuf";

#[derive(Clone, Copy)]
enum Signal {
    Traces,
    Logs,
    Metrics,
}

fn signal_for(path: &str) -> Option<Signal> {
    if path.ends_with("/v1/traces") {
        Some(Signal::Traces)
    } else if path.ends_with("/v1/logs") {
        Some(Signal::Logs)
    } else if path.ends_with("/v1/metrics") {
        Some(Signal::Metrics)
    } else {
        None
    }
}

fn plain(status: StatusCode, message: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain")], message).into_response()
}

/// Handles every HTTP request: `POST <anything>/v1/{traces,logs,metrics}`
/// with a protobuf body is an export; anything else is an error.
async fn http_export(
    State(store): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path();
    let Some(signal) = signal_for(path) else {
        return plain(StatusCode::NOT_FOUND, format!("no OTLP endpoint at {path}"));
    };
    if method != Method::POST {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} not allowed, use POST"),
        );
    }
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        let content_type = String::from_utf8_lossy(content_type.as_bytes()).to_ascii_lowercase();
        if !content_type.contains("protobuf") {
            return plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("unsupported content-type {content_type:?}, expected {PROTOBUF}"),
            );
        }
    }
    if let Some(encoding) = headers.get(header::CONTENT_ENCODING)
        && !encoding.as_bytes().eq_ignore_ascii_case(b"identity")
    {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported content-encoding {:?}",
                String::from_utf8_lossy(encoding.as_bytes())
            ),
        );
    }

    let decoded = match signal {
        Signal::Traces => ExportTraceServiceRequest::decode(body).map(|r| {
            (
                Payload::Traces(r),
                ExportTraceServiceResponse::default().encode_to_vec(),
            )
        }),
        Signal::Logs => ExportLogsServiceRequest::decode(body).map(|r| {
            (
                Payload::Logs(r),
                ExportLogsServiceResponse::default().encode_to_vec(),
            )
        }),
        Signal::Metrics => ExportMetricsServiceRequest::decode(body).map(|r| {
            (
                Payload::Metrics(r),
                ExportMetricsServiceResponse::default().encode_to_vec(),
            )
        }),
    };
    match decoded {
        Ok((payload, mut response)) => {
            let reply = match &payload {
                Payload::Traces(_) => store.lock().trace_replies.pop_front(),
                _ => None,
            };
            match (reply.unwrap_or(TraceReply::Accept), payload) {
                (
                    TraceReply::HttpFail {
                        status,
                        message,
                        retry_after,
                    },
                    Payload::Traces(r),
                ) => {
                    store.lock().failed_traces.push(r);
                    let status =
                        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let mut failed = plain(status, message);
                    if let Some(seconds) = retry_after {
                        failed
                            .headers_mut()
                            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
                    }
                    return failed;
                }
                (TraceReply::Fail { message, .. }, Payload::Traces(r)) => {
                    store.lock().failed_traces.push(r);
                    return plain(StatusCode::INTERNAL_SERVER_ERROR, message);
                }
                (TraceReply::PartialSuccess { rejected, message }, payload) => {
                    response = ExportTraceServiceResponse {
                        partial_success: Some(ExportTracePartialSuccess {
                            rejected_spans: rejected,
                            error_message: message,
                        }),
                    }
                    .encode_to_vec();
                    record_http(&store, path, &headers, payload);
                }
                (_, payload) => record_http(&store, path, &headers, payload),
            }
            (StatusCode::OK, [(header::CONTENT_TYPE, PROTOBUF)], response).into_response()
        }
        Err(e) => plain(
            StatusCode::BAD_REQUEST,
            format!("cannot decode protobuf body: {e}"),
        ),
    }
}

fn record_http(store: &Shared, path: &str, headers: &HeaderMap, payload: Payload) {
    store.record(
        ReceivedRequest {
            path: path.to_owned(),
            headers: header_pairs(headers),
        },
        payload,
    );
}

// ---------------------------------------------------------------------------
// Flattening
// ---------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// Hex of an optional id: `""` when absent (empty or all zeros).
fn optional_id(bytes: &[u8]) -> String {
    if bytes.iter().all(|b| *b == 0) {
        String::new()
    } else {
        hex(bytes)
    }
}

fn any_value(value: &AnyValue) -> Value {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => Value::String(s.clone()),
        Some(any_value::Value::BoolValue(b)) => Value::Bool(*b),
        Some(any_value::Value::IntValue(i)) => Value::Int(*i),
        Some(any_value::Value::DoubleValue(d)) => Value::Double(*d),
        Some(any_value::Value::ArrayValue(a)) => {
            Value::Array(a.values.iter().map(any_value).collect())
        }
        Some(any_value::Value::KvlistValue(kv)) => Value::Map(attributes(&kv.values)),
        Some(any_value::Value::BytesValue(b)) => Value::Bytes(b.clone()),
        Some(any_value::Value::StringValueStrindex(_)) | None => Value::Empty,
    }
}

fn attributes(kvs: &[KeyValue]) -> Vec<(String, Value)> {
    kvs.iter()
        .map(|kv| {
            (
                kv.key.clone(),
                kv.value.as_ref().map_or(Value::Empty, any_value),
            )
        })
        .collect()
}

fn resource_attributes(resource: Option<&Resource>) -> Vec<(String, Value)> {
    resource.map_or_else(Vec::new, |r| attributes(&r.attributes))
}

fn scope_parts(scope: Option<&InstrumentationScope>) -> (String, String) {
    scope.map_or_else(Default::default, |s| (s.name.clone(), s.version.clone()))
}

fn span_kind(kind: i32) -> &'static str {
    match kind {
        1 => "INTERNAL",
        2 => "SERVER",
        3 => "CLIENT",
        4 => "PRODUCER",
        5 => "CONSUMER",
        _ => "UNSPECIFIED",
    }
}

fn status_code(code: i32) -> &'static str {
    match code {
        1 => "OK",
        2 => "ERROR",
        _ => "UNSET",
    }
}

fn temporality(t: i32) -> &'static str {
    match t {
        1 => "delta",
        2 => "cumulative",
        _ => "unspecified",
    }
}

fn flatten_spans(requests: &[ExportTraceServiceRequest]) -> Vec<ReceivedSpan> {
    let mut out = Vec::new();
    for rs in requests.iter().flat_map(|r| &r.resource_spans) {
        let resource = resource_attributes(rs.resource.as_ref());
        for ss in &rs.scope_spans {
            let (scope_name, scope_version) = scope_parts(ss.scope.as_ref());
            for span in &ss.spans {
                let status = span.status.clone().unwrap_or_default();
                out.push(ReceivedSpan {
                    name: span.name.clone(),
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: optional_id(&span.parent_span_id),
                    trace_state: span.trace_state.clone(),
                    kind: span_kind(span.kind).to_owned(),
                    start_unix_nano: span.start_time_unix_nano,
                    end_unix_nano: span.end_time_unix_nano,
                    attributes: attributes(&span.attributes),
                    status_code: status_code(status.code).to_owned(),
                    status_message: status.message,
                    events: span
                        .events
                        .iter()
                        .map(|e| ReceivedEvent {
                            name: e.name.clone(),
                            time_unix_nano: e.time_unix_nano,
                            attributes: attributes(&e.attributes),
                        })
                        .collect(),
                    links: span
                        .links
                        .iter()
                        .map(|l| (hex(&l.trace_id), hex(&l.span_id), attributes(&l.attributes)))
                        .collect(),
                    flags: span.flags,
                    resource: resource.clone(),
                    scope_name: scope_name.clone(),
                    scope_version: scope_version.clone(),
                });
            }
        }
    }
    out
}

fn flatten_logs(requests: &[ExportLogsServiceRequest]) -> Vec<ReceivedLog> {
    let mut out = Vec::new();
    for rl in requests.iter().flat_map(|r| &r.resource_logs) {
        let resource = resource_attributes(rl.resource.as_ref());
        for sl in &rl.scope_logs {
            let (scope_name, scope_version) = scope_parts(sl.scope.as_ref());
            for record in &sl.log_records {
                out.push(ReceivedLog {
                    body: record.body.as_ref().map(any_value),
                    severity_number: record.severity_number,
                    severity_text: record.severity_text.clone(),
                    trace_id: optional_id(&record.trace_id),
                    span_id: optional_id(&record.span_id),
                    flags: record.flags,
                    attributes: attributes(&record.attributes),
                    resource: resource.clone(),
                    scope_name: scope_name.clone(),
                    scope_version: scope_version.clone(),
                    time_unix_nano: record.time_unix_nano,
                    observed_time_unix_nano: record.observed_time_unix_nano,
                    event_name: record.event_name.clone(),
                });
            }
        }
    }
    out
}

fn number_value(value: Option<number_data_point::Value>) -> Option<Value> {
    match value? {
        number_data_point::Value::AsInt(i) => Some(Value::Int(i)),
        number_data_point::Value::AsDouble(d) => Some(Value::Double(d)),
    }
}

/// (kind, temporality, is_monotonic, data points)
fn metric_data(
    data: Option<&metric::Data>,
) -> (&'static str, &'static str, bool, Vec<ReceivedDataPoint>) {
    let number_points = |points: &[opentelemetry_proto::tonic::metrics::v1::NumberDataPoint]| {
        points
            .iter()
            .map(|p| ReceivedDataPoint {
                attributes: attributes(&p.attributes),
                start_unix_nano: p.start_time_unix_nano,
                time_unix_nano: p.time_unix_nano,
                value: number_value(p.value),
                ..Default::default()
            })
            .collect()
    };
    match data {
        Some(metric::Data::Gauge(g)) => {
            ("gauge", "unspecified", false, number_points(&g.data_points))
        }
        Some(metric::Data::Sum(s)) => (
            "sum",
            temporality(s.aggregation_temporality),
            s.is_monotonic,
            number_points(&s.data_points),
        ),
        Some(metric::Data::Histogram(h)) => (
            "histogram",
            temporality(h.aggregation_temporality),
            false,
            h.data_points
                .iter()
                .map(|p| ReceivedDataPoint {
                    attributes: attributes(&p.attributes),
                    start_unix_nano: p.start_time_unix_nano,
                    time_unix_nano: p.time_unix_nano,
                    value: None,
                    count: p.count,
                    sum: p.sum,
                    min: p.min,
                    max: p.max,
                    explicit_bounds: p.explicit_bounds.clone(),
                    bucket_counts: p.bucket_counts.clone(),
                })
                .collect(),
        ),
        Some(metric::Data::ExponentialHistogram(h)) => (
            "exponential_histogram",
            temporality(h.aggregation_temporality),
            false,
            h.data_points
                .iter()
                .map(|p| ReceivedDataPoint {
                    attributes: attributes(&p.attributes),
                    start_unix_nano: p.start_time_unix_nano,
                    time_unix_nano: p.time_unix_nano,
                    count: p.count,
                    sum: p.sum,
                    min: p.min,
                    max: p.max,
                    ..Default::default()
                })
                .collect(),
        ),
        Some(metric::Data::Summary(s)) => (
            "summary",
            "unspecified",
            false,
            s.data_points
                .iter()
                .map(|p| ReceivedDataPoint {
                    attributes: attributes(&p.attributes),
                    start_unix_nano: p.start_time_unix_nano,
                    time_unix_nano: p.time_unix_nano,
                    count: p.count,
                    sum: Some(p.sum),
                    ..Default::default()
                })
                .collect(),
        ),
        None => ("empty", "unspecified", false, Vec::new()),
    }
}

fn flatten_metrics(requests: &[ExportMetricsServiceRequest]) -> Vec<ReceivedMetric> {
    let mut out = Vec::new();
    for rm in requests.iter().flat_map(|r| &r.resource_metrics) {
        let resource = resource_attributes(rm.resource.as_ref());
        for sm in &rm.scope_metrics {
            let (scope_name, scope_version) = scope_parts(sm.scope.as_ref());
            for m in &sm.metrics {
                let (kind, temporality, is_monotonic, data_points) = metric_data(m.data.as_ref());
                out.push(ReceivedMetric {
                    name: m.name.clone(),
                    unit: m.unit.clone(),
                    description: m.description.clone(),
                    kind: kind.to_owned(),
                    temporality: temporality.to_owned(),
                    is_monotonic,
                    data_points,
                    resource: resource.clone(),
                    scope_name: scope_name.clone(),
                    scope_version: scope_version.clone(),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Blackhole
// ---------------------------------------------------------------------------

/// A hung collector: accepts TCP connections on 127.0.0.1 and never reads
/// from them nor answers. Dropping it closes the listener and every accepted
/// connection.
pub struct Blackhole {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Blackhole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blackhole")
            .field("addr", &self.addr)
            .field("connections", &self.connections())
            .finish()
    }
}

impl Blackhole {
    /// Binds `127.0.0.1:0` and starts accepting.
    ///
    /// # Panics
    /// If binding fails (this is test support).
    pub fn start() -> Blackhole {
        let listener = StdTcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .expect("otlp-receiver: bind blackhole on 127.0.0.1:0");
        Self::accepting(listener)
    }

    /// Binds the given address (a collector that hangs where a receiver was), retrying for up
    /// to 5 s while it is in use.
    pub fn start_on(addr: SocketAddr) -> io::Result<Blackhole> {
        let deadline = Instant::now() + BIND_RETRY_FOR;
        let listener = loop {
            match StdTcpListener::bind(addr) {
                Ok(listener) => break listener,
                Err(e) if Instant::now() >= deadline => return Err(e),
                Err(_) => thread::sleep(Duration::from_millis(50)),
            }
        };
        Ok(Self::accepting(listener))
    }

    fn accepting(listener: StdTcpListener) -> Blackhole {
        listener
            .set_nonblocking(true)
            .expect("otlp-receiver: set blackhole listener non-blocking");
        let addr = listener
            .local_addr()
            .expect("otlp-receiver: blackhole addr");
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let streams = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, accepted, streams) = (stop.clone(), accepted.clone(), streams.clone());
            thread::Builder::new()
                .name(format!("otlp-blackhole-{}", addr.port()))
                .spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        match listener.accept() {
                            Ok((stream, _)) => {
                                streams
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .push(stream);
                                accepted.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                                thread::sleep(Duration::from_millis(5));
                            }
                            Err(_) => thread::sleep(Duration::from_millis(5)),
                        }
                    }
                })
                .expect("otlp-receiver: spawn blackhole thread")
        };
        Blackhole {
            addr,
            stop,
            accepted,
            streams,
            thread: Some(thread),
        }
    }

    /// The bound address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base endpoint without a path, e.g. `http://127.0.0.1:43123`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Number of connections accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Blackhole {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let streams = std::mem::take(&mut *self.streams.lock().unwrap_or_else(|e| e.into_inner()));
        for stream in streams {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}
