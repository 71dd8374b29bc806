//! `examples/gateway`, run as `cargo run --example gateway` runs it (the built example
//! executable, no arguments), exporting to the real OTLP receiver: its two upstreams are
//! child processes of it, so every trace spans three processes. Asserted from the decoded
//! OTLP: the tree gateway SERVER > chat CLIENT per attempt > HTTP CLIENT > upstream SERVER >
//! pipeline spans, each process's `service.name`, the failed attempt's `error.type`, the
//! per-attempt metrics, and no prompt text anywhere with capture off.

mod support;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use otlp_receiver::{Protocol, ReceivedSpan, Receiver};

const PROMPT: &str = "How does a gateway keep one trace across its upstreams?";

/// The example executable, as `cargo run --example gateway` builds it: built here (a no-op
/// when it is up to date) into this test's target directory, so the test never runs a stale
/// one. (`cargo test --all-targets` builds examples as test harnesses, not as the program.)
fn gateway_exe() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/gateway-<hash>
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let target_dir = profile_dir.parent().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args([
            "build",
            "--quiet",
            "--example",
            "gateway",
            "--manifest-path",
        ])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cargo} to build the gateway example: {e}"));
    assert!(
        status.success(),
        "`cargo build --example gateway` failed: {status}"
    );
    let path = target_dir
        .join("debug")
        .join("examples")
        .join(format!("gateway{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing after the build",
        path.display()
    );
    path
}

struct Run {
    receiver: Receiver,
    stdout: String,
    spans: Vec<ReceivedSpan>,
}

fn run_gateway() -> Run {
    let receiver = Receiver::start(Protocol::Grpc);
    let dir = std::env::temp_dir().join(format!("gateway-test-{}", std::process::id()));
    let output = Command::new(gateway_exe())
        .args(["--traces-dir", dir.to_str().unwrap()])
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .env("OTEL_BSP_SCHEDULE_DELAY", "50")
        .env("OTEL_BLRP_SCHEDULE_DELAY", "50")
        .env_remove("OTEL_SERVICE_NAME")
        .env_remove("OTEL_RESOURCE_ATTRIBUTES")
        .env_remove("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
        .output()
        .expect("the gateway example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "gateway exited with {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    // Every process flushed before it exited; the wait only covers the receiver's side.
    let spans = receiver.wait_for_spans(Duration::from_secs(10), |s| s.len() >= 33);
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        receiver,
        stdout,
        spans,
    }
}

fn service(span: &ReceivedSpan) -> &str {
    span.resource_attr("service.name")
        .and_then(|v| v.as_str())
        .unwrap_or("")
}

fn str_attr<'a>(span: &'a ReceivedSpan, key: &str) -> Option<&'a str> {
    span.attr(key).and_then(|v| v.as_str())
}

fn int_attr(span: &ReceivedSpan, key: &str) -> Option<i64> {
    span.attr(key).and_then(|v| v.as_i64())
}

/// The children of `parent`, in start order.
fn children<'a>(spans: &'a [ReceivedSpan], parent: &ReceivedSpan) -> Vec<&'a ReceivedSpan> {
    let mut out: Vec<&ReceivedSpan> = spans
        .iter()
        .filter(|s| s.parent_span_id == parent.span_id && s.trace_id == parent.trace_id)
        .collect();
    out.sort_by_key(|s| s.start_unix_nano);
    out
}

fn only_child<'a>(
    spans: &'a [ReceivedSpan],
    parent: &ReceivedSpan,
    name: &str,
) -> &'a ReceivedSpan {
    let kids = children(spans, parent);
    assert_eq!(
        kids.len(),
        1,
        "one child of {}: {:?}",
        parent.name,
        kids.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    assert_eq!(kids[0].name, name);
    kids[0]
}

/// The trace id and status the demo printed for the request `label`, and the upstream ports.
fn printed(stdout: &str) -> (HashMap<String, (String, u16)>, HashMap<String, u16>) {
    let mut exchanges = HashMap::new();
    let mut ports = HashMap::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("→ ") {
            let label = rest.split(" · ").next().unwrap().to_owned();
            let status: u16 = rest.split(" → ").nth(1).unwrap()[..3].parse().unwrap();
            let trace = rest.rsplit("X-Trace-Id ").next().unwrap().trim().to_owned();
            exchanges.insert(label, (trace, status));
        }
        for name in ["upstream-a", "upstream-b"] {
            if let Some(rest) = line.strip_prefix(&format!("{name} listening on http://127.0.0.1:"))
            {
                let port = rest.split('/').next().unwrap().parse().unwrap();
                ports.insert(name.to_owned(), port);
            }
        }
    }
    (exchanges, ports)
}

