//! [`DirectSpan`]: a contract span recorded into its thread's buffer when it ends.

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanContext, SpanId, SpanKind, Status};
use opentelemetry_sdk::trace::{SpanEvents, SpanLimits, SpanLinks};

use super::buffer;
use super::clock::Timestamp;

/// What a recording span holds until it ends: the fields of the SDK's `SpanData`, with the
/// start time as a TSC reading (turned into wall time on the collector thread).
#[derive(Debug)]
pub(crate) struct Recording {
    pub(crate) parent_span_id: SpanId,
    pub(crate) parent_span_is_remote: bool,
    pub(crate) span_kind: SpanKind,
    pub(crate) name: Cow<'static, str>,
    pub(crate) start: Timestamp,
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) dropped_attributes_count: u32,
    /// Events and links, boxed when the span has any: most have none, and the record moves
    /// twice (into the span's slot, into the buffer).
    pub(crate) extras: Option<Box<Extras>>,
    pub(crate) status: Status,
    /// The count limits, as the SDK span applies them to what is added while it runs.
    pub(crate) limits: &'static SpanLimits,
}

/// A span's events and links.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    pub(crate) events: SpanEvents,
    pub(crate) links: SpanLinks,
}

impl Recording {
    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_default()
    }
}

/// A span of the direct engine: its context, and while it records and has not ended, its data
/// (inline, not boxed: no allocation per span).
#[derive(Debug)]
pub(crate) struct DirectSpan {
    pub(crate) context: SpanContext,
    pub(crate) data: Option<Recording>,
}

impl DirectSpan {
    /// A span that records nothing (dropped by the sampler, telemetry suppressed, or the
    /// pipeline shut down), with `context` for what runs under it.
    pub(crate) fn not_recording(context: SpanContext) -> Self {
        DirectSpan {
            context,
            data: None,
        }
    }

    #[inline]
    fn finish(&mut self, end: Timestamp) {
        if self.data.is_some() {
            buffer::record(&self.context, &mut self.data, end);
        }
    }
}

impl opentelemetry::trace::Span for DirectSpan {
    fn add_event_with_timestamp<T>(
        &mut self,
        name: T,
        timestamp: SystemTime,
        mut attributes: Vec<KeyValue>,
    ) where
        T: Into<Cow<'static, str>>,
    {
        let Some(data) = self.data.as_mut() else {
            return;
        };
        let dropped = cut(&mut attributes, data.limits.max_attributes_per_event);
        let max = data.limits.max_events_per_span;
        let events = &mut data.extras().events;
        push_limited(&mut events.events, &mut events.dropped_count, max, || {
            opentelemetry::trace::Event::new(name, timestamp, attributes, dropped)
        });
    }

    #[inline]
    fn span_context(&self) -> &SpanContext {
        &self.context
    }

    #[inline]
    fn is_recording(&self) -> bool {
        self.data.is_some()
    }

    fn set_attribute(&mut self, attribute: KeyValue) {
        let Some(data) = self.data.as_mut() else {
            return;
        };
        if data.attributes.len() < data.limits.max_attributes_per_span as usize {
            data.attributes.push(attribute);
        } else {
            data.dropped_attributes_count = data.dropped_attributes_count.saturating_add(1);
        }
    }

    fn set_status(&mut self, status: Status) {
        let Some(data) = self.data.as_mut() else {
            return;
        };
        // As the SDK span: `Ok` is final, and `Unset` changes nothing.
        if status > data.status {
            data.status = status;
        }
    }

    fn update_name<T>(&mut self, new_name: T)
    where
        T: Into<Cow<'static, str>>,
    {
        if let Some(data) = self.data.as_mut() {
            data.name = new_name.into();
        }
    }

    fn add_link(&mut self, span_context: SpanContext, mut attributes: Vec<KeyValue>) {
        let Some(data) = self.data.as_mut() else {
            return;
        };
        let dropped = cut(&mut attributes, data.limits.max_attributes_per_link);
        let max = data.limits.max_links_per_span;
        let links = &mut data.extras().links;
        push_limited(&mut links.links, &mut links.dropped_count, max, || {
            opentelemetry::trace::Link::new(span_context, attributes, dropped)
        });
    }

    #[inline]
    fn end(&mut self) {
        if self.data.is_some() {
            self.finish(Timestamp::now());
        }
    }

    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        self.finish(Timestamp::Wall(timestamp));
    }
}

/// `attributes` cut to `max`; how many it lost.
#[inline]
pub(super) fn cut(attributes: &mut Vec<KeyValue>, max: u32) -> u32 {
    let dropped = attributes.len().saturating_sub(max as usize);
    attributes.truncate(max as usize);
    u32::try_from(dropped).unwrap_or(u32::MAX)
}

/// Adds what `item` makes (an event, a link) to `items`, or counts it in `dropped` when `max`
/// are there already (as the SDK span does).
fn push_limited<T>(items: &mut Vec<T>, dropped: &mut u32, max: u32, item: impl FnOnce() -> T) {
    if items.len() < max as usize {
        items.push(item());
    } else {
        *dropped = dropped.saturating_add(1);
    }
}

impl Drop for DirectSpan {
    /// Ended on drop, as the SDK span is.
    fn drop(&mut self) {
        opentelemetry::trace::Span::end(self);
    }
}
