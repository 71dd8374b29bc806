//! The [`Contract`] trait: what a span of one kind must look like.

use std::borrow::Cow;

use opentelemetry::KeyValue;
use opentelemetry::trace::SpanKind;

use super::core::{SpanCore, StepKeys, StreamKeys};

/// How strongly a contract asks for an attribute (semantic-conventions requirement levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Must be given to the macro: a missing one is a compile error.
    Required,
    /// Must be given when its condition holds (see the attribute's docs).
    ConditionallyRequired,
    /// Should be given.
    Recommended,
    /// Recorded only when the user opts in (content: only with content capture on).
    OptIn,
}

/// Where an attribute's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Fixed by the contract (e.g. `gen_ai.operation.name`).
    Fixed,
    /// A macro argument, or the handle while the body runs.
    Argument,
}

/// One attribute of a contract.
#[derive(Debug, Clone, Copy)]
pub struct AttributeSpec {
    /// The attribute key.
    pub key: &'static str,
    /// The semantic-conventions type: `string`, `int`, `double`, `boolean`, `string[]`.
    pub ty: &'static str,
    /// Requirement level.
    pub requirement: Requirement,
    /// Where the value comes from.
    pub source: Source,
}

/// A span contract: name rule, span kind and typed attributes. Implemented by
/// `#[derive(SpanContract)]` and by the built-in contracts; used by `#[llm_span]`.
pub trait Contract: 'static {
    /// The kind as written in `#[llm_span(kind = "...")]`, or the contract's own name.
    const KIND: &'static str;
    /// The OpenTelemetry span kind.
    const SPAN_KIND: SpanKind;
    /// Every attribute the contract defines.
    const ATTRIBUTES: &'static [AttributeSpec];
    /// Step statistics aggregated on the span, if the contract has them.
    const STEP_KEYS: Option<StepKeys> = None;
    /// Stream statistics recorded on the span, if the contract has them.
    const STREAM_KEYS: Option<StreamKeys> = None;

    /// The span name, from the attributes given at start.
    fn span_name(attributes: &[KeyValue]) -> Cow<'static, str>;
}

/// A reference to a function's return value (or its `Ok` value), handed to the contract's
/// outcome trait. A wrapper so that contracts declared in any crate can implement
/// [`RecordReturn`] for it.
#[derive(Debug)]
pub struct Returned<'a, R: ?Sized>(pub &'a R);

/// Records what a return value says about the span (usage tokens, finish reasons, ...).
pub trait RecordReturn<C: Contract> {
    /// Records the outcome on `span`.
    fn record_return(self, span: &SpanCore);
}
