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
pub(crate) use crate::span::flagged::FlaggedSpan as EngineSpan;
#[cfg(feature = "sdk")]
pub(crate) use crate::span::inheriting::InheritingTracer as EngineTracer;

#[cfg(not(feature = "sdk"))]
pub(crate) use absent::{EngineSpan, EngineTracer};

#[cfg(not(feature = "sdk"))]
mod absent {
    use std::borrow::Cow;
    use std::time::SystemTime;

    use opentelemetry::trace::{SpanBuilder, SpanContext, Status, Tracer};
    use opentelemetry::{Context, KeyValue};

    /// The span of a build without the SDK: there is none (no tracer can be installed).
    #[derive(Debug)]
    pub(crate) enum EngineSpan {}

    /// The tracer of a build without the SDK: there is none.
    #[derive(Debug)]
    pub(crate) enum EngineTracer {}

    impl EngineTracer {
        /// As the SDK engine's `build_into`; never called, as no value exists.
        ///
        /// # Safety
        /// None needed: there is no value to call it on.
        #[inline]
        pub(crate) unsafe fn build_into(
            &self,
            _slot: *mut EngineSpan,
            _builder: SpanBuilder,
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
