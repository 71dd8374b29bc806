//! The built-in contracts: OpenTelemetry GenAI semantic conventions v1.41.0 operations and
//! the LLM serving pipeline. The single source of truth: the runtime's contract types are
//! generated from this table, `#[llm_span]` validates against it, and the runtime's tests check
//! it against the semantic-conventions tables.

use crate::{Requirement, ValueKind};
use Requirement::*;
use ValueKind::*;

/// One attribute of a group: argument name, key, kind, requirement level.
pub type A = (&'static str, &'static str, ValueKind, Requirement);

const SERVER: &[A] = &[
    ("server_address", "server.address", Str, Recommended),
    ("server_port", "server.port", Int, ConditionallyRequired),
];

const INFERENCE: &[A] = &[
    ("provider", "gen_ai.provider.name", Str, Required),
    ("model", "gen_ai.request.model", Str, Required),
    ("max_tokens", "gen_ai.request.max_tokens", Int, Recommended),
    (
        "choice_count",
        "gen_ai.request.choice.count",
        Int,
        ConditionallyRequired,
    ),
    (
        "temperature",
        "gen_ai.request.temperature",
        Double,
        Recommended,
    ),
    ("top_p", "gen_ai.request.top_p", Double, Recommended),
    ("top_k", "gen_ai.request.top_k", Double, Recommended),
    (
        "stop_sequences",
        "gen_ai.request.stop_sequences",
        StrArray,
        Recommended,
    ),
    (
        "frequency_penalty",
        "gen_ai.request.frequency_penalty",
        Double,
        Recommended,
    ),
    (
        "presence_penalty",
        "gen_ai.request.presence_penalty",
        Double,
        Recommended,
    ),
    ("seed", "gen_ai.request.seed", Int, ConditionallyRequired),
    (
        "stream",
        "gen_ai.request.stream",
        Bool,
        ConditionallyRequired,
    ),
    (
        "output_type",
        "gen_ai.output.type",
        Str,
        ConditionallyRequired,
    ),
    (
        "conversation_id",
        "gen_ai.conversation.id",
        Str,
        ConditionallyRequired,
    ),
    ("response_id", "gen_ai.response.id", Str, Recommended),
    ("response_model", "gen_ai.response.model", Str, Recommended),
    (
        "finish_reasons",
        "gen_ai.response.finish_reasons",
        StrArray,
        Recommended,
    ),
    (
        "input_tokens",
        "gen_ai.usage.input_tokens",
        Int,
        Recommended,
    ),
    (
        "cache_read_input_tokens",
        "gen_ai.usage.cache_read.input_tokens",
        Int,
        Recommended,
    ),
    (
        "cache_creation_input_tokens",
        "gen_ai.usage.cache_creation.input_tokens",
        Int,
        Recommended,
    ),
    (
        "output_tokens",
        "gen_ai.usage.output_tokens",
        Int,
        Recommended,
    ),
    (
        "reasoning_output_tokens",
        "gen_ai.usage.reasoning.output_tokens",
        Int,
        Recommended,
    ),
    (
        "system_instructions",
        "gen_ai.system_instructions",
        Content,
        OptIn,
    ),
    ("input_messages", "gen_ai.input.messages", Content, OptIn),
    ("output_messages", "gen_ai.output.messages", Content, OptIn),
    (
        "tool_definitions",
        "gen_ai.tool.definitions",
        Content,
        OptIn,
    ),
];

const EMBEDDINGS: &[A] = &[
    ("provider", "gen_ai.provider.name", Str, Required),
    ("model", "gen_ai.request.model", Str, Required),
    (
        "encoding_formats",
        "gen_ai.request.encoding_formats",
        StrArray,
        Recommended,
    ),
    (
        "input_tokens",
        "gen_ai.usage.input_tokens",
        Int,
        Recommended,
    ),
    (
        "dimension_count",
        "gen_ai.embeddings.dimension.count",
        Int,
        Recommended,
    ),
    ("response_model", "gen_ai.response.model", Str, Recommended),
];

const RETRIEVAL: &[A] = &[
    (
        "data_source_id",
        "gen_ai.data_source.id",
        Str,
        ConditionallyRequired,
    ),
    (
        "provider",
        "gen_ai.provider.name",
        Str,
        ConditionallyRequired,
    ),
    ("model", "gen_ai.request.model", Str, ConditionallyRequired),
    ("top_k", "gen_ai.request.top_k", Double, Recommended),
    ("query_text", "gen_ai.retrieval.query.text", Content, OptIn),
    ("documents", "gen_ai.retrieval.documents", Content, OptIn),
];

