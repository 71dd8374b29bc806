//! `trace-parent`: a parent process that runs `trace-child` in its trace.
//!
//! Invocation: `trace-parent CHILD_BINARY [LABEL]`. It initialises telemetry from `OTEL_*`
//! (`OTEL_SERVICE_NAME` defaults to `trace-parent`), opens the span `parent.work`, runs
//! `CHILD_BINARY LABEL` with `process::CommandExt::with_trace_context` inside it and waits,
//! then ends the span and flushes. With `--outside-span` before `CHILD_BINARY`, the child is
//! started outside any span.
//!
//! Stdout: one line `trace-parent trace_id=HEX span_id=HEX` (the ids of `parent.work`), then
//! the child's output. Exit status: the child's (1 when it did not exit normally), 2 on a
//! usage or `init()` error.

use std::process::Command;

use telemetry_runtime::opentelemetry::Context;
use telemetry_runtime::opentelemetry::trace::TraceContextExt;
use telemetry_runtime::process::CommandExt;
use telemetry_runtime::tracing::info_span;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let outside_span = args.first().is_some_and(|a| a == "--outside-span");
    if outside_span {
        args.remove(0);
    }
    let Some(child) = args.first().cloned() else {
        eprintln!("usage: trace-parent [--outside-span] CHILD_BINARY [LABEL]");
        std::process::exit(2);
    };
    let label = args.get(1).cloned().unwrap_or_else(|| "child".to_owned());
    let guard = match telemetry_runtime::builder()
        .default_service_name("trace-parent")
        // The child gets this process's baggage (off by default).
        .forward_baggage(true)
        .init()
    {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("trace-parent: {e}");
            std::process::exit(2);
        }
    };

    let run = || {
        let mut command = Command::new(&child);
        command
            .arg(&label)
            .env("OTEL_SERVICE_NAME", "trace-child")
            .with_trace_context();
        command.status()
    };
    let span = info_span!("parent.work");
    let status = span.in_scope(|| {
        let span_context = Context::map_current(|cx| cx.span().span_context().clone());
        println!(
            "trace-parent trace_id={} span_id={}",
            span_context.trace_id(),
            span_context.span_id()
        );
        if outside_span { None } else { Some(run()) }
    });
    drop(span);
    let status = status.unwrap_or_else(run);
    drop(guard); // flushes
    let code = match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("trace-parent: cannot run {child}: {e}");
            1
        }
    };
    std::process::exit(code);
}
