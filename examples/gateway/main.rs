//! gateway: an OpenAI-compatible LLM gateway that fails over between upstreams, traced across
//! three processes.
//!
//! ```text
//! cargo run --example gateway                  # demo: two upstreams, a few requests, the traces, exit 0
//! cargo run --example gateway -- --serve       # keep serving on 127.0.0.1:8090
//! cargo run --example gateway -- --serve --addr 127.0.0.1:9000 --traces-dir /tmp/gw
//! ```
//!
//! The gateway (`service.name` `llm-gateway`) serves `POST /v1/chat/completions`, plain and
//! streaming (`"stream": true`), and forwards each request through async-openai with
//! `#[llm_span]` to its upstreams in order: when one answers 429 or 5xx, or cannot be reached,
//! the next one gets the request. Each attempt is its own `chat` CLIENT span (with its
//! `error.type` when it failed) and its own `gen_ai.client.*` metric points; `GET /metrics`
//! serves them (Prometheus).
//!
//! The upstreams are two miniserve servers in child processes, started by re-running this
//! executable in its `upstream` mode: `upstream-a` answers every request with
//! `429 rate_limit_exceeded`, `upstream-b` answers. Each has its own `service.name` and OTLP
//! JSON file. The demo sends a few requests, stops the three processes, and prints each trace
//! as one waterfall that spans them:
//!
//! ```text
//! POST /v1/chat/completions SERVER [llm-gateway]
//! ├─ chat miniserve-toy-1 CLIENT ✗ the API answered 429 (rate_limit_exceeded)
//! │  └─ POST CLIENT
//! │     └─ POST /v1/chat/completions SERVER [upstream-a]
//! └─ chat miniserve-toy-1 CLIENT
//!    └─ POST CLIENT
//!       └─ POST /v1/chat/completions SERVER [upstream-b]
//!          └─ http.handler
//!             ├─ tokenize.input
//!             ├─ chat miniserve-toy-1
//!             ...
//! ```
//!
//! All three processes' spans are also written as one OTLP JSON file (`traces.json` in
//! `--traces-dir`, default `$TMPDIR/llm-gateway`). With `OTEL_EXPORTER_OTLP_ENDPOINT` set,
//! the three processes export traces, logs and metrics there as well.

#[path = "../miniserve/main.rs"]
#[allow(dead_code)]
mod miniserve;
mod proxy;
mod upstreams;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use telemetry_runtime::console::OtlpJsonTraces;

/// The gateway's `service.name` unless `OTEL_SERVICE_NAME` says otherwise.
const SERVICE: &str = "llm-gateway";
/// The model the upstreams serve.
const MODEL: &str = "miniserve-toy-1";

/// Command-line options of the gateway.
#[derive(Debug, Clone)]
struct Options {
    serve: bool,
    addr: Option<SocketAddr>,
    traces_dir: PathBuf,
}

const USAGE: &str = "usage: gateway [--serve] [--addr HOST:PORT] [--traces-dir DIR]";