const EXECUTE_TOOL: &[A] = &[
    ("tool_name", "gen_ai.tool.name", Str, Required),
    ("tool_call_id", "gen_ai.tool.call.id", Str, Recommended),
    (
        "tool_description",
        "gen_ai.tool.description",
        Str,
        Recommended,
    ),
    ("tool_type", "gen_ai.tool.type", Str, Recommended),
    ("arguments", "gen_ai.tool.call.arguments", Content, OptIn),
    ("result", "gen_ai.tool.call.result", Content, OptIn),
];

const AGENT: &[A] = &[
    ("provider", "gen_ai.provider.name", Str, Required),
    (
        "agent_name",
        "gen_ai.agent.name",
        Str,
        ConditionallyRequired,
    ),
    ("agent_id", "gen_ai.agent.id", Str, ConditionallyRequired),
    (
        "agent_description",
        "gen_ai.agent.description",
        Str,
        ConditionallyRequired,
    ),
    (
        "agent_version",
        "gen_ai.agent.version",
        Str,
        ConditionallyRequired,
    ),
    ("model", "gen_ai.request.model", Str, ConditionallyRequired),
];

const INVOKE_AGENT: &[A] = &[
    (
        "conversation_id",
        "gen_ai.conversation.id",
        Str,
        ConditionallyRequired,
    ),
    (
        "data_source_id",
        "gen_ai.data_source.id",
        Str,
        ConditionallyRequired,
    ),
    ("max_tokens", "gen_ai.request.max_tokens", Int, Recommended),
    (
        "temperature",
        "gen_ai.request.temperature",
        Double,
        Recommended,
    ),
    (
        "finish_reasons",
        "gen_ai.response.finish_reasons",
        StrArray,
        Recommended,
    ),
    (
        "input_tokens",
        "gen_ai.usage.input_tokens",
        Int,
        Recommended,
    ),
    (
        "output_tokens",
        "gen_ai.usage.output_tokens",
        Int,
        Recommended,
    ),
    (
        "system_instructions",
        "gen_ai.system_instructions",
        Content,
        OptIn,
    ),
    ("input_messages", "gen_ai.input.messages", Content, OptIn),
    ("output_messages", "gen_ai.output.messages", Content, OptIn),
];

const CREATE_AGENT: &[A] = &[(
    "system_instructions",
    "gen_ai.system_instructions",
    Content,
    OptIn,
)];

const HTTP_HANDLER: &[A] = &[
    ("method", "http.request.method", Str, Required),
    ("route", "http.route", Str, Required),
    ("status_code", "http.response.status_code", Int, Recommended),
    ("model", "llm.model", Str, Recommended),
    ("request_id", "llm.request.id", Str, Recommended),
];
const TOKENIZE: &[A] = &[
    ("tokens_in", "llm.tokens.in", Int, Recommended),
    ("tokenizer", "tokenizer.name", Str, Recommended),
];
const RAG_RETRIEVE: &[A] = &[
    ("index", "rag.index.name", Str, Required),
    ("docs_retrieved", "rag.docs.retrieved", Int, Recommended),
    ("docs_reranked", "rag.docs.reranked", Int, Recommended),
];
const EMBED_QUERY: &[A] = &[
    ("model", "embed.model", Str, Recommended),
    ("tokens_in", "llm.tokens.in", Int, Recommended),
    ("dimensions", "embed.dimensions", Int, Recommended),
];
const VECTOR_SEARCH: &[A] = &[
    ("index", "rag.index.name", Str, Required),
    ("top_k", "vector.top_k", Int, Recommended),
    ("results", "vector.results", Int, Recommended),
];
const RERANK: &[A] = &[
    ("model", "rerank.model", Str, Recommended),
    ("docs_in", "rerank.docs.in", Int, Recommended),
    ("docs_out", "rerank.docs.out", Int, Recommended),
];
const PREFILL: &[A] = &[
    ("tokens_in", "llm.tokens.in", Int, Recommended),
    ("cache_hits", "llm.cache.hits", Int, Recommended),
    ("cache_misses", "llm.cache.misses", Int, Recommended),
];
const DECODE: &[A] = &[
    ("tokens_out", "llm.tokens.out", Int, Recommended),
    ("stop_reason", "llm.stop_reason", Str, Recommended),
];
const FORMAT: &[A] = &[
    ("tokens_out", "llm.tokens.out", Int, Recommended),
    ("format", "output.format", Str, Recommended),
];

