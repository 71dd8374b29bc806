//! The flagship, end to end: `examples/miniserve`'s demo (plain, streaming, retrieval,
//! failing and malformed requests) against a real OTLP receiver on loopback. Asserts the
//! exported span tree of every request, the contract attributes and their types, the GenAI
//! and HTTP metrics with their bucket boundaries and dimensions, the log records' identifiers,
//! the OTLP JSON trace file, and that no prompt or completion text is in any exported byte
//! unless content capture is on.

#[path = "../examples/miniserve/main.rs"]
#[allow(dead_code)]
mod miniserve;
mod support;

use std::collections::HashSet;
use std::path::PathBuf;

use otlp_receiver::{Protocol, ReceivedMetric, ReceivedSpan, Receiver, Value};

struct Run {
    receiver: Receiver,
    exchanges: Vec<miniserve::Exchange>,
    traces_file: PathBuf,
}

/// Runs the demo exactly as `cargo run --example miniserve` does, exporting to a receiver.
fn run_demo(extra_env: &[(&str, &str)]) -> Run {
    let receiver = Receiver::start(Protocol::HttpProtobuf);
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_BSP_SCHEDULE_DELAY", "50"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "50"),
    ]);
    support::set_env(extra_env);
    let traces_file =
        std::env::temp_dir().join(format!("miniserve-test-{}.json", std::process::id()));
    let options = miniserve::Options::parse(vec![
        "--traces-file".to_owned(),
        traces_file.display().to_string(),
    ])
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // `run` returns after the telemetry guard has flushed and shut down: everything is sent.
    let exchanges = runtime
        .block_on(miniserve::run(&options))
        .expect("demo runs");
    Run {
        receiver,
        exchanges,
        traces_file,
    }
}

fn exchange<'a>(run: &'a Run, label: &str) -> &'a miniserve::Exchange {
    run.exchanges.iter().find(|e| e.label == label).unwrap()
}

fn trace<'a>(spans: &'a [ReceivedSpan], e: &miniserve::Exchange) -> Vec<&'a ReceivedSpan> {
    let id = e.trace_id.as_deref().expect("X-Trace-Id");
    spans.iter().filter(|s| s.trace_id == id).collect()
}

fn one<'a>(spans: &[&'a ReceivedSpan], name: &str) -> &'a ReceivedSpan {
    let found: Vec<_> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "one {name:?} in {:?}", names(spans));
    found[0]
}

fn names(spans: &[&ReceivedSpan]) -> Vec<String> {
    spans.iter().map(|s| s.name.clone()).collect()
}

fn child_of(child: &ReceivedSpan, parent: &ReceivedSpan) {
    assert_eq!(
        child.parent_span_id, parent.span_id,
        "{} is a child of {}",
        child.name, parent.name
    );
}

fn str_attr<'a>(span: &'a ReceivedSpan, key: &str) -> &'a str {
    match span.attr(key) {
        Some(Value::String(s)) => s,
        other => panic!("{}: {key} should be a string, is {other:?}", span.name),
    }
}

fn int_attr(span: &ReceivedSpan, key: &str) -> i64 {
    match span.attr(key) {
        Some(Value::Int(i)) => *i,
        other => panic!("{}: {key} should be an int, is {other:?}", span.name),
    }
}

fn double_attr(span: &ReceivedSpan, key: &str) -> f64 {
    match span.attr(key) {
        Some(Value::Double(d)) => *d,
        other => panic!("{}: {key} should be a double, is {other:?}", span.name),
    }
}

fn bool_attr(span: &ReceivedSpan, key: &str) -> bool {
    match span.attr(key) {
        Some(Value::Bool(b)) => *b,
        other => panic!("{}: {key} should be a bool, is {other:?}", span.name),
    }
}

