//! The W3C trace-context test service of `examples/propagation.rs`, driven like the W3C
//! harness drives it: `POST /test` with a `traceparent` and a list of callbacks to a
//! recording peer on 127.0.0.1.

mod http_support;
mod outbound_support;
mod support;

// The example's `app()`, compiled into this test (its `main` is not used here).
#[allow(dead_code)]
#[path = "../examples/propagation.rs"]
mod propagation;

use http_support::{CLIENT_SPAN_ID, CLIENT_TRACE_ID, TRACEPARENT, Telemetry, runtime, serve};
use outbound_support::{Peer, Received, http_client, is_hex_id};
use serde_json::{Value, json};
use telemetry_runtime::outbound::reqwest_middleware::reqwest::StatusCode;

const TRACESTATE: &str = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

/// Serves the example's app and the peer, sends `POST /test` with `headers` and `body`;
/// returns the status and what the peer had received when the response arrived.
fn drive(
    headers: &[(&str, &str)],
    body: impl FnOnce(&Peer) -> String,
) -> (StatusCode, String, Vec<Received>) {
    let rt = runtime();
    rt.block_on(async {
        let peer = Peer::start().await;
        let service = serve(propagation::app()).await;
        let mut request = http_client()
            .post(format!("http://{service}/test"))
            .header("content-type", "application/json")
            .body(body(&peer));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        // Read before the body: every callback must have arrived by the response head.
        let received = peer.received();
        let text = response.text().await.unwrap();
        (status, text, received)
    })
}

#[test]
fn callbacks_carry_the_trace_in_order_before_the_response() {
    let telemetry = Telemetry::init(&[]);
    let nested = json!([{"url": "http://127.0.0.1:9/never-called", "arguments": []}]);
    let (status, _, received) = drive(
        &[("traceparent", TRACEPARENT), ("tracestate", TRACESTATE)],
        |peer| {
            json!([
                {"url": peer.url("/callback/0"), "arguments": nested},
                {"url": peer.url("/callback/1"), "arguments": []},
            ])
            .to_string()
        },
    );
    assert_eq!(status, StatusCode::OK);
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/callback/0", "/callback/1"], "both, in order");

    // Each callback: POST, `arguments` as its JSON body, the caller's trace with a new parent.
    let mut parents = Vec::new();
    for (r, arguments) in received.iter().zip([nested.clone(), json!([])]) {
        assert_eq!(r.method.as_str(), "POST");
        assert_eq!(r.header("content-type"), Some("application/json"));
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body, arguments);
        let (trace_id, parent_id, flags) = r.traceparent();
        assert_eq!(trace_id, CLIENT_TRACE_ID, "{}", r.path);
        assert_ne!(parent_id, CLIENT_SPAN_ID, "{}", r.path);
        assert!(is_hex_id(&parent_id, 16), "{parent_id}");
        assert_eq!(flags, "01", "sampled, not random: as it came in");
        assert_eq!(r.header("tracestate"), Some(TRACESTATE), "{}", r.path);
        parents.push(parent_id);
    }
    assert_ne!(parents[0], parents[1], "one CLIENT span per callback");

    // The spans: SERVER `POST /test` under the caller's span, one CLIENT span per callback
    // under it, each the parent its callback received.
    let server = &telemetry.spans_named("POST /test", 1)[0];
    assert_eq!(server.kind, "SERVER");
    assert_eq!(server.trace_id, CLIENT_TRACE_ID);
    assert_eq!(server.parent_span_id, CLIENT_SPAN_ID);
    let clients = telemetry.spans_named("POST", 2);
    for parent_id in &parents {
        let span = clients.iter().find(|s| &s.span_id == parent_id).unwrap();
        assert_eq!(span.kind, "CLIENT");
        assert_eq!(span.parent_span_id, server.span_id);
        assert_eq!(span.trace_state, TRACESTATE);
    }
}

#[test]
fn without_a_valid_traceparent_callbacks_start_a_new_trace() {
    let _telemetry = Telemetry::init(&[]);
    let cases: [&[(&str, &str)]; 3] = [
        &[],
        &[("traceparent", TRACEPARENT), ("traceparent", TRACEPARENT)],
        &[
            (
                "traceparent",
                "00-12345678901234567890123456789012-1234567890123456-.0",
            ),
            ("tracestate", TRACESTATE),
        ],
    ];
    for headers in cases {
        let (status, _, received) = drive(headers, |peer| {
            json!([{"url": peer.url("/callback"), "arguments": []}]).to_string()
        });
        assert_eq!(status, StatusCode::OK, "{headers:?}");
        let r = &received[0];
        let (trace_id, parent_id, _) = r.traceparent();
        assert!(is_hex_id(&trace_id, 32), "{headers:?}: {trace_id}");
        assert!(is_hex_id(&parent_id, 16), "{headers:?}: {parent_id}");
        assert_ne!(trace_id, CLIENT_TRACE_ID, "{headers:?}");
        assert_ne!(trace_id, "12345678901234567890123456789012", "{headers:?}");
        assert_eq!(r.header("tracestate"), None, "{headers:?}");
    }
}

#[test]
fn bodies_that_are_not_the_harness_format_are_rejected() {
    for body in [
        "not json",
        r#"{"url": "http://127.0.0.1:9/"}"#,
        r#"[{"arguments": []}]"#,
        r#"[{"url": 7, "arguments": []}]"#,
        r#"["http://127.0.0.1:9/"]"#,
    ] {
        let (status, text, received) = drive(&[], |_| body.to_owned());
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(!text.is_empty(), "the reason: {body}");
        assert!(received.is_empty());
    }
    // An empty list is nothing to do.
    let (status, _, received) = drive(&[], |_| "[]".to_owned());
    assert_eq!(status, StatusCode::OK);
    assert!(received.is_empty());
}

