//! [`DirectTracer`]: starts contract spans the way the SDK tracer does, without it.

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::Context;
use opentelemetry::trace::{Link, SpanBuilder, SpanContext, SpanKind, TraceContextExt, TraceFlags};
use opentelemetry_sdk::trace::{
    IdGenerator, RandomIdGenerator, Sampler, SamplingDecision, ShouldSample, SpanLimits,
};

use super::clock::Timestamp;
use super::span::{DirectSpan, Extras, Recording};
use crate::propagation::process_parent;
use crate::propagation::random_flag::{RANDOM, inherited_random};
use crate::span::attribute_parts::AttributeParts;

/// The configured sampler and span limits, and the SDK's random id generator: what the SDK
/// tracer would start a span with.
#[derive(Debug)]
pub(crate) struct DirectTracer {
    sampler: Sampler,
    ids: RandomIdGenerator,
    /// Leaked once per installed tracer (a few bytes): each record holds a pointer to it.
    limits: &'static SpanLimits,
}

impl DirectTracer {
    pub(crate) fn new(sampler: Sampler, limits: SpanLimits) -> Self {
        DirectTracer {
            sampler,
            ids: RandomIdGenerator::default(),
            limits: Box::leak(Box::new(limits)),
        }
    }

    /// Starts a span as `SdkTracer::build_with_context` does (the same sampler call, ids,
    /// flags and limits), under the process parent when `parent_cx` has no span (as
    /// [`InheritingTracer`](crate::span::inheriting::InheritingTracer)), with the W3C random
    /// flag of its trace: the contract spans' path, which has no links, events or start time,
    /// so no `SpanBuilder` is built and taken apart.
    ///
    /// The span is written into `slot`, once, where it stays: built and then moved there, its
    /// ~300 bytes were copied once more per span.
    ///
    /// # Safety
    /// `slot` is valid for writes and aligned, and is overwritten without being dropped.
    #[inline]
    pub(crate) unsafe fn start_into(
        &self,
        slot: *mut DirectSpan,
        name: Cow<'static, str>,
        span_kind: SpanKind,
        attributes: AttributeParts,
        parent_cx: &Context,
    ) {
        // SAFETY: the caller's contract.
        unsafe { self.begin_into(slot, name, span_kind, attributes, &[], None, parent_cx) }
    }

    /// [`start`](Self::start) from a whole `builder`: its links and events cut to the limits
    /// as the SDK tracer cuts them, and its start time.
    pub(crate) fn build(&self, builder: SpanBuilder, parent_cx: &Context) -> DirectSpan {
        let SpanBuilder {
            name,
            span_kind,
            attributes,
            events,
            links,
            start_time,
            ..
        } = builder;
        let links = links.unwrap_or_default();
        let mut span = std::mem::MaybeUninit::<DirectSpan>::uninit();
        // SAFETY: `span` is written by `begin_into`, then read once.
        let mut span = unsafe {
            self.begin_into(
                span.as_mut_ptr(),
                name,
                span_kind.unwrap_or(SpanKind::Internal),
                AttributeParts::from_vec(attributes.unwrap_or_default()),
                &links,
                start_time,
                parent_cx,
            );
            span.assume_init()
        };
        if let Some(data) = span.data.as_mut() {
            let limits = self.limits;
            let mut extras = Extras::default();
            (extras.links.links, extras.links.dropped_count) = limited(
                links,
                limits.max_links_per_span,
                limits.max_attributes_per_link,
                |link| (&mut link.attributes, &mut link.dropped_attributes_count),
            );
            (extras.events.events, extras.events.dropped_count) = limited(
                events.unwrap_or_default(),
                limits.max_events_per_span,
                limits.max_attributes_per_event,
                |event| (&mut event.attributes, &mut event.dropped_attributes_count),
            );
            if !(extras.links.is_empty() && extras.events.is_empty()) {
                data.extras = Some(Box::new(extras));
            }
        }
        span
    }

    /// # Safety
    /// As [`start_into`](Self::start_into).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn begin_into(
        &self,
        slot: *mut DirectSpan,
        name: Cow<'static, str>,
        span_kind: SpanKind,
        mut attributes: AttributeParts,
        links: &[Link],
        start_time: Option<SystemTime>,
        parent_cx: &Context,
    ) {
        if parent_cx.is_telemetry_suppressed() || super::pipeline::is_shut_down() {
            // SAFETY: the caller's contract (as for each `write` below).
            unsafe { slot.write(DirectSpan::not_recording(SpanContext::empty_context())) };
            return;
        }
        let inherited = process_parent::parent_for(parent_cx, Some(&span_kind));
        let parent_cx = inherited.as_ref().unwrap_or(parent_cx);
        let random = inherited_random(parent_cx);
        let span_id = self.ids.new_span_id();
        let parent = parent_cx.span();
        let psc = parent.span_context();
        let empty = SpanContext::empty_context();
        let (trace_id, psc) = if psc.is_valid() {
            (psc.trace_id(), psc)
        } else {
            (self.ids.new_trace_id(), &empty)
        };
        let result = self.sampler.should_sample(
            Some(parent_cx),
            trace_id,
            &name,
            &span_kind,
            attributes.as_slice(),
            links,
        );
        let inherited_flags = psc.trace_flags().to_u8() & !(RANDOM | TraceFlags::SAMPLED.to_u8());
        let sampled = match result.decision {
            SamplingDecision::Drop => {
                let context = SpanContext::new(
                    trace_id,
                    span_id,
                    TraceFlags::new(random),
                    false,
                    result.trace_state,
                );
                // SAFETY: the caller's contract.
                unsafe { slot.write(DirectSpan::not_recording(context)) };
                return;
            }
            SamplingDecision::RecordOnly => 0,
            SamplingDecision::RecordAndSample => TraceFlags::SAMPLED.to_u8(),
        };
        let flags = TraceFlags::new(inherited_flags | random | sampled);
        let context = SpanContext::new(trace_id, span_id, flags, false, result.trace_state);
        let limits = self.limits;
        // Samplers rarely add attributes: their empty vector is then dropped, not iterated.
        if !result.attributes.is_empty() {
            attributes = attributes.edit(|a| a.extend(result.attributes));
        }
        let mut dropped_attributes_count = 0;
        if attributes.len() > limits.max_attributes_per_span as usize {
            attributes = attributes.edit(|a| {
                dropped_attributes_count = super::span::cut(a, limits.max_attributes_per_span);
            });
        }
        let span = DirectSpan {
            context,
            data: Some(Recording {
                parent_span_id: psc.span_id(),
                parent_span_is_remote: psc.is_valid() && psc.is_remote(),
                span_kind,
                name,
                start: start_time.map_or_else(Timestamp::now, Timestamp::Wall),
                attributes: attributes.into_vec(),
                dropped_attributes_count,
                extras: None,
                status: opentelemetry::trace::Status::Unset,
                limits,
            }),
        };
        // SAFETY: the caller's contract.
        unsafe { slot.write(span) }
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `items` (events or links given at start) cut to `max`, each one's attributes cut to
/// `max_attributes` with the count it lost, as the SDK tracer does; and how many were cut.
fn limited<T>(
    mut items: Vec<T>,
    max: u32,
    max_attributes: u32,
    parts: impl Fn(&mut T) -> (&mut Vec<opentelemetry::KeyValue>, &mut u32),
) -> (Vec<T>, u32) {
    let dropped = count(items.len().saturating_sub(max as usize));
    items.truncate(max as usize);
    for item in &mut items {
        let (attributes, dropped) = parts(item);
        *dropped = super::span::cut(attributes, max_attributes);
    }
    (items, dropped)
}
