//! Shared helpers of the outbound tests: a peer on 127.0.0.1 that records every request it
//! receives (method, path, headers, body, in arrival order), and clients with
//! `TracingMiddleware`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use telemetry_runtime::outbound::TracingMiddleware;
use telemetry_runtime::outbound::reqwest_middleware::{
    ClientBuilder, ClientWithMiddleware, reqwest,
};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One request as the peer received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    /// The only value of `name`; panics when the header is there more than once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.all(name);
        assert!(values.len() <= 1, "{name} sent {} times", values.len());
        values.first().copied()
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().expect("visible ASCII"))
            .collect()
    }

    /// The `traceparent` received (exactly one), split into (trace id, parent id, flags).
    pub fn traceparent(&self) -> (String, String, String) {
        let value = self.header("traceparent").expect("a traceparent");
        let parts: Vec<&str> = value.split('-').collect();
        assert_eq!(parts.len(), 4, "{value}");
        assert_eq!(parts[0], "00", "{value}");
        (
            parts[1].to_owned(),
            parts[2].to_owned(),
            parts[3].to_owned(),
        )
    }
}

/// A peer that records requests: `/status/{code}` answers that code, `/hang` never answers,
/// anything else `200 ok`.
#[derive(Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
}

impl Peer {
    /// Starts the peer on 127.0.0.1 (port chosen by the system), on the current runtime.
    pub async fn start() -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let peer = Peer {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            arrived: Arc::default(),
        };
        let app = Router::new().fallback(record).with_state(peer.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        peer
    }

    /// `http://127.0.0.1:{port}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The one request received so far.
    pub fn only(&self) -> Received {
        let mut received = self.received();
        assert_eq!(received.len(), 1, "{received:?}");
        received.pop().unwrap()
    }

    /// Waits until `n` requests have arrived.
    pub async fn wait_for(&self, n: usize) {
        loop {
            let notified = self.arrived.notified();
            if self.received.lock().unwrap().len() >= n {
                return;
            }
            notified.await;
        }
    }
}

async fn record(
    State(peer): State<Peer>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let path = uri.path().to_owned();
    peer.received.lock().unwrap().push(Received {
        method,
        path: path.clone(),
        headers,
        body,
    });
    peer.arrived.notify_waiters();
    if path == "/hang" {
        std::future::pending::<()>().await;
    }
    let status = path
        .strip_prefix("/status/")
        .and_then(|code| code.parse().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK);
    (status, "ok")
}

/// A plain reqwest client that ignores proxy settings (the tests talk to loopback).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// A client with this middleware.
pub fn client(middleware: TracingMiddleware) -> ClientWithMiddleware {
    ClientBuilder::new(http_client()).with(middleware).build()
}

/// Whether `s` is `len` lower-case hex digits, not all zero.
pub fn is_hex_id(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && s.bytes().any(|b| b != b'0')
}
