//! The built-in corpus: short documents the retrieval step searches and the toy model learns
//! its word successions from. Nothing is downloaded.

/// One document: a stable id and its text.
pub struct Document {
    pub id: &'static str,
    pub text: &'static str,
}

/// The corpus, in id order.
pub const DOCUMENTS: &[Document] = &[
    Document {
        id: "otel-traces",
        text: "A trace is a tree of spans. Each span records one operation with its start, its end and its attributes.",
    },
    Document {
        id: "otel-context",
        text: "The trace context travels between services in the traceparent header, so every service adds its spans to the same trace.",
    },
    Document {
        id: "otel-metrics",
        text: "Metrics are aggregated measurements. A histogram counts each value in buckets, so latency percentiles can be computed.",
    },
    Document {
        id: "otel-logs",
        text: "Log records carry the trace id and the span id, so each log line can be found from its trace.",
    },
    Document {
        id: "genai-tokens",
        text: "A language model reads input tokens and generates output tokens. The token usage is the cost of each request.",
    },
    Document {
        id: "genai-prefill",
        text: "The prefill step reads the whole prompt at once and fills the key value cache before the first token is generated.",
    },
    Document {
        id: "genai-decode",
        text: "The decode step generates one token at a time. The time per output token sets how fast the answer streams.",
    },
    Document {
        id: "genai-ttft",
        text: "The time to first token is the wait before the answer starts to stream. It grows with the prompt and the queue.",
    },
    Document {
        id: "rag-retrieval",
        text: "Retrieval augmented generation embeds the query, searches a vector index and reranks the documents it finds.",
    },
    Document {
        id: "rag-rerank",
        text: "A reranker scores each retrieved document against the query and keeps the best ones for the prompt.",
    },
    Document {
        id: "ops-sampling",
        text: "Sampling keeps some traces and drops the rest, but metrics are recorded for every request.",
    },
    Document {
        id: "ops-alerts",
        text: "Alerts watch the error rate, the latency percentiles and the time to first token of the service.",
    },
];
