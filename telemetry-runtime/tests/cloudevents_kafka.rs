//! Trace context through Kafka record headers, on rdkafka's own header types (`OwnedHeaders`
//! as a producer builds them, `BorrowedHeaders` as a consumer reads them): the transport's
//! `traceparent` and the event's `ce_traceparent` (binary content mode), and hostile values.
#![cfg(feature = "sdk")]
#![cfg(all(feature = "cloudevents", feature = "rdkafka"))]

mod common;

use common::*;
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use rdkafka::message::{Header, Headers, OwnedHeaders};
use telemetry_runtime::cloudevents::kafka;
use telemetry_runtime::span::SpanCore;

fn span_context(trace: u128, span: u64) -> SpanContext {
    SpanContext::new(
        TraceId::from(trace),
        SpanId::from(span),
        TraceFlags::SAMPLED,
        false,
        TraceState::from_key_value([("vendor", "v1")]).unwrap(),
    )
}

fn value<'a>(headers: &'a impl Headers, key: &str) -> Vec<&'a str> {
    headers
        .iter()
        .filter(|h| h.key == key)
        .map(|h| std::str::from_utf8(h.value.unwrap()).unwrap())
        .collect()
}

#[test]
fn the_current_span_goes_into_traceparent_and_comes_back_out() {
    let _h = Harness::new();
    let span = SpanCore::start::<false>(
        opentelemetry::trace::SpanKind::Producer,
        |_| "send".into(),
        Vec::new,
        None,
        None,
    );
    let expected = span.context().unwrap().span().span_context().clone();
    let headers = {
        let _entered = span.enter();
        kafka::inject(OwnedHeaders::new().insert(Header {
            key: "content-type",
            value: Some("application/json"),
        }))
    };
    span.end();
    assert_eq!(value(&headers, "traceparent").len(), 1);
    // Read back from the consumer's view of the same headers.
    let borrowed = headers.as_borrowed();
    let cx = kafka::extract(borrowed);
    assert_eq!(cx.span().span_context().trace_id(), expected.trace_id());
    assert_eq!(cx.span().span_context().span_id(), expected.span_id());
    assert!(cx.span().span_context().is_remote());
    // Already there: not written twice.
    let _entered = span.enter();
    let again = kafka::inject(headers);
    assert_eq!(value(&again, "traceparent").len(), 1);
}

#[test]
fn the_creation_context_is_written_under_ce_once() {
    let headers = kafka::set_creation_context(OwnedHeaders::new(), &span_context(7, 9));
    assert_eq!(
        value(&headers, "ce_traceparent"),
        ["00-00000000000000000000000000000007-0000000000000009-01"]
    );
    assert_eq!(value(&headers, "ce_tracestate"), ["vendor=v1"]);
    assert!(
        value(&headers, "traceparent").is_empty(),
        "not the transport's header"
    );
    let headers = kafka::set_creation_context(headers, &span_context(8, 10));
    assert_eq!(
        value(&headers, "ce_traceparent").len(),
        1,
        "kept across hops"
    );
    let creation = kafka::creation_context(headers.as_borrowed()).unwrap();
    assert_eq!(creation.span_id(), SpanId::from(9u64));
    assert_eq!(creation.trace_state().header(), "vendor=v1");
    // The transport's context is not the creation context, and the reverse.
    assert!(!kafka::extract(&headers).span().span_context().is_valid());
}

#[test]
fn hostile_headers_are_ignored() {
    let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let cases: Vec<OwnedHeaders> = vec![
        // Two values: ambiguous, no context.
        OwnedHeaders::new()
            .insert(Header {
                key: "traceparent",
                value: Some(tp),
            })
            .insert(Header {
                key: "traceparent",
                value: Some(tp),
            }),
        // Not UTF-8.
        OwnedHeaders::new().insert(Header {
            key: "traceparent",
            value: Some(&[0xff_u8, 0xfe, 0x00][..]),
        }),
        // A null value.
        OwnedHeaders::new().insert::<str>(Header {
            key: "traceparent",
            value: None,
        }),
        // Upper-case hex, huge values.
        OwnedHeaders::new().insert(Header {
            key: "traceparent",
            value: Some("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
        }),
        OwnedHeaders::new().insert(Header {
            key: "traceparent",
            value: Some(&*"0".repeat(1 << 20)),
        }),
    ];
    for headers in &cases {
        assert!(!kafka::extract(headers).span().span_context().is_valid());
        assert!(kafka::creation_context(headers).is_none());
    }
    // A valid one beside junk of other keys still reads.
    let headers = OwnedHeaders::new()
        .insert(Header {
            key: "ce_traceparent",
            value: Some(tp),
        })
        .insert(Header {
            key: "ce_tracestate",
            value: Some("=,="),
        })
        .insert(Header {
            key: "baggage",
            value: Some(&[0xc3_u8][..]),
        });
    let creation = kafka::creation_context(&headers).unwrap();
    assert_eq!(creation.span_id().to_string(), "00f067aa0ba902b7");
    assert_eq!(
        creation.trace_state().header(),
        "",
        "an invalid tracestate is dropped"
    );
}
