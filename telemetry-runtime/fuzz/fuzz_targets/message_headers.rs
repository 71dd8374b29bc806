//! The trace context of NATS message headers and Kafka record headers: arbitrary header
//! names and values (the input, lines of `name: value`). Never a panic; a context is only
//! ever taken from a `traceparent` the W3C parser accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rdkafka::message::{Header, OwnedHeaders};
use telemetry_runtime::cloudevents::kafka;
use telemetry_runtime::opentelemetry::trace::TraceContextExt as _;
use telemetry_runtime::propagation::{Extract, StrictW3cPropagator, TraceParent};

fuzz_target!(|data: &[u8]| {
    let mut nats_headers = async_nats::HeaderMap::new();
    let mut kafka_headers = OwnedHeaders::new();
    let mut traceparents = Vec::new();
    let mut nats_traceparents: Vec<String> = Vec::new();
    for line in data.split(|b| *b == b'\n') {
        let text = String::from_utf8_lossy(line);
        let Some((name, value)) = text.split_once(':') else {
            continue;
        };
        let value = value.trim_start();
        // Kafka header names reach librdkafka as C strings: a name is read back up to its
        // first NUL, so `traceparent\0x` is a `traceparent` header there.
        let kafka_name = name.split('\0').next().unwrap_or_default();
        if name.eq_ignore_ascii_case("traceparent")
            || kafka_name.eq_ignore_ascii_case("traceparent")
        {
            traceparents.push(value.to_owned());
        }
        if let (Ok(n), Ok(v)) = (
            name.parse::<async_nats::HeaderName>(),
            value.parse::<async_nats::HeaderValue>(),
        ) {
            // NATS header names are case-sensitive: only `traceparent` itself counts.
            if AsRef::<str>::as_ref(&n) == "traceparent" {
                nats_traceparents.push(v.as_str().to_owned());
            }
            nats_headers.append(n, v);
        }
        // Kafka header values are bytes: the raw line after the colon.
        let raw = &line[line
            .iter()
            .position(|b| *b == b':')
            .map_or(line.len(), |i| i + 1)..];
        kafka_headers = kafka_headers.insert(Header {
            key: name,
            value: Some(raw),
        });
    }
    let accepted =
        nats_traceparents.len() == 1 && TraceParent::parse(&nats_traceparents[0]).is_ok();
    let w3c = StrictW3cPropagator::new();
    let from_nats = w3c.extract_span_context(&Extract(&nats_headers));
    let from_kafka = kafka::extract(&kafka_headers);
    let _ = kafka::creation_context(&kafka_headers);
    if from_nats.as_ref().is_some_and(|s| s.is_valid()) {
        assert!(accepted, "a context only from one valid traceparent");
    }
    if from_kafka.span().span_context().is_valid() {
        assert!(!traceparents.is_empty());
    }
});
