//! [`InheritingTracer`]: the SDK tracer, with the process parent for spans that have none.

use opentelemetry::trace::{SpanBuilder, Tracer, TracerProvider};
use opentelemetry::{Context, InstrumentationScope};
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};

use crate::propagation::process_parent as inherited;
use crate::propagation::random_flag::inherited_random;
use crate::span::flagged::FlaggedSpan;

/// Starts spans with the SDK tracer; a span whose parent context has no valid span (and that
/// is not a SERVER or CONSUMER span) is started under the process parent (see the [`process` module documentation](crate::process)) when there is
/// one. Every span of the toolkit goes through it: the tracing-opentelemetry layer's and the
/// contract spans'. Its spans carry the W3C random-trace-id flag of their trace
/// ([`FlaggedSpan`]).
#[derive(Clone, Debug)]
pub(crate) struct InheritingTracer(SdkTracer);

impl InheritingTracer {
    pub(crate) fn new(tracer: SdkTracer) -> Self {
        InheritingTracer(tracer)
    }
}

impl Tracer for InheritingTracer {
    type Span = FlaggedSpan;

    #[inline]
    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> FlaggedSpan {
        let inherited = inherited::parent_for(parent_cx, builder.span_kind.as_ref());
        let parent = inherited.as_ref().unwrap_or(parent_cx);
        FlaggedSpan::new(
            self.0.build_with_context(builder, parent),
            inherited_random(parent),
        )
    }
}

/// The SDK provider whose tracers are [`InheritingTracer`]s: what `init()` installs as the
/// global tracer provider, so spans of other instrumentation (through
/// `opentelemetry::global::tracer`) also carry the random-trace-id flag and start under the
/// process parent.
#[derive(Clone, Debug)]
pub(crate) struct InheritingTracerProvider(SdkTracerProvider);

impl InheritingTracerProvider {
    pub(crate) fn new(provider: SdkTracerProvider) -> Self {
        InheritingTracerProvider(provider)
    }
}

impl TracerProvider for InheritingTracerProvider {
    type Tracer = InheritingTracer;

    fn tracer_with_scope(&self, scope: InstrumentationScope) -> InheritingTracer {
        InheritingTracer::new(self.0.tracer_with_scope(scope))
    }
}