/// One request's attempt: its chat CLIENT span, the HTTP CLIENT span under it, and the
/// upstream's SERVER span under that.
fn attempt<'a>(
    spans: &'a [ReceivedSpan],
    chat: &'a ReceivedSpan,
    upstream: &str,
    port: u16,
    status: i64,
) -> &'a ReceivedSpan {
    assert_eq!(chat.kind, "CLIENT", "{}", chat.name);
    assert_eq!(service(chat), "llm-gateway");
    assert_eq!(
        int_attr(chat, "server.port"),
        Some(i64::from(port)),
        "{}",
        chat.name
    );
    assert_eq!(str_attr(chat, "server.address"), Some("127.0.0.1"));
    assert_eq!(str_attr(chat, "gen_ai.provider.name"), Some("openai"));
    let http = only_child(spans, chat, "POST");
    assert_eq!(http.kind, "CLIENT");
    assert_eq!(int_attr(http, "http.response.status_code"), Some(status));
    let server = only_child(spans, http, "POST /v1/chat/completions");
    assert_eq!(server.kind, "SERVER");
    assert_eq!(service(server), upstream, "the upstream's own service.name");
    assert_eq!(int_attr(server, "http.response.status_code"), Some(status));
    assert!(
        server.start_unix_nano >= chat.start_unix_nano
            && server.end_unix_nano <= chat.end_unix_nano,
        "the upstream's span lies within the attempt"
    );
    server
}