/// Asserts the tree of one successful generation request and its attributes; returns the
/// GenAI span.
fn check_generation<'a>(
    trace: &[&'a ReceivedSpan],
    route: &str,
    operation: &str,
    retrieval: bool,
    stream: bool,
) -> &'a ReceivedSpan {
    let server = one(trace, &format!("POST {route}"));
    assert_eq!(server.kind, "SERVER");
    assert_eq!(server.parent_span_id, "", "the server span is the root");
    assert_eq!(int_attr(server, "http.response.status_code"), 200);
    assert_eq!(str_attr(server, "http.route"), route);
    assert_eq!(str_attr(server, "gen_ai.agent.id"), "demo-assistant");
    assert_eq!(str_attr(server, "user.id"), "user-42");

    let handler = one(trace, "http.handler");
    child_of(handler, server);
    assert_eq!(str_attr(handler, "http.request.method"), "POST");
    assert_eq!(str_attr(handler, "http.route"), route);
    assert_eq!(str_attr(handler, "llm.model"), "miniserve-toy-1");
    assert_eq!(str_attr(handler, "llm.request.id"), server.trace_id);
    assert_eq!(int_attr(handler, "http.response.status_code"), 200);

    let tokenize = one(trace, "tokenize.input");
    child_of(tokenize, handler);
    assert!(int_attr(tokenize, "llm.tokens.in") > 0);
    assert_eq!(str_attr(tokenize, "tokenizer.name"), "miniserve-byte-word");

    let genai = one(trace, &format!("{operation} miniserve-toy-1"));
    child_of(genai, handler);
    assert_eq!(genai.kind, "INTERNAL", "an in-process model");
    assert_eq!(str_attr(genai, "gen_ai.operation.name"), operation);
    assert_eq!(str_attr(genai, "gen_ai.provider.name"), "miniserve");
    assert_eq!(str_attr(genai, "gen_ai.request.model"), "miniserve-toy-1");
    assert_eq!(str_attr(genai, "gen_ai.response.model"), "miniserve-toy-1");
    assert_eq!(str_attr(genai, "gen_ai.output.type"), "text");
    assert!(str_attr(genai, "gen_ai.response.id").contains("cmpl-"));
    assert!(int_attr(genai, "gen_ai.request.max_tokens") > 0);
    assert_eq!(bool_attr(genai, "gen_ai.request.stream"), stream);
    let input = int_attr(genai, "gen_ai.usage.input_tokens");
    let output = int_attr(genai, "gen_ai.usage.output_tokens");
    assert!(input > 0 && output > 0);
    match genai.attr("gen_ai.response.finish_reasons") {
        Some(Value::Array(reasons)) => assert!(
            matches!(reasons.as_slice(), [Value::String(r)] if r == "stop" || r == "length"),
            "{reasons:?}"
        ),
        other => panic!("finish reasons should be a string array: {other:?}"),
    }

    let prefill = one(trace, "llm.prefill");
    child_of(prefill, genai);
    assert_eq!(int_attr(prefill, "llm.tokens.in"), input);
    assert_eq!(
        int_attr(prefill, "llm.cache.hits") + int_attr(prefill, "llm.cache.misses"),
        input
    );

    let decode = one(trace, "llm.decode");
    child_of(decode, genai);
    assert_eq!(int_attr(decode, "llm.tokens.out"), output);
    assert_eq!(int_attr(decode, "llm.decode.steps"), output);
    assert!(
        double_attr(decode, "llm.decode.max_step_ms")
            >= double_attr(decode, "llm.decode.mean_step_ms")
    );
    let stop = str_attr(decode, "llm.stop_reason");
    assert!(stop == "stop" || stop == "length", "{stop}");

    let format = one(trace, "format.output");
    child_of(format, handler);
    assert_eq!(int_attr(format, "llm.tokens.out"), output);
    assert_eq!(
        str_attr(format, "output.format"),
        if stream { "sse" } else { "json" }
    );

    let rag = ["rag.retrieve", "embed.query", "vector.search", "rerank"];
    if retrieval {
        let retrieve = one(trace, "rag.retrieve");
        child_of(retrieve, handler);
        assert_eq!(str_attr(retrieve, "rag.index.name"), "miniserve-docs");
        assert_eq!(int_attr(retrieve, "rag.docs.retrieved"), 4);
        assert_eq!(int_attr(retrieve, "rag.docs.reranked"), 2);
        let embed = one(trace, "embed.query");
        child_of(embed, retrieve);
        assert_eq!(int_attr(embed, "embed.dimensions"), 64);
        assert_eq!(str_attr(embed, "embed.model"), "miniserve-hash-embed");
        assert_eq!(
            int_attr(embed, "llm.tokens.in"),
            int_attr(tokenize, "llm.tokens.in")
        );
        let search = one(trace, "vector.search");
        child_of(search, retrieve);
        assert_eq!(int_attr(search, "vector.top_k"), 4);
        assert_eq!(int_attr(search, "vector.results"), 4);
        let rerank = one(trace, "rerank");
        child_of(rerank, retrieve);
        assert_eq!(int_attr(rerank, "rerank.docs.in"), 4);
        assert_eq!(int_attr(rerank, "rerank.docs.out"), 2);
        assert_eq!(str_attr(rerank, "rerank.model"), "miniserve-overlap-rerank");
        assert_eq!(trace.len(), 11, "{:?}", names(trace));
    } else {
        for name in rag {
            assert!(
                trace.iter().all(|s| s.name != name),
                "{name} without retrieval"
            );
        }
        assert_eq!(trace.len(), 7, "{:?}", names(trace));
    }
    for span in trace {
        assert_ne!(span.status_code, "ERROR", "{}", span.name);
        assert!(span.start_unix_nano <= span.end_unix_nano);
    }
    genai
}

