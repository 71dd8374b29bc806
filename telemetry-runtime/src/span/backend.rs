//! What the span engine records with: the OpenTelemetry SDK's span and tracer (feature
//! `sdk`, on by default and by every exporter feature), or, in a library built without the
//! SDK, types with no values.
//!
//! A library that only instruments depends on the runtime with `default-features = false`:
//! its `#[llm_span]` functions, `CommonAttributes` and propagation helpers compile against
//! the OpenTelemetry API alone, and no tracer can be installed, so every span is the disabled
//! one (a branch). The application that installs the runtime enables `sdk`; Cargo builds the
//! one runtime with the features of both, and the library's spans are recorded.

#[cfg(feature = "sdk")]
pub(crate) use recording::{EngineSpan, EngineTracer};

#[cfg(not(feature = "sdk"))]
pub(crate) use absent::{EngineSpan, EngineTracer};

#[cfg(feature = "sdk")]
mod recording {
    use std::borrow::Cow;
    use std::time::SystemTime;

    use opentelemetry::trace::{Span, SpanBuilder, SpanContext, SpanKind, Status, Tracer};
    use opentelemetry::{Context, KeyValue};

    use crate::span::attribute_parts::AttributeParts;
    use crate::span::direct::{DirectSpan, DirectTracer};
    use crate::span::flagged::FlaggedSpan;
    use crate::span::inheriting::InheritingTracer;

    /// The tracer contract spans start with: the direct engine `init()` installs, or the SDK
    /// tracer given to [`install_tracer`](crate::span::install_tracer).
    #[derive(Debug)]
    pub(crate) enum EngineTracer {
        /// Through the SDK tracer and its provider's processors.
        Sdk(InheritingTracer),
        /// Recorded into per-thread buffers, exported by the collector thread.
        Direct(DirectTracer),
    }

    /// A span of either engine. `repr(u8)`, so that a directly recorded span can be written
    /// into its slot in place ([`EngineTracer::start_into`]).
    #[derive(Debug)]
    #[repr(u8)]
    pub(crate) enum EngineSpan {
        /// An SDK span.
        Sdk(FlaggedSpan) = 0,
        /// A directly recorded span.
        Direct(DirectSpan) = DIRECT_TAG,
    }

    const DIRECT_TAG: u8 = 1;

    /// The layout of `EngineSpan::Direct`.
    #[repr(C)]
    struct DirectSlot {
        tag: u8,
        span: DirectSpan,
    }

    const _: () = assert!(
        std::mem::size_of::<DirectSlot>() <= std::mem::size_of::<EngineSpan>()
            && std::mem::align_of::<DirectSlot>() <= std::mem::align_of::<EngineSpan>()
    );

    impl EngineTracer {
        /// A span named `name` of kind `span_kind` with `attributes` at start, under `parent`,
        /// written into `slot` in place: what a contract span starts with (no links, events or
        /// start time), so the direct engine needs no `SpanBuilder`.
        ///
        /// # Safety
        /// `slot` is valid for writes and aligned, and is overwritten without being dropped.
        #[inline]
        pub(crate) unsafe fn start_into(
            &self,
            slot: *mut EngineSpan,
            name: Cow<'static, str>,
            span_kind: SpanKind,
            attributes: AttributeParts,
            parent: &Context,
        ) {
            match self {
                EngineTracer::Sdk(tracer) => {
                    let builder = SpanBuilder {
                        name,
                        span_kind: Some(span_kind),
                        attributes: Some(attributes.into_vec()),
                        ..SpanBuilder::default()
                    };
                    let span = EngineSpan::Sdk(tracer.build_with_context(builder, parent));
                    // SAFETY: the caller's contract.
                    unsafe { slot.write(span) }
                }
                EngineTracer::Direct(tracer) => {
                    let slot = slot.cast::<DirectSlot>();
                    // SAFETY: `EngineSpan` is `repr(u8)`: its `Direct` value is laid out as
                    // `DirectSlot` (the reference's primitive representation of enums with
                    // fields), and the slot is the caller's to write.
                    unsafe {
                        std::ptr::addr_of_mut!((*slot).tag).write(DIRECT_TAG);
                        tracer.start_into(
                            std::ptr::addr_of_mut!((*slot).span),
                            name,
                            span_kind,
                            attributes,
                            parent,
                        );
                    }
                }
            }
        }
    }

