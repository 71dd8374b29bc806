//! An application that uses a library which only instruments (`examples/llm-client-lib`,
//! which depends on `telemetry-runtime` without default features): once the application
//! calls `init()`, the library's `chat` spans reach the collector with their GenAI
//! attributes, nest under the application's spans, and the library's propagated headers carry
//! them. The library's own dependency tree has no SDK, exporter or subscriber.

mod support;

use std::process::Command;
use std::time::Duration;

use llm_client_lib::{Request, complete, tenant};
use otlp_receiver::{Protocol, Receiver};
use support::set_env;
use telemetry_runtime::scope::HeaderMap;
use telemetry_runtime::tracing::{Instrument, info_span};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn the_librarys_spans_are_recorded_once_the_application_installs_the_runtime() {
    let receiver = Receiver::start(Protocol::Grpc);
    set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_LOGS_EXPORTER", "none"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_SERVICE_NAME", "app-using-the-library"),
    ]);
    let guard = telemetry_runtime::init().expect("init");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let request = Request {
        model: "acme-large".into(),
        prompt: "three little words".into(),
        max_tokens: 64,
    };
    let (completion, refused) = runtime.block_on(
        async {
            let completion = complete(&request).await.expect("completion");
            let empty = Request {
                prompt: String::new(),
                ..request.clone()
            };
            (completion, complete(&empty).await.unwrap_err())
        }
        .instrument(info_span!("app.request")),
    );
    assert_eq!(refused.to_string(), "the provider refused the request");
    drop(guard);

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 3);
    let app = spans
        .iter()
        .find(|s| s.name == "app.request")
        .expect("app span");
    let chats: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "chat acme-large")
        .collect();
    assert_eq!(chats.len(), 2, "{spans:#?}");
    for chat in &chats {
        assert_eq!(chat.parent_span_id, app.span_id, "the library's span nests");
        assert_eq!(chat.trace_id, app.trace_id);
        assert_eq!(chat.kind, "CLIENT");
        assert_eq!(
            chat.attr("gen_ai.provider.name").unwrap().as_str(),
            Some("acme")
        );
        assert_eq!(
            chat.attr("gen_ai.operation.name").unwrap().as_str(),
            Some("chat")
        );
        assert_eq!(
            chat.attr("gen_ai.request.max_tokens").unwrap().as_i64(),
            Some(64)
        );
        assert_eq!(
            chat.resource_attr("service.name").unwrap().as_str(),
            Some("app-using-the-library")
        );
    }
    let ok = chats
        .iter()
        .find(|s| s.attr("gen_ai.response.id").is_some())
        .expect("the completed chat");
    assert_eq!(
        ok.attr("gen_ai.usage.input_tokens").unwrap().as_i64(),
        Some(3)
    );
    assert_eq!(
        ok.attr("gen_ai.response.id").unwrap().as_str(),
        Some("cmpl-3")
    );
    let failed = chats
        .iter()
        .find(|s| s.attr("error.type").is_some())
        .unwrap();
    assert_eq!(failed.attr("error.type").unwrap().as_str(), Some("refused"));

    // The headers the library propagated carry its chat span.
    let traceparent = completion.upstream_headers["traceparent"].to_str().unwrap();
    assert_eq!(
        traceparent,
        format!("00-{}-{}-03", ok.trace_id, ok.span_id),
        "sampled, random trace id"
    );

    let mut headers = HeaderMap::new();
    headers.insert("x-tenant-id", "t-7".parse().unwrap());
    assert_eq!(tenant(&headers).unwrap().tenant_id, "t-7");
}

/// `cargo tree` of the library alone: what a library author's build compiles.
#[test]
fn the_library_compiles_no_sdk_exporter_or_subscriber() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            "llm-client-lib",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(crates.contains(&"telemetry-runtime"), "{tree}");
    assert!(crates.contains(&"opentelemetry"), "{tree}");
    for absent in [
        "opentelemetry_sdk",
        "opentelemetry-otlp",
        "opentelemetry-stdout",
        "opentelemetry-proto",
        "tracing-subscriber",
        "tracing-opentelemetry",
        "tonic",
    ] {
        assert!(
            !crates.contains(&absent),
            "{absent} is compiled for the library:\n{tree}"
        );
    }
}
