//! `trace-child`: a child process that joins its parent's trace through the environment.
//!
//! Reusable by any test that spawns a traced child (`env!("CARGO_BIN_EXE_trace-child")`).
//!
//! # Contract
//!
//! Invocation: `trace-child [LABEL]`. `LABEL` (default `child`) is recorded as the attribute
//! `child.label` on every span, so a test can pick out its child's spans.
//!
//! Environment:
//! - `TRACEPARENT`, `TRACESTATE`, `BAGGAGE`: the parent's context, as
//!   `telemetry_runtime::process::CommandExt` sets them; read by `init()` (absent or invalid:
//!   the child starts its own trace, and an invalid value logs a `TR-W007` warning).
//! - `OTEL_*`: the usual configuration, e.g. `OTEL_EXPORTER_OTLP_ENDPOINT` and
//!   `OTEL_EXPORTER_OTLP_PROTOCOL` of the test's receiver. Without an endpoint nothing is
//!   exported. `OTEL_SERVICE_NAME` defaults to `trace-child`.
//!
//! Spans, all exported before the process exits (the guard flushes on drop):
//! - `child.work` (INTERNAL, a `tracing` span): a root span of the process, so a child of the
//!   parent's span when `TRACEPARENT` is valid;
//! - `tokenize.input` (a contract span, `#[llm_span]`), inside `child.work`;
//! - `format.output` (a contract span), started outside any span: also a root span of the
//!   process, a child of the parent's span;
//! - `child.request` (SERVER, a `tracing` span with `otel.kind = "server"`), outside any span:
//!   a request that brought no context, so the root of a trace of its own.
//!
//! Stdout: the log lines, and one line
//! `trace-child label=LABEL trace_id=HEX span_id=HEX baggage=HEADER` with the ids of
//! `child.work` and the inherited baggage (`-` when none).
//!
//! Exit status: 0, or 2 when `init()` fails (the error on stderr).

use telemetry_runtime::llm_span;
use telemetry_runtime::opentelemetry::Context;
use telemetry_runtime::opentelemetry::baggage::BaggageExt;
use telemetry_runtime::opentelemetry::trace::TraceContextExt;
use telemetry_runtime::propagation::Baggage;
use telemetry_runtime::tracing::{info, info_span};

#[llm_span(kind = "tokenize.input", tokenizer = "whitespace", handle = span)]
fn tokenize(text: &str) -> Vec<String> {
    let tokens: Vec<String> = text.split(' ').map(str::to_owned).collect();
    span.set_tokens_in(&tokens.len());
    tokens
}

#[llm_span(kind = "format.output", format = "text")]
fn format_output(tokens: &[String]) -> String {
    tokens.join(" ")
}

fn main() {
    let label = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "child".to_owned());
    let guard = match telemetry_runtime::builder()
        .default_service_name("trace-child")
        .init()
    {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("trace-child: {e}");
            std::process::exit(2);
        }
    };
    let baggage = telemetry_runtime::process::inherited()
        .map(|cx| Baggage::from_otel(cx.baggage()).to_header())
        .filter(|header| !header.is_empty())
        .unwrap_or_else(|| "-".to_owned());

    let work = info_span!("child.work", child.label = label.as_str());
    let tokens = work.in_scope(|| {
        // Entering a span makes its OpenTelemetry context current.
        let span_context = Context::map_current(|cx| cx.span().span_context().clone());
        println!(
            "trace-child label={label} trace_id={} span_id={} baggage={baggage}",
            span_context.trace_id(),
            span_context.span_id()
        );
        info!("working");
        tokenize("hello from the child")
    });
    drop(work);
    let _ = format_output(&tokens);
    info_span!(
        "child.request",
        otel.kind = "server",
        child.label = label.as_str()
    )
    .in_scope(|| {
        info!("a request without a trace context");
    });
    drop(guard); // flushes
}