    impl Tracer for EngineTracer {
        type Span = EngineSpan;

        #[inline]
        fn build_with_context(&self, builder: SpanBuilder, parent: &Context) -> EngineSpan {
            match self {
                EngineTracer::Sdk(tracer) => {
                    EngineSpan::Sdk(tracer.build_with_context(builder, parent))
                }
                EngineTracer::Direct(tracer) => EngineSpan::Direct(tracer.build(builder, parent)),
            }
        }
    }

    macro_rules! each {
        ($self:ident, $span:ident => $e:expr) => {
            match $self {
                EngineSpan::Sdk($span) => $e,
                EngineSpan::Direct($span) => $e,
            }
        };
    }

    impl Span for EngineSpan {
        #[inline]
        fn add_event_with_timestamp<T>(
            &mut self,
            name: T,
            timestamp: SystemTime,
            attributes: Vec<KeyValue>,
        ) where
            T: Into<Cow<'static, str>>,
        {
            each!(self, span => span.add_event_with_timestamp(name, timestamp, attributes))
        }

        #[inline]
        fn span_context(&self) -> &SpanContext {
            each!(self, span => span.span_context())
        }

        #[inline]
        fn is_recording(&self) -> bool {
            each!(self, span => span.is_recording())
        }

        #[inline]
        fn set_attribute(&mut self, attribute: KeyValue) {
            each!(self, span => span.set_attribute(attribute))
        }

        #[inline]
        fn set_status(&mut self, status: Status) {
            each!(self, span => span.set_status(status))
        }

        #[inline]
        fn update_name<T>(&mut self, new_name: T)
        where
            T: Into<Cow<'static, str>>,
        {
            each!(self, span => span.update_name(new_name))
        }

        #[inline]
        fn add_link(&mut self, span_context: SpanContext, attributes: Vec<KeyValue>) {
            each!(self, span => span.add_link(span_context, attributes))
        }

        #[inline]
        fn end(&mut self) {
            each!(self, span => span.end())
        }

        #[inline]
        fn end_with_timestamp(&mut self, timestamp: SystemTime) {
            each!(self, span => span.end_with_timestamp(timestamp))
        }
    }
}

#[cfg(not(feature = "sdk"))]
mod absent {
    use std::borrow::Cow;
    use std::time::SystemTime;

    use opentelemetry::trace::{SpanBuilder, SpanContext, SpanKind, Status, Tracer};
    use opentelemetry::{Context, KeyValue};

    /// The span of a build without the SDK: there is none (no tracer can be installed).
    #[derive(Debug)]
    pub(crate) enum EngineSpan {}

    /// The tracer of a build without the SDK: there is none.
    #[derive(Debug)]
    pub(crate) enum EngineTracer {}

    impl EngineTracer {
        /// As the SDK engine's `start_into`; never called, as no value exists.
        ///
        /// # Safety
        /// None needed: there is no value to call it on.
        #[inline]
        pub(crate) unsafe fn start_into(
            &self,
            _slot: *mut EngineSpan,
            _name: Cow<'static, str>,
            _span_kind: SpanKind,
            _attributes: crate::span::attribute_parts::AttributeParts,
            _parent: &Context,
        ) {
            match *self {}
        }
    }

    impl Tracer for EngineTracer {
        type Span = EngineSpan;

        fn build_with_context(&self, _builder: SpanBuilder, _parent: &Context) -> EngineSpan {
            match *self {}
        }
    }

    impl opentelemetry::trace::Span for EngineSpan {
        fn add_event_with_timestamp<T>(&mut self, _: T, _: SystemTime, _: Vec<KeyValue>)
        where
            T: Into<Cow<'static, str>>,
        {
            match *self {}
        }

        fn span_context(&self) -> &SpanContext {
            match *self {}
        }

        fn is_recording(&self) -> bool {
            match *self {}
        }

        fn set_attribute(&mut self, _: KeyValue) {
            match *self {}
        }

        fn set_status(&mut self, _: Status) {
            match *self {}
        }

        fn update_name<T>(&mut self, _: T)
        where
            T: Into<Cow<'static, str>>,
        {
            match *self {}
        }

        fn add_link(&mut self, _: SpanContext, _: Vec<KeyValue>) {
            match *self {}
        }

        fn end_with_timestamp(&mut self, _: SystemTime) {
            match *self {}
        }
    }
}
