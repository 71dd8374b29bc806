//! `outbound::TracingMiddleware` over real sockets: the CLIENT span (parent, attributes with
//! their types, status and `error.type`), the headers a recording peer on 127.0.0.1 receives
//! (`traceparent` naming the CLIENT span, baggage and identifiers only when asked), and
//! contexts that are absent, foreign or hostile.

mod http_support;
mod outbound_support;
mod support;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use http_support::{Telemetry, WAIT, runtime};
use otlp_receiver::{ReceivedSpan, Value};
use outbound_support::{Peer, client, is_hex_id};
use telemetry_runtime::CommonAttributes;
use telemetry_runtime::opentelemetry::baggage::BaggageExt;
use telemetry_runtime::opentelemetry::context::FutureExt as _;
use telemetry_runtime::opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
};
use telemetry_runtime::opentelemetry::{Context, KeyValue};
use telemetry_runtime::outbound::reqwest_middleware::reqwest::{Method, Request, Response};
use telemetry_runtime::outbound::reqwest_middleware::{self, ClientBuilder, Next};
use telemetry_runtime::outbound::{RequestBuilderExt, TracingMiddleware, UrlTemplate};
use telemetry_runtime::propagation::Baggage;
use telemetry_runtime::scope;
use telemetry_runtime::tracing::{Instrument, info_span};

/// The identifiers forwarded by `forward_common_attributes`: headers `x-assistant-id`
/// (required) and `x-session-id` (optional).
#[derive(Clone, Debug, CommonAttributes)]
#[common_attributes(namespace = "acme")]
struct Ids {
    assistant_id: String,
    session_id: Option<String>,
}

fn ids() -> Ids {
    Ids {
        assistant_id: "asst-1".into(),
        session_id: Some("sess-9".into()),
    }
}

/// Waits until `n` CLIENT spans arrived; returns them in arrival order.
fn client_spans(telemetry: &Telemetry, n: usize) -> Vec<ReceivedSpan> {
    let spans = telemetry.receiver.wait_for_spans(WAIT, |s| {
        s.iter().filter(|s| s.kind == "CLIENT").count() >= n
    });
    let found: Vec<_> = spans.into_iter().filter(|s| s.kind == "CLIENT").collect();
    assert!(found.len() >= n, "expected {n} CLIENT spans: {found:?}");
    found
}

/// The CLIENT span whose `url.full` ends with `suffix`.
fn span_for(spans: &[ReceivedSpan], suffix: &str) -> ReceivedSpan {
    let mut found: Vec<_> = spans
        .iter()
        .filter(|s| str_attr(s, "url.full").is_some_and(|url| url.ends_with(suffix)))
        .cloned()
        .collect();
    assert_eq!(found.len(), 1, "one CLIENT span for {suffix}: {spans:?}");
    found.pop().unwrap()
}

fn str_attr<'a>(span: &'a ReceivedSpan, key: &str) -> Option<&'a str> {
    span.attr(key).and_then(Value::as_str)
}

fn remote(trace_id: u128, span_id: u64, flags: u8, trace_state: TraceState) -> SpanContext {
    SpanContext::new(
        TraceId::from(trace_id),
        SpanId::from(span_id),
        TraceFlags::new(flags),
        true,
        trace_state,
    )
}

#[test]
fn client_span_is_a_child_of_the_caller_and_the_parent_of_the_peer() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        async {
            let response = client
                .get(peer.url("/users/42?expand=true"))
                .url_template("/users/{id}")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        .instrument(info_span!("outbound.caller"))
        .await;
        peer
    });

    let caller = &telemetry.spans_named("outbound.caller", 1)[0];
    let span = &telemetry.spans_named("GET /users/{id}", 1)[0];
    assert_eq!(span.kind, "CLIENT");
    assert_eq!(span.trace_id, caller.trace_id);
    assert_eq!(span.parent_span_id, caller.span_id, "the caller's span");
    assert_eq!(span.status_code, "UNSET");
    assert_eq!(span.scope_name, "telemetry-runtime");

    // The peer got the CLIENT span as its parent, in the caller's trace.
    let received = peer.only();
    let (trace_id, parent_id, flags) = received.traceparent();
    assert_eq!(trace_id, caller.trace_id);
    assert_eq!(parent_id, span.span_id);
    // Sampled, and random (W3C Level 2): the trace started here, with a random trace id.
    assert_eq!(flags, "03", "sampled and random");
    assert_eq!(received.header("tracestate"), None);
    assert_eq!(received.header("baggage"), None);

    let port = i64::from(peer.addr.port());
    for (key, value) in [
        ("http.request.method", Value::String("GET".into())),
        ("server.address", Value::String("127.0.0.1".into())),
        ("server.port", Value::Int(port)),
        (
            "url.full",
            Value::String(format!("http://127.0.0.1:{port}/users/42?expand=true")),
        ),
        ("url.template", Value::String("/users/{id}".into())),
        ("http.response.status_code", Value::Int(200)),
        ("network.protocol.version", Value::String("1.1".into())),
        ("network.peer.address", Value::String("127.0.0.1".into())),
        ("network.peer.port", Value::Int(port)),
    ] {
        assert_eq!(span.attr(key), Some(&value), "{key}");
    }
    for absent in [
        "error.type",
        "http.request.method_original",
        "http.request.resend_count",
    ] {
        assert_eq!(span.attr(absent), None, "{absent}");
    }
}

