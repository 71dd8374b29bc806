//! Child processes in the parent's trace: `trace-parent` runs `trace-child` with
//! `process::CommandExt`, both export to a real OTLP receiver, and the child's root spans
//! are children of the parent's span. The child also reads `TRACEPARENT` set by hand, and
//! ignores hostile values.

use std::process::{Command, Output};
use std::time::Duration;

use otlp_receiver::{Protocol, ReceivedSpan, Receiver};

const WAIT: Duration = Duration::from_secs(20);
const PARENT: &str = env!("CARGO_BIN_EXE_trace-parent");
const CHILD: &str = env!("CARGO_BIN_EXE_trace-child");

/// A command for one of the binaries, exporting traces to `receiver`, with none of this test
/// process's trace context variables.
fn command(binary: &str, receiver: &Receiver) -> Command {
    let mut command = Command::new(binary);
    let protocol = match receiver.protocol() {
        Protocol::Grpc => "grpc",
        Protocol::HttpProtobuf => "http/protobuf",
    };
    command
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
        .env("OTEL_LOGS_EXPORTER", "none")
        .env("OTEL_METRICS_EXPORTER", "none")
        .env_remove("TRACEPARENT")
        .env_remove("TRACESTATE")
        .env_remove("BAGGAGE")
        .env_remove("OTEL_SERVICE_NAME");
    command
}

fn run(mut command: Command) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "{status}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

/// `key=value` of the stdout line that starts with `prefix`.
fn field(stdout: &str, prefix: &str, key: &str) -> String {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{stdout}"));
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
        .to_owned()
}

fn find<'a>(spans: &'a [ReceivedSpan], name: &str, label: Option<&str>) -> &'a ReceivedSpan {
    spans
        .iter()
        .find(|s| {
            s.name == name
                && label.is_none_or(|l| s.attr("child.label").and_then(|v| v.as_str()) == Some(l))
        })
        .unwrap_or_else(|| panic!("no span {name} ({label:?}) in {spans:#?}"))
}

fn service(span: &ReceivedSpan) -> Option<&str> {
    span.resource_attr("service.name").and_then(|v| v.as_str())
}

#[test]
fn child_root_spans_are_children_of_the_parent_span() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let mut parent = command(PARENT, &receiver);
    parent.args([CHILD, "joined"]).env("BAGGAGE", "tenant=acme");
    let stdout = run(parent);

    // Everything is exported before the processes exit (their guards flush).
    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 5);
    let parent_work = find(&spans, "parent.work", None);
    let child_work = find(&spans, "child.work", Some("joined"));
    let tokenize = find(&spans, "tokenize.input", None);
    let format = find(&spans, "format.output", None);
    assert_eq!(service(parent_work), Some("trace-parent"));
    assert_eq!(service(child_work), Some("trace-child"));
    assert_eq!(service(format), Some("trace-child"));

    // One trace.
    for span in [child_work, tokenize, format] {
        assert_eq!(span.trace_id, parent_work.trace_id, "{}", span.name);
    }
    // The child's root spans (a `tracing` span and a contract span) are children of the
    // parent's span; nested spans are children of theirs.
    assert_eq!(child_work.parent_span_id, parent_work.span_id);
    assert_eq!(format.parent_span_id, parent_work.span_id);
    assert_eq!(tokenize.parent_span_id, child_work.span_id);
    // The parent itself is a root.
    assert_eq!(parent_work.parent_span_id, "");
    // A SERVER span without a parent (a request that came with no context) starts its own
    // trace, process parent or not.
    let request = find(&spans, "child.request", Some("joined"));
    assert_eq!(request.kind, "SERVER");
    assert_eq!(request.parent_span_id, "");
    assert_ne!(request.trace_id, parent_work.trace_id);

    // What each process printed matches what it exported.
    assert_eq!(
        field(&stdout, "trace-parent ", "span_id"),
        parent_work.span_id
    );
    assert_eq!(
        field(&stdout, "trace-child ", "trace_id"),
        parent_work.trace_id
    );
    assert_eq!(
        field(&stdout, "trace-child ", "span_id"),
        child_work.span_id
    );
    // The parent had baggage only from its own environment: it is passed on.
    assert_eq!(field(&stdout, "trace-child ", "baggage"), "tenant=acme");
}

