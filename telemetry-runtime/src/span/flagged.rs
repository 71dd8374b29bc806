//! [`FlaggedSpan`]: the SDK span with the W3C Level 2 random-trace-id flag of its trace in
//! its span context ([`inherited_random`](crate::propagation::random_flag::inherited_random)), and [`mark_exported_root`] for exported roots.

use std::borrow::Cow;
use std::time::SystemTime;

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanContext, Status, TraceFlags};
use opentelemetry_sdk::trace::Span;
#[cfg(feature = "otlp")]
use opentelemetry_sdk::trace::SpanData;

use crate::propagation::random_flag::RANDOM;

/// An SDK span whose span context carries the random flag its trace has.
#[derive(Debug)]
pub(crate) struct FlaggedSpan {
    inner: Span,
    /// The span context with the corrected flags, when the SDK's differs.
    context: Option<SpanContext>,
}

impl FlaggedSpan {
    /// `inner`, started under a parent whose random bit is `random` (see
    /// [`inherited_random`](crate::propagation::random_flag::inherited_random)).
    #[inline]
    pub(crate) fn new(inner: Span, random: u8) -> Self {
        let context = corrected_context(&inner, random);
        FlaggedSpan { inner, context }
    }
}

/// `inner`'s span context with the random bit `random`, when the SDK's differs.
#[inline]
fn corrected_context(inner: &Span, random: u8) -> Option<SpanContext> {
    let own = inner.span_context();
    let flags = own.trace_flags().to_u8();
    (own.is_valid() && flags & RANDOM != random).then(|| {
        SpanContext::new(
            own.trace_id(),
            own.span_id(),
            TraceFlags::new((flags & !RANDOM) | random),
            own.is_remote(),
            own.trace_state().clone(),
        )
    })
}

impl opentelemetry::trace::Span for FlaggedSpan {
    #[inline]
    fn add_event_with_timestamp<T>(
        &mut self,
        name: T,
        timestamp: SystemTime,
        attributes: Vec<KeyValue>,
    ) where
        T: Into<Cow<'static, str>>,
    {
        self.inner
            .add_event_with_timestamp(name, timestamp, attributes)
    }

    #[inline]
    fn span_context(&self) -> &SpanContext {
        self.context
            .as_ref()
            .unwrap_or_else(|| self.inner.span_context())
    }

    #[inline]
    fn is_recording(&self) -> bool {
        self.inner.is_recording()
    }

    #[inline]
    fn set_attribute(&mut self, attribute: KeyValue) {
        self.inner.set_attribute(attribute)
    }

    #[inline]
    fn set_attributes(&mut self, attributes: impl IntoIterator<Item = KeyValue>) {
        self.inner.set_attributes(attributes)
    }

    #[inline]
    fn set_status(&mut self, status: Status) {
        self.inner.set_status(status)
    }

    #[inline]
    fn update_name<T>(&mut self, new_name: T)
    where
        T: Into<Cow<'static, str>>,
    {
        self.inner.update_name(new_name)
    }

    #[inline]
    fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
        self.inner.add_link(span_context, attributes)
    }

    #[inline]
    fn end_with_timestamp(&mut self, timestamp: SystemTime) {
        self.inner.end_with_timestamp(timestamp)
    }
}

/// An exported span that has no parent started a trace here, with a random trace id: its
/// exported flags carry the random bit (the SDK's copy of its context does not). Spans with a
/// parent already carry their parent's flags.
#[cfg(feature = "otlp")]
#[inline]
pub(crate) fn mark_exported_root(span: &mut SpanData) {
    let sc = &span.span_context;
    if span.parent_span_id == opentelemetry::trace::SpanId::INVALID
        && sc.is_valid()
        && sc.trace_flags().to_u8() & RANDOM == 0
    {
        span.span_context = SpanContext::new(
            sc.trace_id(),
            sc.span_id(),
            TraceFlags::new(sc.trace_flags().to_u8() | RANDOM),
            sc.is_remote(),
            sc.trace_state().clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::inheriting::InheritingTracer;
    use opentelemetry::Context;
    use opentelemetry::trace::TraceContextExt;
    use opentelemetry::trace::{SpanId, TraceId, TraceState, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::{InMemorySpanExporter, Sampler, SdkTracerProvider};

    fn make_tracer(sampler: Sampler) -> (InheritingTracer, InMemorySpanExporter) {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .with_sampler(sampler)
            .build();
        (InheritingTracer::new(provider.tracer("t")), exporter)
    }

    fn remote(flags: u8) -> Context {
        Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::new(flags),
            true,
            TraceState::NONE,
        ))
    }

    fn flags(span: &FlaggedSpan) -> u8 {
        span.span_context().trace_flags().to_u8()
    }

    #[test]
    fn a_root_is_random_and_its_children_inherit_the_flag() {
        #[cfg_attr(not(feature = "otlp"), allow(unused_variables))]
        let (tracer, exporter) = make_tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        let mut root = tracer.start_with_context("root", &Context::new());
        assert_eq!(flags(&root), 0x03);
        let cx = Context::new().with_remote_span_context(root.span_context().clone());
        let mut child = tracer.start_with_context("child", &cx);
        assert_eq!(flags(&child), 0x03);
        child.end();
        root.end();
        // Exported: the root gets the bit at export, the child has it from its parent.
        #[cfg(feature = "otlp")]
        for span in &mut exporter.get_finished_spans().unwrap() {
            mark_exported_root(span);
            assert_eq!(
                span.span_context.trace_flags().to_u8(),
                0x03,
                "{}",
                span.name
            );
        }
    }

    #[test]
    fn a_continued_trace_keeps_the_flag_as_it_came_sampled_or_dropped() {
        let (tracer, _) = make_tracer(Sampler::ParentBased(Box::new(Sampler::AlwaysOn)));
        for (incoming, expected) in [(0x01, 0x01), (0x03, 0x03), (0x00, 0x00), (0x02, 0x02)] {
            let span = tracer.start_with_context("s", &remote(incoming));
            assert_eq!(flags(&span), expected, "incoming {incoming:02x}");
            // And its child, whether or not the span was recorded.
            let cx = Context::new().with_remote_span_context(span.span_context().clone());
            let child = tracer.start_with_context("c", &cx);
            assert_eq!(flags(&child), expected, "child of incoming {incoming:02x}");
        }
        // A root the sampler drops is random too.
        let (dropping, _) = make_tracer(Sampler::AlwaysOff);
        assert_eq!(
            flags(&dropping.start_with_context("r", &Context::new())),
            0x02
        );
    }
}