#[test]
fn without_a_template_the_span_is_named_by_the_method() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        client.post(peer.url("/v1/run/7")).send().await.unwrap();
        // An empty template counts as none.
        client
            .get(peer.url("/v1/run/8"))
            .with_extension(UrlTemplate::new(""))
            .send()
            .await
            .unwrap();
    });
    let spans = client_spans(&telemetry, 2);
    assert_eq!(span_for(&spans, "/v1/run/7").name, "POST");
    let get = span_for(&spans, "/v1/run/8");
    assert_eq!(get.name, "GET");
    assert_eq!(get.attr("url.template"), None);
}

#[test]
fn error_status_codes_set_error_type_and_status() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        for code in [500, 503, 404, 204] {
            let response = client
                .get(peer.url(&format!("/status/{code}")))
                .send()
                .await
                .expect("a response, whatever its status");
            assert_eq!(response.status().as_u16(), code);
        }
    });
    let spans = client_spans(&telemetry, 4);
    for code in [500, 503, 404] {
        let span = span_for(&spans, &format!("/status/{code}"));
        assert_eq!(span.status_code, "ERROR", "{code}");
        assert_eq!(
            span.attr("http.response.status_code"),
            Some(&Value::Int(code))
        );
        assert_eq!(
            str_attr(&span, "error.type"),
            Some(code.to_string().as_str())
        );
    }
    let ok = span_for(&spans, "/status/204");
    assert_eq!(ok.status_code, "UNSET");
    assert_eq!(ok.attr("error.type"), None);
    assert_eq!(ok.attr("http.response.status_code"), Some(&Value::Int(204)));
}

#[test]
fn requests_without_a_response_set_error_type() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let refused_port = support::free_port();
    rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        let refused = client
            .get(format!("http://127.0.0.1:{refused_port}/nobody"))
            .send()
            .await
            .unwrap_err();
        assert!(refused.is_connect(), "{refused:?}");
        // The peer never answers /hang: the request's own timeout ends it.
        let timed_out = client
            .get(peer.url("/hang"))
            .timeout(Duration::from_millis(300))
            .send()
            .await
            .unwrap_err();
        assert!(timed_out.is_timeout(), "{timed_out:?}");
    });
    let spans = client_spans(&telemetry, 2);
    let refused = span_for(&spans, "/nobody");
    assert_eq!(refused.status_code, "ERROR");
    assert_eq!(str_attr(&refused, "error.type"), Some("connect"));
    assert_eq!(refused.attr("http.response.status_code"), None);
    assert_eq!(
        refused.attr("server.port"),
        Some(&Value::Int(refused_port.into()))
    );
    assert!(
        !refused.status_message.is_empty() && !refused.status_message.contains("http://"),
        "the causes, without the URL: {:?}",
        refused.status_message
    );
    let timed_out = span_for(&spans, "/hang");
    assert_eq!(timed_out.status_code, "ERROR");
    assert_eq!(str_attr(&timed_out, "error.type"), Some("timeout"));
    assert_eq!(timed_out.attr("http.response.status_code"), None);
}

#[test]
fn a_dropped_request_still_ends_its_span() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        let url = peer.url("/hang");
        let request = tokio::spawn(async move { client.get(url).send().await });
        peer.wait_for(1).await;
        request.abort();
        assert!(request.await.unwrap_err().is_cancelled());
    });
    let span = &client_spans(&telemetry, 1)[0];
    assert!(str_attr(span, "url.full").unwrap().ends_with("/hang"));
    assert_eq!(
        span.status_code, "UNSET",
        "cancelled by the caller: no error"
    );
    assert_eq!(span.attr("error.type"), None);
    assert_eq!(span.attr("http.response.status_code"), None);
    assert!(span.end_unix_nano >= span.start_unix_nano);
}

