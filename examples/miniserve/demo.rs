//! The demo client: a few requests to the server over loopback (plain, streaming, with
//! retrieval, failing, malformed), each printed with its status and trace id.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpStream;

/// One request the demo sent and what came back.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub label: &'static str,
    pub path: &'static str,
    /// The prompt text sent (empty for the malformed request).
    pub prompt: String,
    pub status: u16,
    pub trace_id: Option<String>,
    pub request_id: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

impl Exchange {
    /// The generated text: the message or text of a JSON response, the deltas of a stream.
    pub fn completion(&self) -> String {
        let text_of = |v: &Value| {
            let c = &v["choices"][0];
            c["message"]["content"]
                .as_str()
                .or(c["delta"]["content"].as_str())
                .or(c["text"].as_str())
                .unwrap_or("")
                .to_owned()
        };
        if self.body.starts_with("data:") {
            self.events().iter().map(text_of).collect()
        } else {
            serde_json::from_str(&self.body)
                .map(|v| text_of(&v))
                .unwrap_or_default()
        }
    }

    /// The JSON events of an SSE body (`[DONE]` left out).
    pub fn events(&self) -> Vec<Value> {
        self.body
            .lines()
            .filter_map(|l| l.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str(d).ok())
            .collect()
    }
}

/// The requests the demo sends: (label, path, prompt, body).
pub fn requests() -> Vec<(&'static str, &'static str, String, Value)> {
    let plain = "How does a trace follow one request across services?".to_owned();
    let streaming = "Why does the time to first token matter when answers stream?".to_owned();
    let rag = "Explain what the prefill step fills before decoding starts.".to_owned();
    let long = format!("Summarize this log: {}", "overflowing ".repeat(200));
    vec![
        (
            "plain chat",
            "/v1/chat/completions",
            plain.clone(),
            json!({"model": super::model::MODEL, "max_tokens": 16, "temperature": 0.2,
                   "messages": [{"role": "system", "content": "Answer briefly."},
                                {"role": "user", "content": plain}]}),
        ),
        (
            "streaming chat",
            "/v1/chat/completions",
            streaming.clone(),
            json!({"model": super::model::MODEL, "stream": true, "max_tokens": 24,
                   "messages": [{"role": "user", "content": streaming}]}),
        ),
        (
            "completion with retrieval",
            "/v1/completions",
            rag.clone(),
            json!({"model": super::model::MODEL, "prompt": rag, "max_tokens": 20,
                   "retrieval": {"top_k": 4}}),
        ),
        (
            "prompt over the context window",
            "/v1/chat/completions",
            long.clone(),
            json!({"model": super::model::MODEL, "messages": [{"role": "user", "content": long}]}),
        ),
    ]
}

/// Sends the demo requests to `addr` and prints one line for each.
pub async fn run(addr: SocketAddr) -> Result<Vec<Exchange>, String> {
    let mut out = Vec::new();
    for (label, path, prompt, body) in requests() {
        let exchange = send(addr, label, path, prompt, body.to_string().into_bytes()).await?;
        report(&exchange);
        out.push(exchange);
    }
    let malformed = send(
        addr,
        "malformed body",
        "/v1/chat/completions",
        String::new(),
        b"{\"messages\": [".to_vec(),
    )
    .await?;
    report(&malformed);
    out.push(malformed);
    Ok(out)
}

fn report(e: &Exchange) {
    let detail = if e.status == 200 {
        let events = e.events();
        if events.is_empty() {
            format!("{} characters generated", e.completion().len())
        } else {
            format!("{} SSE chunks", events.len())
        }
    } else {
        let error: Value = serde_json::from_str(&e.body).unwrap_or(Value::Null);
        format!("error {}", error["error"]["code"].as_str().unwrap_or("?"))
    };
    println!(
        "\n→ {} · POST {} → {} · {} · X-Trace-Id {} · X-Request-ID {}",
        e.label,
        e.path,
        e.status,
        detail,
        e.trace_id.as_deref().unwrap_or("-"),
        e.request_id.as_deref().unwrap_or("-"),
    );
}

/// One request over its own HTTP/1.1 connection, with the demo's identifier headers.
pub async fn send(
    addr: SocketAddr,
    label: &'static str,
    path: &'static str,
    prompt: String,
    body: Vec<u8>,
) -> Result<Exchange, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake with {addr} failed: {e}"))?;
    tokio::spawn(conn);
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .header("x-assistant-id", "demo-assistant")
        .header("x-session-id", "session-7")
        .header("x-user-id", "user-42")
        .header("x-channel-id", "web")
        .body(Full::new(bytes::Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("{label}: request failed: {e}"))?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (status, trace_id, request_id, content_type) = (
        response.status().as_u16(),
        header("x-trace-id"),
        header("x-request-id"),
        header("content-type"),
    );
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("{label}: reading the body failed: {e}"))?
        .to_bytes();
    Ok(Exchange {
        label,
        path,
        prompt,
        status,
        trace_id,
        request_id,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// `GET path` on `addr`: status and body.
pub async fn get(addr: SocketAddr, path: &str) -> Result<(u16, String), String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let request = Request::builder()
        .uri(path)
        .header("host", addr.to_string())
        .body(Full::new(bytes::Bytes::new()))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
