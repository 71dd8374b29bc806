use super::*;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState as OtelTraceState,
};
use opentelemetry::{KeyValue, StringValue};
use proptest::prelude::*;
use serde_json::json;

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Job {
    prompt: String,
    #[serde(default)]
    priority: u8,
}

fn job() -> Job {
    Job {
        prompt: "hi".into(),
        priority: 3,
    }
}

fn producer_context() -> Context {
    let span_context = SpanContext::new(
        TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
        SpanId::from_hex("00f067aa0ba902b7").unwrap(),
        TraceFlags::new(0x03),
        false,
        OtelTraceState::from_key_value([("rojo", "00f067aa0ba902b7")]).unwrap(),
    );
    Context::new()
        .with_remote_span_context(span_context)
        .with_baggage([KeyValue::new("tenant", "acme corp")])
}

fn parent_of(cx: &Context) -> SpanContext {
    cx.span().span_context().clone()
}

#[test]
fn json_round_trip_keeps_body_parent_state_and_baggage() {
    crate::propagation::set_forward_baggage(true);
    let message = Traced::with_context(job(), &producer_context());
    let text = serde_json::to_string(&message).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({
            "_trace_context": {
                "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
                "tracestate": "rojo=00f067aa0ba902b7",
                "baggage": "tenant=acme%20corp",
            },
            "prompt": "hi",
            "priority": 3,
        })
    );

    let decoded: Traced<Job> = serde_json::from_str(&text).unwrap();
    assert_eq!(decoded, message);
    let (body, cx) = decoded.into_parts();
    assert_eq!(body, job());
    let parent = parent_of(&cx);
    assert!(parent.is_remote());
    assert_eq!(parent.trace_id(), parent_of(&producer_context()).trace_id());
    assert_eq!(parent.span_id(), parent_of(&producer_context()).span_id());
    assert_eq!(parent.trace_flags().to_u8(), 0x03);
    assert_eq!(parent.trace_state().header(), "rojo=00f067aa0ba902b7");
    assert_eq!(
        cx.baggage().get("tenant"),
        Some(&StringValue::from("acme corp"))
    );
}

#[test]
fn new_takes_the_current_context() {
    let _attached = producer_context().attach();
    let message = Traced::new(job());
    assert_eq!(
        message.trace_context().traceparent(),
        Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")
    );
}