#[test]
fn baggage_is_sent_only_when_opted_in() {
    let _telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let cx = Context::current_with_baggage([
            KeyValue::new("tenant", "acme"),
            KeyValue::new("note", "a b,c"),
        ]);
        let plain = client(TracingMiddleware::new());
        let forwarding = client(TracingMiddleware::new().forward_baggage(true));
        plain
            .get(peer.url("/default"))
            .send()
            .with_context(cx.clone())
            .await
            .unwrap();
        forwarding
            .get(peer.url("/opted-in"))
            .send()
            .with_context(cx.clone())
            .await
            .unwrap();
        forwarding
            .get(peer.url("/explicit"))
            .header("baggage", "mine=1")
            .send()
            .with_context(cx)
            .await
            .unwrap();
        forwarding.get(peer.url("/empty")).send().await.unwrap();
        peer
    });
    let received = peer.received();
    let by_path = |path: &str| received.iter().find(|r| r.path == path).unwrap();
    assert_eq!(
        by_path("/default").header("baggage"),
        None,
        "off by default"
    );
    let sent = Baggage::parse(by_path("/opted-in").header("baggage").unwrap());
    let mut members: Vec<(&str, &str)> = sent
        .members()
        .iter()
        .map(|m| (m.key(), m.value()))
        .collect();
    members.sort_unstable();
    assert_eq!(members, [("note", "a b,c"), ("tenant", "acme")]);
    assert_eq!(
        by_path("/explicit").all("baggage"),
        ["mine=1"],
        "a baggage header set on the request wins"
    );
    assert_eq!(
        by_path("/empty").header("baggage"),
        None,
        "no baggage, no header"
    );
    for r in &received {
        assert!(r.header("traceparent").is_some(), "{}", r.path);
    }
}

#[test]
fn common_attributes_are_sent_only_when_opted_in() {
    let _telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let plain = client(TracingMiddleware::new());
        let forwarding = client(TracingMiddleware::new().forward_common_attributes::<Ids>());
        scope::with(ids(), async {
            plain.get(peer.url("/default")).send().await.unwrap();
            forwarding.get(peer.url("/opted-in")).send().await.unwrap();
            forwarding
                .get(peer.url("/explicit"))
                .header("x-assistant-id", "by-hand")
                .send()
                .await
                .unwrap();
        })
        .await;
        let partial = Ids {
            assistant_id: "asst-2".into(),
            session_id: None,
        };
        scope::with(partial, async {
            forwarding.get(peer.url("/partial")).send().await.unwrap();
        })
        .await;
        forwarding.get(peer.url("/no-scope")).send().await.unwrap();
        peer
    });
    let received = peer.received();
    let by_path = |path: &str| received.iter().find(|r| r.path == path).unwrap();
    let ids_of = |path: &str| {
        let r = by_path(path);
        (
            r.header("x-assistant-id").map(str::to_owned),
            r.header("x-session-id").map(str::to_owned),
        )
    };
    assert_eq!(ids_of("/default"), (None, None), "off by default");
    assert_eq!(
        ids_of("/opted-in"),
        (Some("asst-1".into()), Some("sess-9".into()))
    );
    assert_eq!(
        ids_of("/explicit"),
        (Some("by-hand".into()), Some("sess-9".into())),
        "a header set on the request wins; the others are added"
    );
    assert_eq!(ids_of("/partial"), (Some("asst-2".into()), None));
    assert_eq!(ids_of("/no-scope"), (None, None), "outside a scope");
}

#[test]
fn trace_headers_set_by_hand_are_replaced() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        client
            .get(peer.url("/by-hand"))
            .header(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            )
            .header("traceparent", "garbage")
            .header("tracestate", "foreign=1")
            .send()
            .await
            .unwrap();
        // An ambient remote parent with a trace state: the CLIENT span carries it on.
        let state = TraceState::from_key_value([("rojo", "00f067aa0ba902b7")]).unwrap();
        let cx = Context::new().with_remote_span_context(remote(
            0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736,
            0x00f0_67aa_0ba9_02b7,
            0x03,
            state,
        ));
        client
            .get(peer.url("/ambient"))
            .header("tracestate", "foreign=1")
            .send()
            .with_context(cx)
            .await
            .unwrap();
        peer
    });
    let spans = client_spans(&telemetry, 2);
    let received = peer.received();

    let by_hand = &received[0];
    let span = span_for(&spans, "/by-hand");
    let (trace_id, parent_id, _) = by_hand.traceparent();
    assert_eq!(
        (trace_id.as_str(), parent_id.as_str()),
        (span.trace_id.as_str(), span.span_id.as_str())
    );
    assert_eq!(span.parent_span_id, "", "no ambient context: a new trace");
    assert_eq!(
        by_hand.header("tracestate"),
        None,
        "a stale tracestate is removed"
    );

    let ambient = &received[1];
    let span = span_for(&spans, "/ambient");
    assert_eq!(span.parent_span_id, "00f067aa0ba902b7");
    assert_eq!(
        ambient.header("traceparent"),
        Some(format!("00-4bf92f3577b34da6a3ce929d0e0e4736-{}-03", span.span_id).as_str()),
        "the random flag (Level 2) is kept"
    );
    assert_eq!(ambient.header("tracestate"), Some("rojo=00f067aa0ba902b7"));
}

