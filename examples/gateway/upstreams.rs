//! The upstream servers of the demo: miniserve in child processes, started by re-running this
//! executable in its `upstream` mode, so nothing else has to be built first.
//!
//! Each child has its own `service.name` (`OTEL_SERVICE_NAME`), inherits the rest of the
//! gateway's `OTEL_*` variables (with an OTLP endpoint set, all three processes export to
//! it), writes its spans to its own OTLP JSON file, prints the address it listens on as its
//! first line, and serves until its standard input closes, then flushes and exits. A child
//! whose gateway died therefore exits too.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, ChildStdin, Command};

use super::miniserve;

/// How long a child may take to start listening, and to flush and exit.
const WAIT: Duration = Duration::from_secs(30);

/// What the parent asks of one upstream.
pub struct Spec {
    /// Its `service.name`.
    pub name: &'static str,
    /// Answer every generation with 429.
    pub rate_limited: bool,
}

/// A running upstream child.
pub struct Running {
    /// Its `service.name`.
    pub name: &'static str,
    /// Its API base, `http://127.0.0.1:PORT/v1`.
    pub api_base: String,
    /// Its OTLP JSON traces file.
    pub traces_file: PathBuf,
    child: Child,
    stdin: Option<ChildStdin>,
}

/// Starts `spec` as a child process writing its traces to `dir/<name>.json`.
pub async fn start(spec: &Spec, dir: &Path) -> Result<Running, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let traces_file = dir.join(format!("{}.json", spec.name));
    let mut command = Command::new(exe);
    command
        .args(["upstream", "--traces-file"])
        .arg(&traces_file)
        .env("OTEL_SERVICE_NAME", spec.name)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    if spec.rate_limited {
        command.arg("--rate-limited");
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", spec.name))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = tokio::time::timeout(WAIT, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                return Some(
                    rest.split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(|| format!("{} did not start listening", spec.name))?;
    // The rest of the child's output (its shutdown summary) is not the demo's.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok(Running {
        name: spec.name,
        api_base: format!("http://{addr}/v1"),
        traces_file,
        stdin: child.stdin.take(),
        child,
    })
}

impl Running {
    /// Closes the child's standard input and waits until it has flushed its telemetry and
    /// exited (killed after [`WAIT`]).
    pub async fn stop(mut self) -> Result<(), String> {
        drop(self.stdin.take());
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(format!("{} exited with {status}", self.name)),
            Ok(Err(e)) => Err(format!("{}: {e}", self.name)),
            Err(_) => {
                let _ = self.child.kill().await;
                Err(format!("{} did not exit in {WAIT:?}; killed", self.name))
            }
        }
    }
}

/// The child's side: miniserve on a free loopback port until standard input closes (or
/// Ctrl-C), then shut down so its traces file is written.
pub async fn serve(args: impl Iterator<Item = String>) -> Result<(), String> {
    let mut options =
        miniserve::Options::parse(args.chain(["--serve".to_owned(), "--no-console".to_owned()]))?;
    options.addr = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let running = miniserve::start(&options).await?;
    let closed = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
    });
    tokio::select! {
        _ = closed => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    running.shutdown().await;
    Ok(())
}
