//! Shared helpers of the HTTP layer's tests: telemetry against a real OTLP receiver, an axum
//! server on 127.0.0.1:0, a hyper client that owns exactly one connection (HTTP/1.1
//! keep-alive or HTTP/2), and a hand-written `CommonAttributes` type.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::{http1, http2};
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use otlp_receiver::{Protocol, ReceivedSpan, Receiver};
use telemetry_runtime::TelemetryGuard;
use telemetry_runtime::opentelemetry::KeyValue;
use telemetry_runtime::scope::{
    CommonAttributes, CommonAttributesError, DEFAULT_MAX_VALUE_LEN, insert_header, optional_header,
    required_header,
};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{Captured, set_env};

pub const WAIT: Duration = Duration::from_secs(20);

/// The client's span in the `traceparent` the tests send.
pub const CLIENT_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
pub const CLIENT_SPAN_ID: &str = "00f067aa0ba902b7";
pub const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/// Telemetry installed for this test process: spans to a real OTLP receiver (HTTP/protobuf,
/// exported every 50 ms), log lines captured.
pub struct Telemetry {
    pub receiver: Receiver,
    pub logs: Captured,
    pub guard: TelemetryGuard,
}

impl Telemetry {
    pub fn init(extra_env: &[(&str, &str)]) -> Self {
        let receiver = Receiver::start(Protocol::HttpProtobuf);
        set_env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_SERVICE_NAME", "http-layer-test"),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_METRICS_EXPORTER", "none"),
        ]);
        set_env(extra_env);
        let logs = Captured::default();
        let guard = telemetry_runtime::builder()
            .log_writer(logs.clone())
            .init()
            .expect("init");
        Telemetry {
            receiver,
            logs,
            guard,
        }
    }

    /// Waits until `n` spans named `name` arrived; returns them in arrival order.
    pub fn spans_named(&self, name: &str, n: usize) -> Vec<ReceivedSpan> {
        let spans = self
            .receiver
            .wait_for_spans(WAIT, |s| s.iter().filter(|s| s.name == name).count() >= n);
        let found: Vec<_> = spans.into_iter().filter(|s| s.name == name).collect();
        assert!(
            found.len() >= n,
            "expected {n} spans named {name:?}, got {}: {:?}",
            found.len(),
            self.receiver
                .spans()
                .iter()
                .map(|s| &s.name)
                .collect::<Vec<_>>()
        );
        found
    }

    /// The one server span whose `request.id` is `request_id`.
    pub fn server_span(&self, request_id: &str) -> ReceivedSpan {
        let spans = self.receiver.wait_for_spans(WAIT, |s| {
            s.iter().any(|s| request_id_of(s) == Some(request_id))
        });
        let mut found: Vec<_> = spans
            .into_iter()
            .filter(|s| request_id_of(s) == Some(request_id))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one server span with request.id {request_id}"
        );
        found.pop().unwrap()
    }
}

/// A multi-threaded runtime for the server and the client.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Serves `app` on 127.0.0.1 (port chosen by the system); returns its address.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    addr
}

/// One response, read completely.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// A request to `path` with these headers (a header may repeat).
pub fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> Request<Empty<Bytes>> {
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(path)
        .header("host", "127.0.0.1")
        .header("user-agent", "http-layer-test/1.0");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Empty::new()).unwrap()
}

/// An HTTP/1.1 client on one keep-alive connection: requests go one after the other.
pub struct Http1 {
    sender: http1::SendRequest<Empty<Bytes>>,
}

impl Http1 {
    pub async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        Http1 { sender }
    }

    pub async fn send(&mut self, request: Request<Empty<Bytes>>) -> Reply {
        self.sender.ready().await.expect("connection still open");
        let response = self.sender.send_request(request).await.unwrap();
        read(response).await
    }

    /// Sends the request; an error when the server closed the connection instead of answering.
    pub async fn try_send(
        &mut self,
        request: Request<Empty<Bytes>>,
    ) -> Result<Reply, hyper::Error> {
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        Ok(read(response).await)
    }

    /// Sends the request and returns the response with its body unread.
    pub async fn send_streaming(
        &mut self,
        request: Request<Empty<Bytes>>,
    ) -> hyper::Response<hyper::body::Incoming> {
        self.sender.ready().await.unwrap();
        self.sender.send_request(request).await.unwrap()
    }
}

/// An HTTP/2 (prior knowledge) client on one connection: requests are multiplexed on it.
#[derive(Clone)]
pub struct Http2 {
    sender: http2::SendRequest<Empty<Bytes>>,
}

impl Http2 {
    pub async fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        Http2 { sender }
    }

    pub async fn send(&self, mut request: Request<Empty<Bytes>>) -> Reply {
        // HTTP/2 requests carry the scheme and authority in the URI.
        *request.uri_mut() = format!("http://127.0.0.1{}", request.uri())
            .parse()
            .unwrap();
        request.headers_mut().remove("host");
        let mut sender = self.sender.clone();
        sender.ready().await.unwrap();
        let response = sender.send_request(request).await.unwrap();
        read(response).await
    }
}

async fn read(response: hyper::Response<hyper::body::Incoming>) -> Reply {
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// The business identifiers of the tests, implemented by hand the way
/// `#[derive(CommonAttributes)]` will: `assistant_id` and `channel_id` required, `session_id`
/// optional, only `channel_id` a metric dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ctx {
    pub assistant_id: String,
    pub session_id: Option<String>,
    pub channel_id: String,
}

impl CommonAttributes for Ctx {
    fn from_headers(headers: &HeaderMap) -> Result<Self, CommonAttributesError> {
        Ok(Ctx {
            assistant_id: required_header(headers, "x-assistant-id", DEFAULT_MAX_VALUE_LEN)?,
            session_id: optional_header(headers, "x-session-id", DEFAULT_MAX_VALUE_LEN)?,
            channel_id: required_header(headers, "x-channel-id", 32)?,
        })
    }

    fn to_headers(&self, headers: &mut HeaderMap) {
        insert_header(headers, "x-assistant-id", &self.assistant_id);
        if let Some(session_id) = &self.session_id {
            insert_header(headers, "x-session-id", session_id);
        }
        insert_header(headers, "x-channel-id", &self.channel_id);
    }

    fn attributes(&self) -> Vec<KeyValue> {
        let mut attributes = vec![
            KeyValue::new("app.assistant.id", self.assistant_id.clone()),
            KeyValue::new("app.channel.id", self.channel_id.clone()),
        ];
        if let Some(session_id) = &self.session_id {
            attributes.push(KeyValue::new("session.id", session_id.clone()));
        }
        attributes
    }

    fn log_fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("assistant_id", self.assistant_id.clone()),
            ("channel_id", self.channel_id.clone()),
        ];
        if let Some(session_id) = &self.session_id {
            fields.push(("session_id", session_id.clone()));
        }
        fields
    }

    fn metric_dimensions(&self) -> Vec<KeyValue> {
        vec![KeyValue::new("app.channel.id", self.channel_id.clone())]
    }
}

/// Whether `s` is 32 lower-case hex digits (a trace id).
pub fn is_trace_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The request id of a server span: its `http.response.header.x-request-id`, one string.
pub fn request_id_of(span: &ReceivedSpan) -> Option<&str> {
    match span.attr("http.response.header.x-request-id")?.as_array()? {
        [only] => only.as_str(),
        _ => None,
    }
}
