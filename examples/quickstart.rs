//! Quickstart: set up telemetry, produce one small nested trace with a log line inside, exit.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no `OTEL_*` variables set, this example prints the trace as a waterfall on stdout
//! (`console_fallback`). Point it at a collector with
//! `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 cargo run --example quickstart`.

use std::time::Duration;

use telemetry_runtime::tracing::{self, Instrument, info, info_span};

#[tokio::main]
async fn main() -> Result<(), telemetry_runtime::InitError> {
    let guard = telemetry_runtime::builder()
        .default_service_name("quickstart")
        .service_version(env!("CARGO_PKG_VERSION"))
        .console_fallback(true)
        .init()?;

    let request = info_span!(
        "http.handler",
        otel.kind = "server",
        http.request.method = "POST",
        http.route = "/v1/chat",
        http.response.status_code = tracing::field::Empty,
    );
    let status = answer("What is OpenTelemetry?")
        .instrument(request.clone())
        .await;
    request.record("http.response.status_code", status);
    drop(request);

    println!("{}", guard.status());
    Ok(())
}

async fn answer(prompt: &str) -> i64 {
    let tokens = async {
        tokio::time::sleep(Duration::from_millis(2)).await;
        let tokens = prompt.split_whitespace().count() as i64 * 3;
        tracing::Span::current().record("llm.tokens.in", tokens);
        tokens
    }
    .instrument(info_span!(
        "tokenize.input",
        llm.tokens.in = tracing::field::Empty,
        tokenizer.name = "whitespace"
    ))
    .await;

    async { tokio::time::sleep(Duration::from_millis(8)).await }
        .instrument(info_span!("llm.prefill", llm.tokens.in = tokens))
        .await;

    async {
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        info!(steps = 4, "decode finished");
    }
    .instrument(info_span!(
        "llm.decode",
        llm.tokens.out = 4_i64,
        llm.stop_reason = "stop"
    ))
    .await;

    async { tokio::time::sleep(Duration::from_millis(1)).await }
        .instrument(info_span!("format.output", output.format = "json"))
        .await;
    200
}
