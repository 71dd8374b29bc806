//! Retrieval over the built-in corpus: a hashed bag-of-words embedding, an exact cosine
//! vector search, and a reranker scoring word overlap with the query. Each step is a
//! pipeline contract span under `rag.retrieve`.

use telemetry_runtime::llm_span;

use super::corpus::{DOCUMENTS, Document};
use super::tokenizer::{TokenId, Tokenizer};

/// Dimensions of the embedding.
pub const DIMENSIONS: usize = 64;
/// Name of the index, `rag.index.name`.
pub const INDEX: &str = "miniserve-docs";
pub const EMBED_MODEL: &str = "miniserve-hash-embed";
const RERANK_MODEL: &str = "miniserve-overlap-rerank";

/// The vector index: one embedding per document.
pub struct Index {
    vectors: Vec<[f32; DIMENSIONS]>,
}

/// A retrieved document with its score.
#[derive(Clone, Debug)]
pub struct Hit {
    pub doc: usize,
    pub score: f32,
}

impl Index {
    /// Embeds every document of the corpus.
    pub fn build(tokenizer: &Tokenizer) -> Self {
        let vectors = DOCUMENTS
            .iter()
            .map(|d| embed(&tokenizer.encode(d.text)))
            .collect();
        Index { vectors }
    }
}

/// The document of a hit.
pub fn document(hit: &Hit) -> &'static Document {
    &DOCUMENTS[hit.doc]
}

/// `rag.retrieve`: embed the query, search `top_k`, keep the best `keep` after reranking.
#[llm_span(kind = "rag.retrieve", index = INDEX, handle = span)]
pub async fn retrieve(
    index: &Index,
    tokenizer: &Tokenizer,
    query: &[TokenId],
    top_k: usize,
    keep: usize,
) -> Vec<Hit> {
    let vector = embed_query(query);
    let found = vector_search(index, &vector, top_k).await;
    span.set_docs_retrieved(&found.len());
    let kept = rerank(tokenizer, query, found, keep);
    span.set_docs_reranked(&kept.len());
    kept
}

#[llm_span(kind = "embed.query", model = EMBED_MODEL, tokens_in = query.len(), dimensions = DIMENSIONS)]
fn embed_query(query: &[TokenId]) -> [f32; DIMENSIONS] {
    embed(query)
}

#[llm_span(kind = "vector.search", index = INDEX, top_k = top_k, handle = span)]
async fn vector_search(index: &Index, query: &[f32; DIMENSIONS], top_k: usize) -> Vec<Hit> {
    tokio::task::yield_now().await;
    let mut hits: Vec<Hit> = index
        .vectors
        .iter()
        .enumerate()
        .map(|(doc, v)| Hit {
            doc,
            score: v.iter().zip(query).map(|(a, b)| a * b).sum(),
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits.truncate(top_k);
    span.set_results(&hits.len());
    hits
}

#[llm_span(kind = "rerank", model = RERANK_MODEL, docs_in = hits.len(), docs_out = keep.min(hits.len()))]
fn rerank(tokenizer: &Tokenizer, query: &[TokenId], hits: Vec<Hit>, keep: usize) -> Vec<Hit> {
    let mut scored: Vec<Hit> = hits
        .into_iter()
        .map(|hit| {
            let doc = tokenizer.encode(document(&hit).text);
            let overlap = query
                .iter()
                .filter(|t| tokenizer.word(**t).is_some() && doc.contains(t))
                .count();
            Hit {
                doc: hit.doc,
                score: overlap as f32 + hit.score,
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    scored.truncate(keep);
    scored
}

/// `POST /v1/embeddings`: one vector per input, under a GenAI `embeddings` span whose
/// dimension count comes from the returned vectors (`genai::EmbeddingsOutcome`).
#[llm_span(kind = "embeddings", provider = super::server::PROVIDER, model = EMBED_MODEL, span_kind = "internal")]
pub fn embed_inputs(tokenizer: &Tokenizer, inputs: &[String]) -> Vec<Vec<f32>> {
    inputs
        .iter()
        .map(|text| embed(&tokenizer.encode(text)).to_vec())
        .collect()
}

/// A unit vector of hashed token counts.
fn embed(tokens: &[TokenId]) -> [f32; DIMENSIONS] {
    let mut v = [0f32; DIMENSIONS];
    for &t in tokens {
        let h = (t as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        v[(h >> 58) as usize % DIMENSIONS] += 1.0;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}