fn metric<'a>(metrics: &'a [ReceivedMetric], name: &str) -> &'a ReceivedMetric {
    metrics
        .iter()
        .rev() // the last export holds the cumulative totals
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("metric {name} not exported"))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    support::occurrences(haystack, needle) > 0
}

#[test]
fn the_demo_exports_every_request_tree_with_the_contract_attributes() {
    let run = run_demo(&[]);
    assert_eq!(run.exchanges.len(), 5);
    let spans = run.receiver.spans();

    // Every response carries its ids; the request id is the trace id (no client id sent).
    for e in &run.exchanges {
        let trace_id = e.trace_id.as_deref().expect("X-Trace-Id on every response");
        assert_eq!(trace_id.len(), 32);
        assert_eq!(e.request_id.as_deref(), Some(trace_id));
    }
    let ids: HashSet<_> = run.exchanges.iter().map(|e| e.trace_id.clone()).collect();
    assert_eq!(ids.len(), 5, "one trace per request");

    let plain = exchange(&run, "plain chat");
    assert_eq!(plain.status, 200);
    assert_eq!(plain.content_type.as_deref(), Some("application/json"));
    check_generation(
        &trace(&spans, plain),
        "/v1/chat/completions",
        "chat",
        false,
        false,
    );

    let streaming = exchange(&run, "streaming chat");
    assert_eq!(streaming.status, 200);
    assert!(
        streaming
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let events = streaming.events();
    assert!(streaming.body.trim_end().ends_with("data: [DONE]"));
    let genai = check_generation(
        &trace(&spans, streaming),
        "/v1/chat/completions",
        "chat",
        false,
        true,
    );
    // One chunk per output token, then the last chunk with the finish reason and usage.
    assert_eq!(
        events.len() as i64,
        int_attr(genai, "gen_ai.usage.output_tokens") + 1
    );
    assert_eq!(
        events.last().unwrap()["usage"]["completion_tokens"].as_i64(),
        Some(int_attr(genai, "gen_ai.usage.output_tokens"))
    );

    let rag = exchange(&run, "completion with retrieval");
    assert_eq!(rag.status, 200);
    check_generation(
        &trace(&spans, rag),
        "/v1/completions",
        "text_completion",
        true,
        false,
    );

    // The failing request: ERROR with error.type on the prefill, the chat span and the
    // handler; a 400 with OpenAI's error object; no decode, no format.
    let failing = exchange(&run, "prompt over the context window");
    assert_eq!(failing.status, 400);
    let body: serde_json::Value = serde_json::from_str(&failing.body).unwrap();
    assert_eq!(body["error"]["code"], "context_length_exceeded");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let t = trace(&spans, failing);
    assert_eq!(t.len(), 5, "{:?}", names(&t));
    for name in ["http.handler", "chat miniserve-toy-1", "llm.prefill"] {
        let s = one(&t, name);
        assert_eq!(s.status_code, "ERROR", "{name}");
        assert_eq!(
            str_attr(s, "error.type"),
            "context_length_exceeded",
            "{name}"
        );
        assert!(s.event("exception").is_some(), "{name}");
    }
    assert_eq!(
        int_attr(one(&t, "http.handler"), "http.response.status_code"),
        400
    );
    assert_eq!(
        int_attr(
            one(&t, "POST /v1/chat/completions"),
            "http.response.status_code"
        ),
        400
    );

    // A malformed body: 400 from the parser, the server span only.
    let malformed = exchange(&run, "malformed body");
    assert_eq!(malformed.status, 400);
    let body: serde_json::Value = serde_json::from_str(&malformed.body).unwrap();
    assert_eq!(body["error"]["code"], "invalid_json");
    assert_eq!(
        names(&trace(&spans, malformed)),
        ["POST /v1/chat/completions"]
    );

    // Log records: in their request's trace, with the request's identifiers.
    let logs = run.receiver.logs();
    let finished: Vec<_> = logs
        .iter()
        .filter(|l| l.body_str() == Some("generation finished"))
        .collect();
    assert_eq!(finished.len(), 3);
    let request_logs: Vec<_> = logs
        .iter()
        .filter(|l| {
            matches!(
                l.body_str(),
                Some(
                    "generation finished"
                        | "retrieved context"
                        | "generation failed"
                        | "request rejected"
                )
            )
        })
        .collect();
    assert_eq!(request_logs.len(), 6, "{logs:?}");
    for log in request_logs {
        assert!(ids.contains(&Some(log.trace_id.clone())), "{log:?}");
        assert_eq!(log.span_id.len(), 16, "{log:?}");
        assert_eq!(
            log.attr("gen_ai.agent.id").and_then(Value::as_str),
            Some("demo-assistant"),
            "{log:?}"
        );
        assert_eq!(
            log.attr("session.id").and_then(Value::as_str),
            Some("session-7")
        );
        assert_eq!(log.attr("user.id").and_then(Value::as_str), Some("user-42"));
        assert_eq!(
            log.attr("miniserve.channel.id").and_then(Value::as_str),
            Some("web")
        );
    }

    // The OTLP JSON file holds the same spans.
    let file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&run.traces_file).unwrap()).unwrap();
    let mut file_spans = 0;
    for rs in file["resourceSpans"].as_array().unwrap() {
        for ss in rs["scopeSpans"].as_array().unwrap() {
            for s in ss["spans"].as_array().unwrap() {
                file_spans += 1;
                let trace_id = s["traceId"].as_str().unwrap().to_owned();
                assert!(ids.contains(&Some(trace_id)));
            }
        }
    }
    assert_eq!(file_spans, spans.len());
    let _ = std::fs::remove_file(&run.traces_file);
}