#[test]
fn without_a_provider_the_ambient_context_is_propagated() {
    // No init(): no tracer anywhere, the global provider is the no-op one.
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(
            TracingMiddleware::new()
                .forward_baggage(true)
                .forward_common_attributes::<Ids>(),
        );
        let state = TraceState::from_key_value([("congo", "t61rcWkgMzE")]).unwrap();
        let cx = Context::new()
            .with_remote_span_context(remote(0xabc, 0xdef, 0x01, state))
            .with_baggage([KeyValue::new("tenant", "acme")]);
        scope::with(
            ids(),
            client.get(peer.url("/ambient")).send().with_context(cx),
        )
        .await
        .unwrap();
        client.get(peer.url("/nothing")).send().await.unwrap();
        peer
    });
    let received = peer.received();
    let ambient = &received[0];
    assert_eq!(
        ambient.header("traceparent"),
        Some("00-00000000000000000000000000000abc-0000000000000def-01"),
        "the ambient context, as it is"
    );
    assert_eq!(ambient.header("tracestate"), Some("congo=t61rcWkgMzE"));
    assert_eq!(ambient.header("baggage"), Some("tenant=acme"));
    assert_eq!(ambient.header("x-assistant-id"), Some("asst-1"));
    let nothing = &received[1];
    assert_eq!(
        nothing.header("traceparent"),
        None,
        "no context: nothing to send"
    );
    assert_eq!(nothing.header("tracestate"), None);
}

#[test]
fn hostile_ambient_contexts_never_panic() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let long_state: Vec<(String, String)> = (0..32)
        .map(|i| (format!("vendor{i}@t"), "v".repeat(200)))
        .collect();
    let hostile_baggage: Vec<KeyValue> = (0..200)
        .map(|i| {
            KeyValue::new(
                format!("k{i}"),
                match i % 4 {
                    0 => "line\r\nbreak".to_owned(),
                    1 => "é ✓ ,;=%".to_owned(),
                    2 => "x".repeat(10_000),
                    _ => "\u{0}\u{7f}".to_owned(),
                },
            )
        })
        .chain([KeyValue::new("bad key", "v"), KeyValue::new("", "empty")])
        .collect();
    let contexts = [
        // Invalid trace id with a valid span id and every flag bit.
        Context::new().with_remote_span_context(remote(0, 0x1234, 0xff, TraceState::NONE)),
        // Invalid span id.
        Context::new().with_remote_span_context(remote(0x1234, 0, 0x01, TraceState::NONE)),
        // A valid parent with the longest trace state and reserved flag bits.
        Context::new().with_remote_span_context(remote(
            0x1234,
            0x5678,
            0xfd,
            TraceState::from_key_value(long_state).unwrap(),
        )),
        // Baggage no header can carry as given.
        Context::new().with_baggage(hostile_baggage),
    ];
    let n = contexts.len();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new().forward_baggage(true));
        for (i, cx) in contexts.into_iter().enumerate() {
            let response = client
                .get(peer.url(&format!("/hostile/{i}")))
                .send()
                .with_context(cx)
                .await
                .expect("the request goes out");
            assert_eq!(response.status(), 200);
        }
        peer
    });
    let received = peer.received();
    assert_eq!(received.len(), n);
    let spans = client_spans(&telemetry, n);
    for (i, r) in received.iter().enumerate() {
        let (trace_id, parent_id, flags) = r.traceparent();
        assert!(is_hex_id(&trace_id, 32), "{i}: {trace_id}");
        assert!(is_hex_id(&parent_id, 16), "{i}: {parent_id}");
        assert_eq!(flags.len(), 2);
        let span = span_for(&spans, &format!("/hostile/{i}"));
        assert_eq!(parent_id, span.span_id, "{i}");
        if let Some(baggage) = r.header("baggage") {
            assert!(baggage.len() <= 8192, "{i}: {} bytes", baggage.len());
            assert!(!Baggage::parse(baggage).is_empty(), "{i}");
        }
    }
    // An invalid ambient parent starts a new trace; a valid one is continued.
    assert_ne!(
        received[0].traceparent().0,
        "00000000000000000000000000000000"
    );
    assert_eq!(
        received[2].traceparent().0,
        "00000000000000000000000000001234"
    );
    let state = received[2].header("tracestate").unwrap();
    assert!(state.starts_with("vendor0@t="), "{state}");
    assert_eq!(state.split(',').count(), 32);
    assert!(
        received[3].header("baggage").is_some(),
        "the members that fit are sent, percent-encoded"
    );
}

type BoxFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest_middleware::Result<Response>> + Send + 'a>>;

/// A retry middleware in miniature: sends the request again once after a 5xx.
fn retry_once<'a>(
    request: Request,
    extensions: &'a mut axum::http::Extensions,
    next: Next<'a>,
) -> BoxFuture<'a> {
    Box::pin(async move {
        let again = request.try_clone().expect("no streaming body");
        let first = next.clone().run(request, extensions).await?;
        if first.status().is_server_error() {
            next.run(again, extensions).await
        } else {
            Ok(first)
        }
    })
}

#[test]
fn each_retry_attempt_is_a_client_span_with_its_resend_count() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let peer = rt.block_on(async {
        let peer = Peer::start().await;
        // The retry middleware first, then the tracing one: one span per attempt.
        let client = ClientBuilder::new(outbound_support::http_client())
            .with(retry_once)
            .with(TracingMiddleware::new())
            .build();
        let response = client
            .get(peer.url("/status/503"))
            .send()
            .instrument(info_span!("outbound.caller"))
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        peer
    });
    let caller = &telemetry.spans_named("outbound.caller", 1)[0];
    let spans = client_spans(&telemetry, 2);
    let received = peer.received();
    assert_eq!(received.len(), 2);
    let first = spans
        .iter()
        .find(|s| s.attr("http.request.resend_count").is_none())
        .unwrap();
    let second = spans
        .iter()
        .find(|s| s.attr("http.request.resend_count") == Some(&Value::Int(1)))
        .unwrap();
    for (span, r) in [(first, &received[0]), (second, &received[1])] {
        assert_eq!(span.parent_span_id, caller.span_id);
        assert_eq!(
            r.traceparent().1,
            span.span_id,
            "each attempt names its span"
        );
        assert_eq!(str_attr(span, "error.type"), Some("503"));
    }
}

#[test]
fn unknown_methods_and_credentials_in_the_url() {
    let telemetry = Telemetry::init(&[]);
    let rt = runtime();
    let port = rt.block_on(async {
        let peer = Peer::start().await;
        let client = client(TracingMiddleware::new());
        let port = peer.addr.port();
        // The request builder moves credentials into `Authorization` before the middleware.
        client
            .request(
                Method::from_bytes(b"PURGE").unwrap(),
                format!("http://alice:s3cret@127.0.0.1:{port}/built?sig=abc&keep=1"),
            )
            .send()
            .await
            .unwrap();
        // A request made by hand still has them in its URL when the middleware sees it.
        let url = format!("http://bob:hunter2@127.0.0.1:{port}/by-hand?X-Goog-Signature=abc");
        client
            .execute(Request::new(Method::GET, url.parse().unwrap()))
            .await
            .unwrap();
        let received = peer.received();
        assert_eq!(received[0].method.as_str(), "PURGE");
        port
    });
    let spans = client_spans(&telemetry, 2);
    let purge = span_for(&spans, "/built?sig=REDACTED&keep=1");
    assert_eq!(purge.name, "HTTP");
    assert_eq!(str_attr(&purge, "http.request.method"), Some("_OTHER"));
    assert_eq!(
        str_attr(&purge, "http.request.method_original"),
        Some("PURGE")
    );
    assert_eq!(
        str_attr(&purge, "url.full"),
        Some(format!("http://127.0.0.1:{port}/built?sig=REDACTED&keep=1").as_str())
    );
    let by_hand = span_for(&spans, "/by-hand?X-Goog-Signature=REDACTED");
    assert_eq!(
        str_attr(&by_hand, "url.full"),
        Some(
            format!("http://REDACTED:REDACTED@127.0.0.1:{port}/by-hand?X-Goog-Signature=REDACTED")
                .as_str()
        )
    );
}
