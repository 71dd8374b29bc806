//! The vocabulary the telemetry toolkit's two crates share, as data: `telemetry-macros`
//! generates and checks code from it, `telemetry-runtime` tests its contracts and the
//! semantic-conventions tables against it. No dependencies, no code generation.
//!
//! - [`ValueKind`]: the semantic-conventions type of an attribute, and which Rust types give
//!   one ([`ValueKind::of_rust_type`], [`INTEGER_TYPES`]);
//! - [`Requirement`]: a requirement level; [`SPAN_KINDS`]: the span kinds a contract names;
//! - [`template`]: the span-name template (`chat {gen_ai.request.model}`);
//! - [`builtin`]: the built-in contracts (GenAI operations and the LLM serving pipeline).

pub mod builtin;
pub mod template;

/// The semantic-conventions type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `string`.
    Str,
    /// `int`.
    Int,
    /// `double`.
    Double,
    /// `boolean`.
    Bool,
    /// `string[]`.
    StrArray,
    /// JSON content (`any` in the registry), recorded only with content capture on.
    Content,
}

/// The Rust integer types an `int` attribute takes (the runtime implements its `IntAttr` for
/// exactly these, which a test of the runtime checks).
pub const INTEGER_TYPES: &[&str] = &[
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize", "i128", "u128",
];

/// The Rust floating-point types a `double` attribute takes.
pub const FLOAT_TYPES: &[&str] = &["f32", "f64"];

impl ValueKind {
    /// The registry's name of the type.
    pub fn semconv(self) -> &'static str {
        match self {
            ValueKind::Str => "string",
            ValueKind::Int => "int",
            ValueKind::Double => "double",
            ValueKind::Bool => "boolean",
            ValueKind::StrArray => "string[]",
            ValueKind::Content => "any",
        }
    }

    /// A short description of the values it takes, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::Str => "a string",
            ValueKind::Int => "an integer",
            ValueKind::Double => "a floating-point number",
            ValueKind::Bool => "a boolean",
            ValueKind::StrArray => "a list of strings",
            ValueKind::Content => "message content",
        }
    }

    /// The kind of a scalar Rust type named by its last path segment (`String`, `u32`, ...);
    /// `None` for any other. `Vec<String>` is [`ValueKind::StrArray`], decided by the caller
    /// from the element.
    pub fn of_rust_type(name: &str) -> Option<ValueKind> {
        match name {
            "String" | "str" => Some(ValueKind::Str),
            "bool" => Some(ValueKind::Bool),
            _ if INTEGER_TYPES.contains(&name) => Some(ValueKind::Int),
            _ if FLOAT_TYPES.contains(&name) => Some(ValueKind::Double),
            _ => None,
        }
    }
}

/// A requirement level of the semantic conventions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// `required`.
    Required,
    /// `conditionally_required`.
    ConditionallyRequired,
    /// `recommended`.
    Recommended,
    /// `opt_in`.
    OptIn,
}

impl Requirement {
    /// The registry's name of the level.
    pub fn semconv(self) -> &'static str {
        match self {
            Requirement::Required => "required",
            Requirement::ConditionallyRequired => "conditionally_required",
            Requirement::Recommended => "recommended",
            Requirement::OptIn => "opt_in",
        }
    }
}

/// The span kinds a contract may name, lower case as written in `span_kind = "..."`.
pub const SPAN_KINDS: &[&str] = &["client", "server", "internal", "producer", "consumer"];

/// The keys of a decode contract's step statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepKeys {
    /// The number of steps.
    pub steps: &'static str,
    /// The mean step duration, in milliseconds.
    pub mean_ms: &'static str,
    /// The longest step, in milliseconds.
    pub max_ms: &'static str,
}

/// The step statistics keys of the built-in decode contract.
pub const STEP_KEYS: StepKeys = StepKeys {
    steps: "llm.decode.steps",
    mean_ms: "llm.decode.mean_step_ms",
    max_ms: "llm.decode.max_step_ms",
};

/// The keys of a streaming contract's stream statistics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamKeys {
    /// Seconds from the request to the first chunk.
    pub time_to_first_chunk: &'static str,
    /// The number of chunks.
    pub chunks: &'static str,
    /// The output tokens, when the stream reports usage.
    pub output_tokens: &'static str,
}

/// The stream statistics keys of the built-in inference contracts.
pub const STREAM_KEYS: StreamKeys = StreamKeys {
    time_to_first_chunk: "gen_ai.response.time_to_first_chunk",
    chunks: "llm.response.chunks",
    output_tokens: "gen_ai.usage.output_tokens",
};

#[cfg(test)]
mod tests {
    use super::ValueKind;

    #[test]
    fn rust_types() {
        assert_eq!(ValueKind::of_rust_type("u128"), Some(ValueKind::Int));
        assert_eq!(ValueKind::of_rust_type("isize"), Some(ValueKind::Int));
        assert_eq!(ValueKind::of_rust_type("f32"), Some(ValueKind::Double));
        assert_eq!(ValueKind::of_rust_type("str"), Some(ValueKind::Str));
        assert_eq!(ValueKind::of_rust_type("Duration"), None);
    }
}
