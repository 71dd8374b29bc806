//! The contract model shared by the built-in table, `#[derive(SpanContract)]` and
//! `#[llm_span]`.

pub mod builtin;

use proc_macro2::Ident;

/// Semantic-conventions attribute types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrType {
    Str,
    Int,
    Double,
    Bool,
    StrArray,
    /// JSON content (`any` in the registry), recorded only with content capture on.
    Content,
}

impl AttrType {
    pub fn semconv(self) -> &'static str {
        match self {
            AttrType::Str => "string",
            AttrType::Int => "int",
            AttrType::Double => "double",
            AttrType::Bool => "boolean",
            AttrType::StrArray => "string[]",
            AttrType::Content => "any",
        }
    }

    /// A short description of the values it takes, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            AttrType::Str => "a string",
            AttrType::Int => "an integer",
            AttrType::Double => "a floating-point number",
            AttrType::Bool => "a boolean",
            AttrType::StrArray => "a list of strings",
            AttrType::Content => "message content",
        }
    }

    /// The runtime conversion in `span::value::to_value`.
    pub fn converter(self) -> &'static str {
        match self {
            AttrType::Str => "string",
            AttrType::Int => "int",
            AttrType::Double => "double",
            AttrType::Bool => "boolean",
            AttrType::StrArray => "string_array",
            AttrType::Content => "content",
        }
    }

    pub fn value_trait(self) -> &'static str {
        match self {
            AttrType::Str => "StrAttr",
            AttrType::Int => "IntAttr",
            AttrType::Double => "DoubleAttr",
            AttrType::Bool => "BoolAttr",
            AttrType::StrArray => "StrArrayAttr",
            AttrType::Content => "ContentValue",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirement {
    Required,
    ConditionallyRequired,
    Recommended,
    OptIn,
}

impl Requirement {
    pub fn runtime_variant(self) -> &'static str {
        match self {
            Requirement::Required => "Required",
            Requirement::ConditionallyRequired => "ConditionallyRequired",
            Requirement::Recommended => "Recommended",
            Requirement::OptIn => "OptIn",
        }
    }
}

/// One attribute of a contract.
#[derive(Clone, Debug)]
pub struct AttrSpec {
    /// Argument name in `#[llm_span]`, and the setter's name.
    pub arg: String,
    pub key: String,
    pub ty: AttrType,
    pub requirement: Requirement,
    /// Set from the contract itself, not by the user (e.g. `gen_ai.operation.name`).
    pub fixed: Option<String>,
}

impl AttrSpec {
    pub fn is_content(&self) -> bool {
        self.ty == AttrType::Content
    }
}

/// Aggregated step statistics keys.
#[derive(Clone, Debug)]
pub struct StepKeys {
    pub steps: String,
    pub mean_ms: String,
    pub max_ms: String,
}

/// Stream statistics keys.
#[derive(Clone, Debug)]
pub struct StreamKeys {
    pub time_to_first_chunk: String,
    pub chunks: String,
    pub output_tokens: String,
}

/// A whole contract.
#[derive(Clone, Debug)]
pub struct ContractSpec {
    /// The type implementing `Contract`.
    pub ident: Ident,
    /// `kind` as written in `#[llm_span(kind = ...)]`.
    pub kind: String,
    /// `client`, `server`, `internal`, `producer`, `consumer`.
    pub span_kind: String,
    /// Span name template, e.g. `chat {gen_ai.request.model}`.
    pub name: String,
    pub attrs: Vec<AttrSpec>,
    /// A trait the return value must implement, with a `record_outcome(&self, &SpanCore)`.
    pub returns: Option<syn::Path>,
    pub steps: Option<StepKeys>,
    pub stream: Option<StreamKeys>,
    pub doc: String,
}

pub const SPAN_KINDS: &[&str] = &["client", "server", "internal", "producer", "consumer"];

pub fn span_kind_variant(kind: &str) -> &'static str {
    match kind {
        "client" => "Client",
        "server" => "Server",
        "producer" => "Producer",
        "consumer" => "Consumer",
        _ => "Internal",
    }
}
