//! The contract model shared by the built-in table, `#[derive(SpanContract)]` and
//! `#[llm_span]`.

pub mod builtin;

use proc_macro2::Ident;

pub use telemetry_vocabulary::{Requirement, SPAN_KINDS, ValueKind as AttrType};

/// The names the generated code uses for a value kind other than content (content goes
/// through `ContentValue` and the capture policy instead).
pub trait Codegen {
    /// The runtime conversion in `span::value::to_value`; `None` for content.
    fn converter(self) -> Option<&'static str>;
    /// The runtime trait a value of this kind implements; `None` for content.
    fn value_trait(self) -> Option<&'static str>;
}

impl Codegen for AttrType {
    fn converter(self) -> Option<&'static str> {
        Some(match self {
            AttrType::Str => "string",
            AttrType::Int => "int",
            AttrType::Double => "double",
            AttrType::Bool => "boolean",
            AttrType::StrArray => "string_array",
            AttrType::Content => return None,
        })
    }

    fn value_trait(self) -> Option<&'static str> {
        Some(match self {
            AttrType::Str => "StrAttr",
            AttrType::Int => "IntAttr",
            AttrType::Double => "DoubleAttr",
            AttrType::Bool => "BoolAttr",
            AttrType::StrArray => "StrArrayAttr",
            AttrType::Content => return None,
        })
    }
}

/// The runtime's `span::Requirement` variant of a level.
pub fn runtime_variant(requirement: Requirement) -> &'static str {
    match requirement {
        Requirement::Required => "Required",
        Requirement::ConditionallyRequired => "ConditionallyRequired",
        Requirement::Recommended => "Recommended",
        Requirement::OptIn => "OptIn",
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

pub fn span_kind_variant(kind: &str) -> &'static str {
    match kind {
        "client" => "Client",
        "server" => "Server",
        "producer" => "Producer",
        "consumer" => "Consumer",
        _ => "Internal",
    }
}
