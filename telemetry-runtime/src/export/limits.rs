//! The span attribute value length limit, applied where a finished span enters each of the
//! toolkit's processors (the OTLP queue, the console, the JSON file), before it is held: a
//! span waiting for a collector that is down costs at most the limit per value. The count
//! limits are the SDK's (`SpanLimits`), which counts what they drop.

use opentelemetry::KeyValue;
use opentelemetry_sdk::trace::SpanData;

use crate::attribute_limits::{limit_value, span_value_length};

fn limit_all(attributes: &mut [KeyValue], max: usize) {
    for kv in attributes {
        limit_value(&mut kv.value, max);
    }
}

/// Cuts every attribute value of `span`, its events and its links to the configured length
/// (a no-op, one load, when none is configured).
#[inline]
pub(crate) fn limit_span(span: &mut SpanData) {
    let max = span_value_length();
    if max == usize::MAX {
        return;
    }
    limit_all(&mut span.attributes, max);
    for event in &mut span.events.events {
        limit_all(&mut event.attributes, max);
    }
    for link in &mut span.links.links {
        limit_all(&mut link.attributes, max);
    }
}
