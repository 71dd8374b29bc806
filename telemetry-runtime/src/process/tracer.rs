//! [`InheritingTracer`]: the SDK tracer, with the process parent for spans that have none.

use opentelemetry::Context;
use opentelemetry::trace::{SpanBuilder, Tracer};
use opentelemetry_sdk::trace::{SdkTracer, Span};

use super::inherited;

/// Starts spans with the SDK tracer; a span whose parent context has no valid span (and that
/// is not a SERVER or CONSUMER span) is started under the process parent (see the [module documentation](super)) when there is
/// one. Every span of the toolkit goes through it: the tracing-opentelemetry layer's and the
/// contract spans'.
#[derive(Clone, Debug)]
pub(crate) struct InheritingTracer(SdkTracer);

impl InheritingTracer {
    pub(crate) fn new(tracer: SdkTracer) -> Self {
        InheritingTracer(tracer)
    }
}

impl Tracer for InheritingTracer {
    type Span = Span;

    #[inline]
    fn build_with_context(&self, builder: SpanBuilder, parent_cx: &Context) -> Span {
        match inherited::parent_for(parent_cx, builder.span_kind.as_ref()) {
            None => self.0.build_with_context(builder, parent_cx),
            Some(parent) => self.0.build_with_context(builder, &parent),
        }
    }
}