#[test]
fn the_demo_records_the_genai_and_http_metrics_with_the_conventions_buckets() {
    let run = run_demo(&[]);
    let metrics = run.receiver.metrics();
    let table = include_str!("../telemetry-runtime/semconv/metrics.tsv");
    let allowed: HashSet<&str> = [
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.token.type",
        "server.address",
        "server.port",
        "error.type",
    ]
    .into();
    for row in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = row.split('\t').collect();
        let (name, unit) = (cols[0], cols[2]);
        let bounds: Vec<f64> = cols[3].split(',').map(|b| b.parse().unwrap()).collect();
        let m = metric(&metrics, name);
        assert_eq!(m.kind, "histogram", "{name}");
        assert_eq!(m.unit, unit, "{name}");
        assert!(!m.data_points.is_empty(), "{name}");
        for point in &m.data_points {
            assert_eq!(point.explicit_bounds, bounds, "{name}");
            assert!(point.count > 0);
            if name.starts_with("gen_ai.") {
                for (key, _) in &point.attributes {
                    assert!(
                        allowed.contains(key.as_str()),
                        "{name}: {key} is not a GenAI metric dimension"
                    );
                }
                assert_eq!(
                    point.attr("gen_ai.provider.name").and_then(Value::as_str),
                    Some("miniserve")
                );
                assert!(point.attr("gen_ai.operation.name").is_some(), "{name}");
                // Known to the server, so set (conditionally required / recommended).
                assert_eq!(
                    point.attr("server.address").and_then(Value::as_str),
                    Some("127.0.0.1"),
                    "{name}"
                );
                assert!(
                    point
                        .attr("server.port")
                        .and_then(Value::as_i64)
                        .is_some_and(|p| p > 0),
                    "{name}"
                );
                if point.attr("error.type").is_none() {
                    assert_eq!(
                        point.attr("gen_ai.response.model").and_then(Value::as_str),
                        Some("miniserve-toy-1"),
                        "{name}"
                    );
                }
                assert_eq!(
                    point.attr("gen_ai.request.model").and_then(Value::as_str),
                    Some("miniserve-toy-1")
                );
            } else {
                // HTTP: never an identifier but the one marked `metric`.
                for key in [
                    "gen_ai.agent.id",
                    "session.id",
                    "user.id",
                    "url.path",
                    "http.response.header.x-request-id",
                ] {
                    assert!(point.attr(key).is_none(), "{name}: {key}");
                }
            }
        }
    }
    let count = |name: &str, pred: &dyn Fn(&otlp_receiver::ReceivedDataPoint) -> bool| -> u64 {
        metric(&metrics, name)
            .data_points
            .iter()
            .filter(|p| pred(p))
            .map(|p| p.count)
            .sum()
    };
    let has = |key: &'static str, value: &'static str| {
        move |p: &otlp_receiver::ReceivedDataPoint| {
            p.attr(key).and_then(Value::as_str) == Some(value)
        }
    };
    // Three generations (two chat, one text_completion), one failure in prefill.
    assert_eq!(
        count(
            "gen_ai.client.token.usage",
            &has("gen_ai.token.type", "input")
        ),
        3
    );
    assert_eq!(
        count(
            "gen_ai.client.token.usage",
            &has("gen_ai.token.type", "output")
        ),
        3
    );
    assert_eq!(count("gen_ai.client.operation.duration", &|_| true), 4);
    assert_eq!(
        count(
            "gen_ai.client.operation.duration",
            &has("error.type", "context_length_exceeded")
        ),
        1
    );
    assert_eq!(count("gen_ai.server.request.duration", &|_| true), 4);
    assert_eq!(
        count(
            "gen_ai.server.request.duration",
            &has("error.type", "context_length_exceeded")
        ),
        1
    );
    assert_eq!(count("gen_ai.server.time_to_first_token", &|_| true), 3);
    assert_eq!(
        count("gen_ai.server.time_to_first_token", &|p| p
            .attr("error.type")
            .is_some()),
        0
    );
    assert_eq!(
        count(
            "gen_ai.server.request.duration",
            &has("gen_ai.operation.name", "text_completion")
        ),
        1
    );
    // Five HTTP requests, with the low-cardinality channel as a dimension.
    assert_eq!(count("http.server.request.duration", &|_| true), 5);
    assert_eq!(
        count(
            "http.server.request.duration",
            &has("miniserve.channel.id", "web")
        ),
        5
    );
    // The token sums are the usage the responses reported.
    let reported: i64 = run
        .exchanges
        .iter()
        .filter(|e| e.status == 200)
        .map(|e| {
            let last = e.events().last().cloned();
            let body = last.unwrap_or_else(|| serde_json::from_str(&e.body).unwrap());
            body["usage"]["prompt_tokens"].as_i64().unwrap()
        })
        .sum();
    let summed: f64 = metric(&metrics, "gen_ai.client.token.usage")
        .data_points
        .iter()
        .filter(|p| p.attr("gen_ai.token.type").and_then(Value::as_str) == Some("input"))
        .filter_map(|p| p.sum)
        .sum();
    assert_eq!(summed as i64, reported);
}