#[test]
fn a_grandparent_context_passes_through_and_outside_a_span_the_process_parent_is_sent() {
    let receiver = Receiver::start(Protocol::Grpc);
    let mut parent = command(PARENT, &receiver);
    parent
        .args(["--outside-span", CHILD, "outside"])
        .env(
            "TRACEPARENT",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        )
        .env("TRACESTATE", "rojo=00f067aa0ba902b7");
    run(parent);

    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 3);
    let parent_work = find(&spans, "parent.work", None);
    let child_work = find(&spans, "child.work", Some("outside"));
    // The parent joined the trace from its environment...
    assert_eq!(parent_work.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(parent_work.parent_span_id, "b7ad6b7169203331");
    assert_eq!(parent_work.trace_state, "rojo=00f067aa0ba902b7");
    // ...and a child it started outside any span joins the same parent.
    assert_eq!(child_work.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(child_work.parent_span_id, "b7ad6b7169203331");
    assert_eq!(child_work.trace_state, "rojo=00f067aa0ba902b7");
}

#[test]
fn without_context_the_child_starts_its_own_trace() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let mut parent = command(PARENT, &receiver);
    parent.args(["--outside-span", CHILD, "alone"]);
    run(parent);
    let spans = receiver.wait_for_spans(WAIT, |s| s.len() >= 3);
    let parent_work = find(&spans, "parent.work", None);
    let child_work = find(&spans, "child.work", Some("alone"));
    assert_eq!(child_work.parent_span_id, "");
    assert_ne!(child_work.trace_id, parent_work.trace_id);
}

#[test]
fn a_valid_traceparent_set_by_hand_is_the_parent_and_its_sampled_flag_counts() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let mut sampled = command(CHILD, &receiver);
    sampled.arg("sampled").env(
        "TRACEPARENT",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    );
    run(sampled);
    let mut unsampled = command(CHILD, &receiver);
    unsampled.arg("unsampled").env(
        "TRACEPARENT",
        "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
    );
    run(unsampled);

    // Both processes have exited, so everything they export has arrived.
    let spans = receiver.spans();
    let child_work = find(&spans, "child.work", Some("sampled"));
    assert_eq!(child_work.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(child_work.parent_span_id, "00f067aa0ba902b7");
    // The parent-based sampler follows the inherited parent: nothing of the unsampled trace.
    assert!(
        spans
            .iter()
            .all(|s| s.trace_id != "5bf92f3577b34da6a3ce929d0e0e4736"),
        "{spans:#?}"
    );
}

#[test]
fn hostile_traceparent_is_ignored_with_a_warning() {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    let long = format!("00-{}", "a".repeat(20_000));
    let hostile = [
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-trailing",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",
        "\u{1b}[31mred",
        long.as_str(),
    ];
    for (i, value) in hostile.iter().enumerate() {
        let mut child = command(CHILD, &receiver);
        child
            .arg(format!("hostile-{i}"))
            .env("TRACEPARENT", value)
            .env("TRACESTATE", "rojo=1")
            .env("BAGGAGE", "k=v");
        let stdout = run(child);
        assert!(stdout.contains("TR-W007"), "{value:?}: {stdout}");
        // The baggage, valid on its own, is kept.
        assert_eq!(field(&stdout, "trace-child ", "baggage"), "k=v");
    }
    let spans = receiver.spans();
    for (i, value) in hostile.iter().enumerate() {
        let child_work = find(&spans, "child.work", Some(&format!("hostile-{i}")));
        assert_eq!(child_work.parent_span_id, "", "{value:?}");
        assert_ne!(child_work.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
