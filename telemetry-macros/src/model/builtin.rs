//! The built-in contracts: OpenTelemetry GenAI semantic conventions v1.41.0 operations and
//! the LLM serving pipeline. The single source of truth: the runtime's contract types are
//! generated from this table (`__builtin_contracts!`), and `#[llm_span]` validates against it.

use proc_macro2::{Ident, Span};

use crate::model::{AttrSpec, AttrType, ContractSpec, Requirement, StepKeys, StreamKeys};
use AttrType::*;
use Requirement::*;

type A = (&'static str, &'static str, AttrType, Requirement);

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
    pub kind: &'static str,
    pub aliases: &'static [&'static str],
    pub ident: &'static str,
    pub span_kind: &'static str,
    /// Span kinds the macro's `span_kind = ...` may choose instead (in-process models).
    pub name: &'static str,
    pub operation: Option<&'static str>,
    pub groups: &'static [&'static [A]],
    pub returns: Option<&'static str>,
    pub steps: bool,
    pub stream: bool,
    pub doc: &'static str,
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
    /// The contract model of this built-in.
    pub fn spec(&self) -> ContractSpec {
        let span = Span::call_site();
        let mut attrs: Vec<AttrSpec> = Vec::new();
        if let Some(op) = self.operation {
            attrs.push(AttrSpec {
                arg: String::new(),
                key: "gen_ai.operation.name".into(),
                ty: Str,
                requirement: Required,
                fixed: Some(op.into()),
            });
        }
        for group in self.groups {
            for (arg, key, ty, requirement) in group.iter() {
                if attrs.iter().any(|a| a.arg == *arg) {
                    continue;
                }
                attrs.push(AttrSpec {
                    arg: (*arg).into(),
                    key: (*key).into(),
                    ty: *ty,
                    requirement: *requirement,
                    fixed: None,
                });
            }
        }
        ContractSpec {
            ident: Ident::new(self.ident, span),
            kind: self.kind.into(),
            span_kind: self.span_kind.into(),
            name: self.name.into(),
            attrs,
            returns: self
                .returns
                .map(|r| syn::parse_str(&format!("crate::genai::{r}")).expect("valid path")),
            steps: self.steps.then(|| StepKeys {
                steps: "llm.decode.steps".into(),
                mean_ms: "llm.decode.mean_step_ms".into(),
                max_ms: "llm.decode.max_step_ms".into(),
            }),
            stream: self.stream.then(|| StreamKeys {
                time_to_first_chunk: "gen_ai.response.time_to_first_chunk".into(),
                chunks: "llm.response.chunks".into(),
                output_tokens: "gen_ai.usage.output_tokens".into(),
            }),
            doc: self.doc.into(),
        }
    }
}
