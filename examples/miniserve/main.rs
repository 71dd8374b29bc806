//! miniserve: a small OpenAI-style LLM server, instrumented end to end.
//!
//! ```text
//! cargo run --example miniserve                   # demo: serve, send a few requests, print, exit 0
//! cargo run --example miniserve -- --serve        # keep serving on 127.0.0.1:8080
//! cargo run --example miniserve -- --serve --addr 127.0.0.1:9000 --traces-file /tmp/t.json
//! cargo run --example miniserve -- --serve --rate-limited   # answer every generation with 429
//! ```
//!
//! `POST /v1/chat/completions` and `POST /v1/completions` (`"stream": true` for SSE,
//! `"retrieval": true` or `{"top_k": n}` for retrieval over the built-in corpus),
//! `GET /v1/models`, `GET /metrics` (Prometheus), `GET /health`. The model is a deterministic
//! toy behind a real tokenizer step: nothing is downloaded.
//!
//! Every generation request is one trace: the `TelemetryLayer`'s SERVER span over the
//! pipeline's contract spans and the GenAI `chat` (or `text_completion`) span (see
//! `server.rs`). With no `OTEL_*` variables the traces print as waterfalls on stdout; all of
//! them are also written as one OTLP JSON file (`--traces-file`, default
//! `$TMPDIR/miniserve-traces.json`). `OTEL_EXPORTER_OTLP_ENDPOINT` exports traces, logs and
//! metrics there as well. Prompts and completions enter telemetry only with
//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY` (or another capture mode).

mod api;
mod corpus;
mod demo;
mod model;
mod rag;
mod server;
mod tokenizer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[allow(unused_imports)] // `get` is for the tests that include this file
pub use demo::{Exchange, get, send};

/// Command-line options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Keep serving until Ctrl-C instead of running the demo.
    pub serve: bool,
    /// Where to listen (default: a free loopback port for the demo, 127.0.0.1:8080 with
    /// `--serve`).
    pub addr: Option<SocketAddr>,
    /// The OTLP JSON file of all traces.
    pub traces_file: PathBuf,
    /// Answer every generation request with `429 rate_limit_exceeded` (an upstream that a
    /// gateway must fail over from).
    pub rate_limited: bool,
    /// Print each trace as a waterfall when no exporter is configured (`--no-console`: only
    /// the traces file and the configured exporters).
    pub console: bool,
}

const USAGE: &str = "usage: miniserve [--serve] [--addr HOST:PORT] [--traces-file PATH] [--rate-limited] [--no-console]";

impl Options {
    /// Parses the arguments (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            serve: false,
            addr: None,
            traces_file: std::env::temp_dir().join("miniserve-traces.json"),
            rate_limited: false,
            console: true,
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
                "--traces-file" => {
                    options.traces_file = args.next().ok_or("--traces-file needs a path")?.into();
                }
                "--rate-limited" => options.rate_limited = true,
                "--no-console" => options.console = false,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// A running server with its telemetry installed.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    guard: telemetry_runtime::TelemetryGuard,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    traces_file: PathBuf,
}

/// Sets up telemetry (console waterfall when nothing else is configured, the OTLP JSON file,
/// Prometheus) and starts serving.
pub async fn start(options: &Options) -> Result<Running, String> {
    let guard = telemetry_runtime::builder()
        .default_service_name("miniserve")
        .service_version(env!("CARGO_PKG_VERSION"))
        .console_fallback(options.console)
        .traces_json_file(&options.traces_file)
        .prometheus(true)
        .init()
        .map_err(|e| format!("telemetry: {e}"))?;
    let default_addr = if options.serve {
        SocketAddr::from(([127, 0, 0, 1], 8080))
    } else {
        SocketAddr::from(([127, 0, 0, 1], 0))
    };
    let addr = options.addr.unwrap_or(default_addr);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(
            listener,
            server::router(server::App::new(addr, options.rate_limited)),
        )
        .with_graceful_shutdown(async {
            let _ = stopped.await;
        })
        .into_future(),
    );
    println!(
        "miniserve listening on http://{addr} (model {})",
        model::MODEL
    );
    Ok(Running {
        addr,
        guard,
        stop,
        server,
        traces_file: options.traces_file.clone(),
    })
}

impl Running {
    /// Stops serving, then flushes and shuts telemetry down (the traces file is written).
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        let status = self.guard.status();
        drop(self.guard);
        println!(
            "traces: all of them written as OTLP JSON (Jaeger and Tempo import it) to {}",
            self.traces_file.display()
        );
        if let Some(endpoint) = &status.traces.endpoint {
            println!("traces, logs and metrics exported to {endpoint}");
        }
    }
}

/// The demo's requests against a running server.
pub async fn demo(addr: SocketAddr) -> Result<Vec<Exchange>, String> {
    let exchanges = demo::run(addr).await?;
    if let Ok((200, metrics)) = demo::get(addr, "/metrics").await {
        let series = metrics
            .lines()
            .filter(|l| l.starts_with("gen_ai_") || l.starts_with("http_server_"))
            .count();
        println!(
            "\nmetrics: GET http://{addr}/metrics serves {series} GenAI and HTTP series (Prometheus text format)"
        );
    }
    Ok(exchanges)
}

/// Sets up telemetry, serves, runs the demo (or serves until Ctrl-C), shuts down. Returns
/// the demo's exchanges.
pub async fn run(options: &Options) -> Result<Vec<Exchange>, String> {
    let running = start(options).await?;
    let addr = running.addr;
    let exchanges = if options.serve {
        println!(
            "try: curl -s http://{addr}/v1/chat/completions -d '{{\"messages\":[{{\"role\":\"user\",\"content\":\"what is a span?\"}}]}}'"
        );
        let _ = tokio::signal::ctrl_c().await;
        Ok(Vec::new())
    } else {
        demo(addr).await
    };
    running.shutdown().await;
    exchanges
}

#[allow(dead_code)] // unused where the integration tests include this file as a module
fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
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
    match runtime.block_on(run(&options)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("miniserve: {message}");
            ExitCode::FAILURE
        }
    }
}