/// One built-in contract.
pub struct Builtin {
    /// `kind` as written in `#[llm_span(kind = ...)]`.
    pub kind: &'static str,
    /// Other names `kind = ...` accepts for it.
    pub aliases: &'static [&'static str],
    /// The name of its type in `telemetry_runtime::contracts`.
    pub ident: &'static str,
    /// Its span kind, one of [`SPAN_KINDS`](crate::SPAN_KINDS).
    pub span_kind: &'static str,
    /// The span-name template.
    pub name: &'static str,
    /// The fixed `gen_ai.operation.name`, for a GenAI operation.
    pub operation: Option<&'static str>,
    /// Its attribute groups, in order; an argument in two groups counts once.
    pub groups: &'static [&'static [A]],
    /// The trait of `telemetry_runtime::genai` the return value implements.
    pub returns: Option<&'static str>,
    /// The module of `telemetry_runtime::genai::probe` whose outcome trait is recorded when
    /// the return value implements it, and skipped (no error) when it does not.
    pub optional_outcome: Option<&'static str>,
    /// Whether it records decode-step statistics ([`STEP_KEYS`](crate::STEP_KEYS)).
    pub steps: bool,
    /// Whether a stream's statistics are recorded ([`STREAM_KEYS`](crate::STREAM_KEYS)).
    pub stream: bool,
    /// Its documentation.
    pub doc: &'static str,
}

/// One attribute of a built-in contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The `#[llm_span]` argument that sets it; empty for a fixed attribute.
    pub arg: &'static str,
    /// The attribute key.
    pub key: &'static str,
    /// Its type.
    pub kind: ValueKind,
    /// Its requirement level.
    pub requirement: Requirement,
    /// The value the contract itself sets (`gen_ai.operation.name`).
    pub fixed: Option<&'static str>,
}

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        kind: "chat",
        aliases: &[],
        ident: "Chat",
        span_kind: "client",
        name: "chat {gen_ai.request.model}",
        operation: Some("chat"),
        groups: &[INFERENCE, SERVER],
        returns: Some("GenerationOutcome"),
        optional_outcome: None,
        steps: false,
        stream: true,
        doc: "GenAI `chat` (semantic conventions v1.41.0 inference span).",
    },
    Builtin {
        kind: "text_completion",
        aliases: &[],
        ident: "TextCompletion",
        span_kind: "client",
        name: "text_completion {gen_ai.request.model}",
        operation: Some("text_completion"),
        groups: &[INFERENCE, SERVER],
        returns: Some("GenerationOutcome"),
        optional_outcome: None,
        steps: false,
        stream: true,
        doc: "GenAI `text_completion` (semantic conventions v1.41.0 inference span).",
    },
    Builtin {
        kind: "generate_content",
        aliases: &[],
        ident: "GenerateContent",
        span_kind: "client",
        name: "generate_content {gen_ai.request.model}",
        operation: Some("generate_content"),
        groups: &[INFERENCE, SERVER],
        returns: Some("GenerationOutcome"),
        optional_outcome: None,
        steps: false,
        stream: true,
        doc: "GenAI `generate_content` (semantic conventions v1.41.0 inference span).",
    },
    Builtin {
        kind: "embeddings",
        aliases: &[],
        ident: "Embeddings",
        span_kind: "client",
        name: "embeddings {gen_ai.request.model}",
        operation: Some("embeddings"),
        groups: &[EMBEDDINGS, SERVER],
        returns: None,
        optional_outcome: Some("embeddings"),
        steps: false,
        stream: false,
        doc: "GenAI `embeddings` (semantic conventions v1.41.0).",
    },
    Builtin {
        kind: "retrieval",
        aliases: &[],
        ident: "Retrieval",
        span_kind: "client",
        name: "retrieval {gen_ai.data_source.id}",
        operation: Some("retrieval"),
        groups: &[RETRIEVAL, SERVER],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "GenAI `retrieval` (semantic conventions v1.41.0).",
    },
    Builtin {
        kind: "execute_tool",
        aliases: &[],
        ident: "ExecuteTool",
        span_kind: "internal",
        name: "execute_tool {gen_ai.tool.name}",
        operation: Some("execute_tool"),
        groups: &[EXECUTE_TOOL],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "GenAI `execute_tool` (semantic conventions v1.41.0), an in-process tool call.",
    },
    Builtin {
        kind: "invoke_agent",
        aliases: &[],
        ident: "InvokeAgent",
        span_kind: "client",
        name: "invoke_agent {gen_ai.agent.name}",
        operation: Some("invoke_agent"),
        groups: &[AGENT, INVOKE_AGENT, SERVER],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "GenAI `invoke_agent` (semantic conventions v1.41.0); `span_kind = \"internal\"` for in-process agents.",
    },
    Builtin {
        kind: "create_agent",
        aliases: &[],
        ident: "CreateAgent",
        span_kind: "client",
        name: "create_agent {gen_ai.agent.name}",
        operation: Some("create_agent"),
        groups: &[AGENT, CREATE_AGENT, SERVER],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "GenAI `create_agent` (semantic conventions v1.41.0).",
    },
    Builtin {
        kind: "http.handler",
        aliases: &["http_handler", "handler"],
        ident: "HttpHandler",
        span_kind: "server",
        name: "http.handler",
        operation: None,
        groups: &[HTTP_HANDLER],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: the request handler, root of the LLM request tree.",
    },
    Builtin {
        kind: "tokenize.input",
        aliases: &["tokenize"],
        ident: "TokenizeInput",
        span_kind: "internal",
        name: "tokenize.input",
        operation: None,
        groups: &[TOKENIZE],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: tokenizing the prompt.",
    },
    Builtin {
        kind: "rag.retrieve",
        aliases: &["retrieve"],
        ident: "RagRetrieve",
        span_kind: "internal",
        name: "rag.retrieve",
        operation: None,
        groups: &[RAG_RETRIEVE],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: retrieval-augmented generation, parent of embed.query, vector.search and rerank.",
    },
    Builtin {
        kind: "embed.query",
        aliases: &["embed_query", "embed"],
        ident: "EmbedQuery",
        span_kind: "internal",
        name: "embed.query",
        operation: None,
        groups: &[EMBED_QUERY],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: embedding the query.",
    },
    Builtin {
        kind: "vector.search",
        aliases: &["vector_search", "search"],
        ident: "VectorSearch",
        span_kind: "internal",
        name: "vector.search",
        operation: None,
        groups: &[VECTOR_SEARCH],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: the vector index search.",
    },
    Builtin {
        kind: "rerank",
        aliases: &[],
        ident: "Rerank",
        span_kind: "internal",
        name: "rerank",
        operation: None,
        groups: &[RERANK],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: reranking the retrieved documents.",
    },
    Builtin {
        kind: "llm.prefill",
        aliases: &["prefill"],
        ident: "LlmPrefill",
        span_kind: "internal",
        name: "llm.prefill",
        operation: None,
        groups: &[PREFILL],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: the prefill pass over the prompt.",
    },
    Builtin {
        kind: "llm.decode",
        aliases: &["decode"],
        ident: "LlmDecode",
        span_kind: "internal",
        name: "llm.decode",
        operation: None,
        groups: &[DECODE],
        returns: None,
        optional_outcome: None,
        steps: true,
        stream: false,
        doc: "Pipeline: decoding, one span with aggregated step statistics (`handle.step()`).",
    },
    Builtin {
        kind: "format.output",
        aliases: &["format"],
        ident: "FormatOutput",
        span_kind: "internal",
        name: "format.output",
        operation: None,
        groups: &[FORMAT],
        returns: None,
        optional_outcome: None,
        steps: false,
        stream: false,
        doc: "Pipeline: formatting the response.",
    },
];