#[test]
fn no_prompt_or_completion_text_is_exported_with_capture_off() {
    let run = run_demo(&[]);
    let bytes = support::exported_bytes(&run.receiver);
    assert!(
        contains(&bytes, "miniserve-toy-1"),
        "the search sees the exported strings"
    );
    let file = std::fs::read(&run.traces_file).unwrap();
    for e in &run.exchanges {
        let mut texts = vec![e.prompt.clone(), e.completion()];
        texts.retain(|t| t.len() >= 12);
        for text in texts {
            assert!(!contains(&bytes, &text), "{:?} exported over OTLP", text);
            assert!(!contains(&file, &text), "{:?} in the traces file", text);
            // Not a fragment either: the first words of it.
            let head: String = text.chars().take(24).collect();
            assert!(!contains(&bytes, &head), "{head:?} exported");
        }
    }
    for span in run.receiver.spans() {
        for key in [
            "gen_ai.input.messages",
            "gen_ai.output.messages",
            "gen_ai.system_instructions",
        ] {
            assert!(span.attr(key).is_none(), "{}: {key}", span.name);
        }
    }
    let _ = std::fs::remove_file(&run.traces_file);
}

#[test]
fn with_capture_on_the_prompt_and_completion_are_on_the_genai_span() {
    let run = run_demo(&[(
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
        "SPAN_ONLY",
    )]);
    let spans = run.receiver.spans();
    let plain = exchange(&run, "plain chat");
    let t = trace(&spans, plain);
    let chat = one(&t, "chat miniserve-toy-1");
    let input: serde_json::Value =
        serde_json::from_str(str_attr(chat, "gen_ai.input.messages")).unwrap();
    assert_eq!(input[1]["role"], "user");
    assert_eq!(input[1]["parts"][0]["content"], plain.prompt.as_str());
    let output: serde_json::Value =
        serde_json::from_str(str_attr(chat, "gen_ai.output.messages")).unwrap();
    assert_eq!(
        output[0]["parts"][0]["content"],
        plain.completion().as_str()
    );
    assert_eq!(output[0]["finish_reason"], "stop");
    assert!(contains(
        &support::exported_bytes(&run.receiver),
        &plain.prompt
    ));
    let _ = std::fs::remove_file(&run.traces_file);
}

#[test]
fn every_name_the_demo_emits_is_declared_in_a_registry_it_depends_on() {
    let run = run_demo(&[]);
    let (undeclared, seen) = support::undeclared_names(
        &run.receiver,
        &[include_str!("../examples/miniserve/semconv/miniserve.yaml")],
    );
    assert!(
        undeclared.is_empty(),
        "not in any registry:\n{}",
        undeclared.join("\n")
    );
    // Spans, events, logs and metrics were all searched: the pipeline's, GenAI, HTTP and
    // resource names, the identifiers and the log fields.
    for key in [
        "llm.tokens.in",
        "gen_ai.usage.input_tokens",
        "http.route",
        "service.name",
        "gen_ai.agent.id",
        "miniserve.channel.id",
        "miniserve.retrieval.documents",
        "http.response.header.x-request-id",
        "code.file.path",
    ] {
        assert!(seen.contains(key), "{key} was not emitted: {seen:?}");
    }
    let _ = std::fs::remove_file(&run.traces_file);
}