#[test]
fn a_callback_without_a_response_is_a_bad_gateway_after_the_others() {
    let refused = format!("http://127.0.0.1:{}/refused", support::free_port());
    let (status, text, received) = drive(&[("traceparent", TRACEPARENT)], |peer| {
        json!([
            {"url": refused, "arguments": []},
            {"url": peer.url("/after"), "arguments": []},
        ])
        .to_string()
    });
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(text.contains(&refused), "{text}");
    let paths: Vec<&str> = received.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/after"], "the other calls are still made");
    // Without telemetry installed the incoming context is passed on as it is.
    assert_eq!(received[0].header("traceparent"), Some(TRACEPARENT));
}

/// `POST /test` with one callback to the peer, under `traceparent` (and `tracestate`);
/// returns the traceparent and tracestate the peer received.
fn one_callback(
    traceparent: Option<&str>,
    tracestate: Option<&str>,
) -> ((String, String, String), Option<String>) {
    let mut headers = Vec::new();
    if let Some(tp) = traceparent {
        headers.push(("traceparent", tp));
    }
    if let Some(ts) = tracestate {
        headers.push(("tracestate", ts));
    }
    let (status, _, received) = drive(&headers, |peer| {
        json!([{"url": peer.url("/callback"), "arguments": []}]).to_string()
    });
    assert_eq!(status, StatusCode::OK);
    assert_eq!(received.len(), 1);
    (
        received[0].traceparent(),
        received[0].header("tracestate").map(str::to_owned),
    )
}

#[test]
fn level_2_random_flag_is_kept_when_continuing_a_trace_and_set_when_starting_one() {
    let telemetry = Telemetry::init(&[]);
    // Continuing a trace: the random flag goes out exactly as it came in, sampled or not.
    for (incoming, outgoing) in [("01", "01"), ("03", "03"), ("00", "00"), ("02", "02")] {
        let tp = format!("00-{CLIENT_TRACE_ID}-{CLIENT_SPAN_ID}-{incoming}");
        let ((trace_id, _, flags), _) = one_callback(Some(&tp), None);
        assert_eq!(trace_id, CLIENT_TRACE_ID);
        assert_eq!(flags, outgoing, "incoming flags {incoming}");
    }
    // Starting a trace: its id is random, so the flag is set (and sampled, by default).
    let ((trace_id, _, flags), _) = one_callback(None, None);
    assert_ne!(trace_id, CLIENT_TRACE_ID);
    assert_eq!(flags, "03");
    // The exported spans carry the flag too: the root SERVER span of the new trace and its
    // CLIENT child (W3C trace flags are the low byte of the OTLP span flags).
    let spans = telemetry.receiver.wait_for_spans(http_support::WAIT, |s| {
        s.iter().filter(|s| s.trace_id == trace_id).count() >= 2
    });
    for span in spans.iter().filter(|s| s.trace_id == trace_id) {
        assert_eq!(span.flags & 0xff, 0x03, "{} flags", span.name);
    }
    for span in spans.iter().filter(|s| s.trace_id == CLIENT_TRACE_ID) {
        assert!(span.flags & 0x01 != 0, "only sampled spans are exported");
    }
}

#[test]
fn level_2_tracestate_keys_with_at_signs_and_repeated_keys_are_forwarded() {
    let _telemetry = Telemetry::init(&[]);
    let long_key = format!("{}@{}", "t".repeat(241), "v".repeat(14));
    assert_eq!(long_key.len(), 256);
    // `@` anywhere, and the longest key: forwarded whole, in order.
    let state = format!("foo@=1,{long_key}=2,a@b@c=3,rojo=4");
    let (_, forwarded) = one_callback(Some(TRACEPARENT), Some(&state));
    assert_eq!(forwarded.as_deref(), Some(state.as_str()));
    // A key of 257 characters is invalid: the whole tracestate is dropped, the trace kept.
    let state = format!("{}=1,rojo=2", "k".repeat(257));
    let ((trace_id, _, _), forwarded) = one_callback(Some(TRACEPARENT), Some(&state));
    assert_eq!(trace_id, CLIENT_TRACE_ID);
    assert_eq!(forwarded, None);
    // A repeated key does not drop the header: its first entry is kept, never a second one.
    let (_, forwarded) = one_callback(Some(TRACEPARENT), Some("foo=1,foo=1,bar=2"));
    assert_eq!(forwarded.as_deref(), Some("foo=1,bar=2"));
    let (_, forwarded) = one_callback(Some(TRACEPARENT), Some("foo=1,bar=2,foo=3"));
    assert_eq!(forwarded.as_deref(), Some("foo=1,bar=2"));
}

#[test]
fn spans_of_other_instrumentation_through_the_global_tracer_carry_the_random_flag_too() {
    use telemetry_runtime::opentelemetry::global;
    use telemetry_runtime::opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _};
    let _telemetry = Telemetry::init(&[]);
    let tracer = global::tracer("third-party");
    let mut root = tracer.start("third.party.root");
    assert_eq!(
        root.span_context().trace_flags().to_u8(),
        0x03,
        "sampled and random"
    );
    let cx = telemetry_runtime::opentelemetry::Context::new()
        .with_remote_span_context(root.span_context().clone());
    let mut child = tracer.start_with_context("third.party.child", &cx);
    assert_eq!(child.span_context().trace_flags().to_u8(), 0x03);
    child.end();
    root.end();
}