/// Finds a built-in by kind or alias.
pub fn find(kind: &str) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|b| b.kind == kind || b.aliases.contains(&kind))
}

/// Every name `kind = ...` accepts.
pub fn all_kinds() -> impl Iterator<Item = &'static str> {
    BUILTINS
        .iter()
        .flat_map(|b| std::iter::once(b.kind).chain(b.aliases.iter().copied()))
}

impl Builtin {
    /// Its attributes: the fixed operation name first, then each group's, an argument that
    /// two groups have counted once.
    pub fn attributes(&self) -> Vec<Attribute> {
        let mut attrs: Vec<Attribute> = Vec::new();
        if let Some(op) = self.operation {
            attrs.push(Attribute {
                arg: "",
                key: "gen_ai.operation.name",
                kind: Str,
                requirement: Required,
                fixed: Some(op),
            });
        }
        for group in self.groups {
            for &(arg, key, kind, requirement) in group.iter() {
                if attrs.iter().any(|a| a.arg == arg) {
                    continue;
                }
                attrs.push(Attribute {
                    arg,
                    key,
                    kind,
                    requirement,
                    fixed: None,
                });
            }
        }
        attrs
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_unique_and_found() {
        let mut kinds: Vec<&str> = super::all_kinds().collect();
        let count = kinds.len();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), count);
        assert_eq!(super::find("chat").map(|b| b.ident), Some("Chat"));
        assert_eq!(super::BUILTINS.len(), 17);
        for b in super::BUILTINS {
            assert!(crate::SPAN_KINDS.contains(&b.span_kind), "{}", b.kind);
            for placeholder in crate::template::placeholders(b.name) {
                assert!(
                    b.attributes().iter().any(|a| a.key == placeholder),
                    "{}: {placeholder}",
                    b.kind
                );
            }
        }
    }
}