#[test]
fn every_request_is_one_trace_over_the_gateway_and_its_two_upstream_processes() {
    let run = run_gateway();
    let (exchanges, ports) = printed(&run.stdout);
    let (a, b) = (ports["upstream-a"], ports["upstream-b"]);
    assert_ne!(a, b);
    let spans = &run.spans;

    for label in ["chat", "chat, streamed"] {
        let (trace, status) = &exchanges[label];
        assert_eq!(*status, 200, "{label}");
        let in_trace: Vec<&ReceivedSpan> = spans.iter().filter(|s| &s.trace_id == trace).collect();
        let services: std::collections::BTreeSet<&str> =
            in_trace.iter().map(|s| service(s)).collect();
        assert_eq!(
            services.into_iter().collect::<Vec<_>>(),
            ["llm-gateway", "upstream-a", "upstream-b"],
            "{label}: one trace over three processes"
        );
        let root = in_trace
            .iter()
            .find(|s| s.parent_span_id.is_empty())
            .expect("a root");
        assert_eq!(root.name, "POST /v1/chat/completions");
        assert_eq!(
            (root.kind.as_str(), service(root)),
            ("SERVER", "llm-gateway")
        );
        assert_eq!(int_attr(root, "http.response.status_code"), Some(200));

        let attempts = children(spans, root);
        let names: Vec<&str> = attempts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["chat miniserve-toy-1", "chat miniserve-toy-1"],
            "{label}: two attempts"
        );
        let (first, second) = (attempts[0], attempts[1]);
        assert_eq!(str_attr(first, "error.type"), Some("rate_limit_exceeded"));
        assert_eq!(first.status_code, "ERROR");
        assert_eq!(
            first.status_message,
            "the API answered 429 (rate_limit_exceeded)"
        );
        attempt(spans, first, "upstream-a", a, 429);

        assert_eq!(str_attr(second, "error.type"), None);
        assert!(
            first.end_unix_nano <= second.start_unix_nano,
            "the retry follows the failure"
        );
        assert_eq!(
            str_attr(second, "gen_ai.response.model"),
            Some("miniserve-toy-1")
        );
        assert!(int_attr(second, "gen_ai.usage.output_tokens").unwrap() > 0);
        assert!(int_attr(second, "gen_ai.usage.input_tokens").unwrap() > 0);
        let upstream = attempt(spans, second, "upstream-b", b, 200);
        // The upstream's pipeline, in its process, under its SERVER span.
        let handler = only_child(spans, upstream, "http.handler");
        let pipeline: Vec<&str> = children(spans, handler)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert!(
            pipeline.contains(&"tokenize.input") && pipeline.contains(&"chat miniserve-toy-1"),
            "{pipeline:?}"
        );
        let model_call = children(spans, handler)
            .into_iter()
            .find(|s| s.name == "chat miniserve-toy-1")
            .unwrap();
        let steps: Vec<&str> = children(spans, model_call)
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(steps, ["llm.prefill", "llm.decode"]);
        assert_eq!(service(model_call), "upstream-b");

        if label == "chat, streamed" {
            assert_eq!(
                second
                    .attr("gen_ai.request.stream")
                    .and_then(|v| v.as_bool()),
                Some(true)
            );
            assert!(
                int_attr(second, "llm.response.chunks").unwrap() > 1,
                "the stream's chunks"
            );
            assert!(second.attr("gen_ai.response.time_to_first_chunk").is_some());
        } else {
            assert_eq!(int_attr(second, "gen_ai.request.max_tokens"), Some(24));
        }
    }

    // An unknown model: upstream-a's 429 is failed over, upstream-b's 404 is the answer.
    let (trace, status) = &exchanges["unknown model"];
    assert_eq!(*status, 404);
    let root = spans
        .iter()
        .find(|s| &s.trace_id == trace && s.parent_span_id.is_empty())
        .unwrap();
    assert_eq!(int_attr(root, "http.response.status_code"), Some(404));
    let attempts = children(spans, root);
    let errors: Vec<Option<&str>> = attempts.iter().map(|s| str_attr(s, "error.type")).collect();
    assert_eq!(
        errors,
        [Some("rate_limit_exceeded"), Some("model_not_found")]
    );
    attempt(spans, attempts[0], "upstream-a", a, 429);
    attempt(spans, attempts[1], "upstream-b", b, 404);

    // The printout: the same trees, with each process named where the trace enters it.
    for expected in [
        "POST /v1/chat/completions SERVER [llm-gateway]",
        "│     └─ POST /v1/chat/completions SERVER [upstream-a]",
        "      └─ POST /v1/chat/completions SERVER [upstream-b]",
        "├─ chat miniserve-toy-1 CLIENT ✗ the API answered 429",
        " spans of 3 processes written as one OTLP JSON file",
    ] {
        assert!(
            run.stdout.contains(expected),
            "stdout lacks {expected:?}:\n{}",
            run.stdout
        );
    }

    // The printout read the three processes' files: as many spans as were exported.
    let in_files: usize = run
        .stdout
        .split("traces: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the span count of the traces line");
    assert_eq!(
        in_files,
        spans.len(),
        "spans in the files and spans exported"
    );

    // One gen_ai.client.operation.duration point per attempt: three failed at upstream-a,
    // two answered by upstream-b, one refused by it.
    let gateways = |m: &otlp_receiver::ReceivedMetric| {
        m.name == "gen_ai.client.operation.duration"
            && m.resource_attr("service.name").and_then(|v| v.as_str()) == Some("llm-gateway")
    };
    let metrics = run
        .receiver
        .wait_for_metrics(Duration::from_secs(10), |m| m.iter().any(gateways));
    // Cumulative temporality: the last export holds every point.
    let duration = metrics
        .iter()
        .rev()
        .find(|m| gateways(m))
        .expect("the gateway's client duration metric");
    let count = |error: Option<&str>, port: u16| -> u64 {
        duration
            .data_points
            .iter()
            .filter(|p| {
                p.attr("error.type").and_then(|v| v.as_str()) == error
                    && p.attr("server.port").and_then(|v| v.as_i64()) == Some(i64::from(port))
            })
            .map(|p| p.count)
            .sum()
    };
    assert_eq!(count(Some("rate_limit_exceeded"), a), 3);
    assert_eq!(count(None, b), 2);
    assert_eq!(count(Some("model_not_found"), b), 1);

    // Every name the three processes emit is in a registry the gateway's depends on.
    let (undeclared, seen) = support::undeclared_names(
        &run.receiver,
        &[
            include_str!("../examples/miniserve/semconv/miniserve.yaml"),
            include_str!("../examples/gateway/semconv/gateway.yaml"),
        ],
    );
    assert!(
        undeclared.is_empty(),
        "not in any registry:\n{}",
        undeclared.join("\n")
    );
    for key in [
        "gateway.upstream",
        "gateway.attempt",
        "gen_ai.request.stream",
        "llm.decode.steps",
    ] {
        assert!(seen.contains(key), "{key} was not emitted");
    }

    // Capture is off: the prompt is in no exported byte.
    let bytes = support::exported_bytes(&run.receiver);
    assert_eq!(support::occurrences(&bytes, PROMPT), 0);
    assert_eq!(support::occurrences(&bytes, "keep one trace across"), 0);
    assert!(
        support::occurrences(&bytes, "miniserve-toy-1") > 0,
        "the search sees exported strings"
    );
}