impl Options {
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            serve: false,
            addr: None,
            traces_dir: std::env::temp_dir().join("llm-gateway"),
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--serve" => options.serve = true,
                "--addr" => {
                    let value = args.next().ok_or("--addr needs HOST:PORT")?;
                    options.addr = Some(
                        value
                            .parse()
                            .map_err(|e| format!("--addr {value}: {e} (expected HOST:PORT)"))?,
                    );
                }
                "--traces-dir" => {
                    options.traces_dir = args.next().ok_or("--traces-dir needs a path")?.into();
                }
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// The demo's requests: (label, body).
fn requests() -> Vec<(&'static str, Value)> {
    let messages = json!([
        {"role": "system", "content": "You answer in one sentence."},
        {"role": "user", "content": "How does a gateway keep one trace across its upstreams?"}
    ]);
    vec![
        (
            "chat",
            json!({"model": MODEL, "messages": messages, "max_completion_tokens": 24, "temperature": 0.2}),
        ),
        (
            "chat, streamed",
            json!({"model": MODEL, "messages": messages, "max_completion_tokens": 16, "stream": true,
                   "stream_options": {"include_usage": true}}),
        ),
        (
            "unknown model",
            json!({"model": "gpt-unknown", "messages": messages}),
        ),
    ]
}

/// Starts the upstreams and the gateway; runs the demo (or serves until Ctrl-C); stops all
/// three processes; prints the traces.
async fn run(options: &Options) -> Result<(), String> {
    std::fs::create_dir_all(&options.traces_dir)
        .map_err(|e| format!("cannot create {}: {e}", options.traces_dir.display()))?;
    let gateway_file = options.traces_dir.join(format!("{SERVICE}.json"));
    let guard = telemetry_runtime::builder()
        .default_service_name(SERVICE)
        .service_version(env!("CARGO_PKG_VERSION"))
        // Serving: each of the gateway's traces prints when it ends. The demo prints them
        // once the upstreams' spans are in too.
        .console_fallback(options.serve)
        .traces_json_file(&gateway_file)
        .prometheus(true)
        .init()
        .map_err(|e| format!("telemetry: {e}"))?;

    let specs = [
        upstreams::Spec {
            name: "upstream-a",
            rate_limited: true,
        },
        upstreams::Spec {
            name: "upstream-b",
            rate_limited: false,
        },
    ];
    let mut children = Vec::new();
    for spec in &specs {
        let child = upstreams::start(spec, &options.traces_dir).await?;
        println!(
            "{} listening on {}{}",
            child.name,
            child.api_base,
            if spec.rate_limited {
                " (answers 429)"
            } else {
                ""
            }
        );
        children.push(child);
    }
    let upstreams = children
        .iter()
        .map(|c| proxy::Upstream::new(c.name, &c.api_base))
        .collect::<Result<Vec<_>, _>>()?;

    let default_addr = SocketAddr::from(([127, 0, 0, 1], if options.serve { 8090 } else { 0 }));
    let listener = tokio::net::TcpListener::bind(options.addr.unwrap_or(default_addr))
        .await
        .map_err(|e| format!("cannot listen: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, proxy::router(upstreams))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    println!("{SERVICE} listening on http://{addr}, forwarding to upstream-a, then upstream-b");

    let demo = if options.serve {
        println!(
            "try: curl -s http://{addr}/v1/chat/completions -d '{{\"model\":\"{MODEL}\",\"messages\":[{{\"role\":\"user\",\"content\":\"what is a span?\"}}]}}'"
        );
        let _ = tokio::signal::ctrl_c().await;
        Ok(())
    } else {
        demo(addr).await
    };

    let _ = stop.send(());
    let _ = server.await;
    let status = guard.status();
    drop(guard);
    let mut files = vec![(SERVICE, gateway_file)];
    for child in children {
        let file = child.traces_file.clone();
        let name = child.name;
        child.stop().await?;
        files.push((name, file));
    }
    demo?;
    print_traces(&files, &options.traces_dir, !options.serve)?;
    if let Some(endpoint) = &status.traces.endpoint {
        println!("traces, logs and metrics of the three processes exported to {endpoint}");
    }
    Ok(())
}

/// The demo's requests through the gateway, and its metrics.
async fn demo(addr: SocketAddr) -> Result<(), String> {
    for (label, body) in requests() {
        let prompt = body["messages"][1]["content"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        let exchange = miniserve::send(
            addr,
            label,
            "/v1/chat/completions",
            prompt,
            body.to_string().into_bytes(),
        )
        .await?;
        let detail = if exchange.status == 200 {
            let text = exchange.completion();
            let chunks = exchange.events().len();
            if chunks > 0 {
                format!("{chunks} SSE chunks: {text:?}")
            } else {
                format!("{text:?}")
            }
        } else {
            let error: Value = serde_json::from_str(&exchange.body).unwrap_or_default();
            format!("error {}", error["error"]["code"].as_str().unwrap_or("?"))
        };
        println!(
            "→ {label} · POST /v1/chat/completions → {} · {detail} · X-Trace-Id {}",
            exchange.status,
            exchange.trace_id.as_deref().unwrap_or("-"),
        );
    }
    if let Ok((200, metrics)) = miniserve::get(addr, "/metrics").await {
        let attempts: Vec<&str> = metrics
            .lines()
            .filter(|l| l.starts_with("gen_ai_client_operation_duration_seconds_count"))
            .collect();
        println!(
            "\nmetrics: GET http://{addr}/metrics · gen_ai.client.operation.duration, one point per attempt:"
        );
        for line in attempts {
            println!("  {line}");
        }
    }
    Ok(())
}

/// Reads the three processes' OTLP JSON files, prints each trace as one waterfall (when
/// `print`), and writes them all as one OTLP JSON file.
fn print_traces(
    files: &[(&str, PathBuf)],
    dir: &std::path::Path,
    print: bool,
) -> Result<(), String> {
    let mut traces = OtlpJsonTraces::new();
    let mut resource_spans = Vec::new();
    for (name, file) in files {
        traces
            .read_file(file)
            .map_err(|e| format!("traces of {name}: {e}"))?;
        let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        if let Some(Value::Array(items)) = doc.get("resourceSpans") {
            resource_spans.extend(items.iter().cloned());
        }
    }
    if print {
        println!();
        for trace in traces.trace_ids() {
            println!("{}", traces.render(trace));
        }
    }
    let merged = dir.join("traces.json");
    std::fs::write(
        &merged,
        json!({ "resourceSpans": resource_spans }).to_string(),
    )
    .map_err(|e| format!("cannot write {}: {e}", merged.display()))?;
    println!(
        "traces: {} spans of {} processes written as one OTLP JSON file (Jaeger and Tempo import it) to {}",
        traces.len(),
        files.len(),
        merged.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let upstream_mode = args.peek().is_some_and(|a| a == "upstream");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = if upstream_mode {
        runtime.block_on(upstreams::serve(args.skip(1)))
    } else {
        match Options::parse(args) {
            Ok(options) => runtime.block_on(run(&options)),
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(2);
            }
        }
    };
    // An upstream's standard-input reader may still be blocked: do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gateway: {message}");
            ExitCode::FAILURE
        }
    }
}