#[test]
fn no_context_writes_no_key() {
    let text = serde_json::to_string(&Traced::with_context(job(), &Context::new())).unwrap();
    assert_eq!(text, r#"{"prompt":"hi","priority":3}"#);
    let text = serde_json::to_string(&Traced::untraced(job())).unwrap();
    assert_eq!(text, r#"{"prompt":"hi","priority":3}"#);
}

#[test]
fn old_messages_without_the_key_decode_without_a_parent() {
    let message: Traced<Job> = serde_json::from_str(r#"{"prompt":"hello"}"#).unwrap();
    assert_eq!(message.body.prompt, "hello");
    assert!(message.trace_context().is_empty());
    assert!(!message.context().has_active_span());
    // And as a raw map.
    let mut map: Map<String, Value> = serde_json::from_str(r#"{"prompt":"hello"}"#).unwrap();
    assert!(!extract_from_map(&map).has_active_span());
    assert!(!take_from_map(&mut map).has_active_span());
    assert_eq!(map.len(), 1);
}

/// Whatever is under `_trace_context`, the message decodes with its body and no parent.
#[test]
fn hostile_trace_context_is_ignored() {
    let long = "a".repeat(1 << 20);
    let hostile = [
        json!(42),
        json!(-1.5),
        json!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        json!(null),
        json!(true),
        json!([TRACEPARENT]),
        json!({}),
        json!({"traceparent": 1}),
        json!({"traceparent": null}),
        json!({"traceparent": [TRACEPARENT]}),
        json!({"traceparent": {"traceparent": TRACEPARENT}}),
        json!({"traceparent": TRACEPARENT.to_uppercase()}),
        json!({"traceparent": format!("{TRACEPARENT}\n")}),
        json!({"traceparent": format!("{TRACEPARENT}-extra")}),
        json!({"traceparent": "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}),
        json!({"traceparent": "00-00000000000000000000000000000000-00f067aa0ba902b7-01"}),
        json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"}),
        json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0\u{e9}"}),
        json!({"traceparent": "\u{0}"}),
        json!({"traceparent": long}),
        json!({"TraceParent": TRACEPARENT, "traceparent": TRACEPARENT}),
        json!({"tracestate": "rojo=1"}),
        json!({"baggage": "bad key=1"}),
    ];
    for value in hostile {
        let text = json!({"_trace_context": value, "prompt": "hi", "priority": 3}).to_string();
        let message: Traced<Job> = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{e} for {}", &text[..text.len().min(200)]));
        assert_eq!(message.body, job(), "{value}");
        assert!(!message.context().has_active_span(), "{value}");
        assert!(message.context().baggage().is_empty(), "{value}");

        let map: Map<String, Value> = serde_json::from_str(&text).unwrap();
        assert!(!extract_from_map(&map).has_active_span(), "{value}");
    }
}

#[test]
fn repeated_trace_context_key_decodes_without_a_parent() {
    let text = format!(
        r#"{{"_trace_context":{{"traceparent":"{TRACEPARENT}"}},"prompt":"hi","_trace_context":{{"traceparent":"{TRACEPARENT}"}}}}"#
    );
    let message: Traced<Job> = serde_json::from_str(&text).unwrap();
    assert_eq!(message.body.prompt, "hi");
    assert!(!message.context().has_active_span());
    // One of them alone is a parent.
    let text = format!(r#"{{"_trace_context":{{"traceparent":"{TRACEPARENT}"}},"prompt":"hi"}}"#);
    let message: Traced<Job> = serde_json::from_str(&text).unwrap();
    assert!(message.context().has_active_span());
}

#[test]
fn invalid_tracestate_or_baggage_members_do_not_lose_the_parent() {
    let text = json!({
        "_trace_context": {
            "traceparent": TRACEPARENT,
            "tracestate": "rojo=1,ROJO=2",
            "baggage": "bad key=1,good=yes",
            "other": {"nested": [1, 2, 3]},
        },
        "prompt": "hi",
    })
    .to_string();
    let message: Traced<Job> = serde_json::from_str(&text).unwrap();
    let cx = message.context();
    assert!(parent_of(&cx).is_valid());
    assert_eq!(parent_of(&cx).trace_state(), &OtelTraceState::NONE);
    assert_eq!(cx.baggage().len(), 1);
    assert_eq!(cx.baggage().get("good"), Some(&StringValue::from("yes")));

    // A tracestate that is not a string is an invalid tracestate, not a lost parent.
    let text =
        json!({"_trace_context": {"traceparent": TRACEPARENT, "tracestate": 7}, "prompt": "x"})
            .to_string();
    let message: Traced<Job> = serde_json::from_str(&text).unwrap();
    assert!(parent_of(&message.context()).is_valid());
    assert!(
        parent_of(&message.context())
            .trace_state()
            .header()
            .is_empty()
    );
}

#[test]
fn reserved_flag_bits_are_cleared_on_read() {
    let text = json!({
        "_trace_context": {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff"},
        "prompt": "x",
    })
    .to_string();
    let message: Traced<Job> = serde_json::from_str(&text).unwrap();
    assert_eq!(parent_of(&message.context()).trace_flags().to_u8(), 0x03);
}

#[test]
fn a_map_body_does_not_see_the_trace_context() {
    let mut body = Map::new();
    body.insert("prompt".into(), json!("hi"));
    let text =
        serde_json::to_string(&Traced::with_context(body.clone(), &producer_context())).unwrap();
    let message: Traced<Map<String, Value>> = serde_json::from_str(&text).unwrap();
    assert_eq!(message.body, body);
    assert!(message.context().has_active_span());
}

#[test]
fn raw_map_inject_extract_take() {
    let mut message: Map<String, Value> =
        serde_json::from_str(r#"{"prompt":"hi","_trace_context":"stale"}"#).unwrap();
    inject_context_into_map(&producer_context(), &mut message);
    assert_eq!(
        message[TRACE_CONTEXT_KEY]["traceparent"],
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"
    );
    let parent = parent_of(&extract_from_map(&message));
    assert_eq!(parent.span_id(), parent_of(&producer_context()).span_id());

    // Readable by `Traced` too: one wire format.
    let typed: Traced<Job> = serde_json::from_value(Value::Object(message.clone())).unwrap();
    assert_eq!(parent_of(&typed.context()), parent);

    let cx = take_from_map(&mut message);
    assert_eq!(parent_of(&cx), parent);
    assert!(!message.contains_key(TRACE_CONTEXT_KEY));

    // Nothing to carry: a stale key is removed.
    message.insert(
        TRACE_CONTEXT_KEY.into(),
        json!({"traceparent": TRACEPARENT}),
    );
    inject_context_into_map(&Context::new(), &mut message);
    assert!(!message.contains_key(TRACE_CONTEXT_KEY));

    // From the current context.
    let _attached = producer_context().attach();
    inject_into_map(&mut message);
    assert!(message.contains_key(TRACE_CONTEXT_KEY));
}

#[test]
fn map_serde_alone() {
    crate::propagation::set_forward_baggage(true);
    let map = TraceContextMap::from_context(&producer_context());
    assert_eq!(
        serde_json::to_value(&map).unwrap(),
        Value::Object(map.to_json())
    );
    let back: TraceContextMap = serde_json::from_value(Value::Object(map.to_json())).unwrap();
    assert_eq!(back, map);
    assert_eq!(back.tracestate(), Some("rojo=00f067aa0ba902b7"));
    assert_eq!(back.baggage(), Some("tenant=acme%20corp"));
}

proptest! {
    /// Any string under any of the three keys: no panic, and a parent exactly when the
    /// `traceparent` alone parses.
    #[test]
    fn any_strings_never_panic(traceparent in ".{0,80}", tracestate in ".{0,80}", baggage in ".{0,80}") {
        let text = json!({
            "_trace_context": {"traceparent": &traceparent, "tracestate": tracestate, "baggage": baggage},
            "prompt": "p",
        })
        .to_string();
        let message: Traced<Job> = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(
            message.context().has_active_span(),
            super::super::TraceParent::parse(&traceparent).is_ok()
        );
    }
}

#[test]
fn baggage_stays_out_of_the_map_unless_forwarded() {
    let map = TraceContextMap::from_context(&producer_context());
    assert_eq!(map.baggage(), None);
    assert!(map.traceparent().is_some());
}

/// Found by the `envelope` fuzz target: a value that is not a string was written back out
/// as the internal marker (a NUL character) when the map was serialized.
#[test]
fn values_that_are_not_strings_are_never_written_back() {
    let map = TraceContextMap::from_json(&json!({
        "baggage": 5,
        "Baggage": "k=v",
        "tracestate": ["a=1"],
        "TraceState": "b=2",
    }));
    let out = map.to_json();
    assert_eq!(out.get("baggage"), Some(&json!("k=v")), "{out:?}");
    assert_eq!(
        out.get("tracestate"),
        None,
        "a tracestate with a non-string value is invalid"
    );
    assert!(!serde_json::to_string(&out).unwrap().contains("\\u0000"));
    // Keys that differ in case are values of the same field, combined as HTTP does.
    let map = TraceContextMap::from_json(&json!({"baggage": "a=1", "BAGGAGE": "b=2"}));
    let combined = map.to_json()["baggage"].as_str().unwrap().to_owned();
    let mut members: Vec<&str> = combined.split(',').collect();
    members.sort_unstable();
    assert_eq!(members, ["a=1", "b=2"]);
    assert_eq!(
        map.baggage(),
        None,
        "the accessor reads a single value only"
    );
}
