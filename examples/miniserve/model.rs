//! The toy model: deterministic word-level generation over the corpus's word successions,
//! with a prefill that checks the context window and fills a prefix cache, and a decode that
//! produces one token per step. Small sleeps stand in for the compute, so the waterfall shows
//! the phases.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use telemetry_runtime::llm_span;

use super::corpus::DOCUMENTS;
use super::tokenizer::{TokenId, Tokenizer};

/// The one model served.
pub const MODEL: &str = "miniserve-toy-1";
/// The context window in tokens: longer prompts fail in prefill.
pub const CONTEXT_WINDOW: usize = 512;
/// Prefix lengths the prefix cache remembers at most.
const PREFIX_CACHE_ENTRIES: usize = 4096;

/// What can go wrong in the model; `error.type` is [`ModelError::code`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The prompt is longer than the context window. `excerpt` is the start of the prompt,
    /// quoted by the message as real providers do (so the message is content).
    ContextLengthExceeded { tokens: usize, excerpt: String },
}

impl ModelError {
    /// The low-cardinality code (OpenAI's), also `error.type`.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::ContextLengthExceeded { .. } => "context_length_exceeded",
        }
    }
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::ContextLengthExceeded { tokens, excerpt } => write!(
                f,
                "this model's maximum context length is {CONTEXT_WINDOW} tokens, the prompt \
                 {excerpt:?} has {tokens}"
            ),
        }
    }
}

impl std::error::Error for ModelError {}

impl ModelError {
    /// The error with the start of `prompt` quoted in its message.
    pub fn quoting(self, prompt: &str) -> Self {
        match self {
            ModelError::ContextLengthExceeded { tokens, .. } => ModelError::ContextLengthExceeded {
                tokens,
                excerpt: prompt.chars().take(48).collect(),
            },
        }
    }
}

impl telemetry_runtime::span::ErrorType for ModelError {
    fn error_type(&self) -> std::borrow::Cow<'static, str> {
        self.code().into()
    }

    // The message without the prompt excerpt: recorded even with content capture off.
    fn safe_message(&self) -> Option<std::borrow::Cow<'static, str>> {
        match self {
            ModelError::ContextLengthExceeded { tokens, .. } => Some(
                format!("this model's maximum context length is {CONTEXT_WINDOW} tokens, the prompt has {tokens}")
                    .into(),
            ),
        }
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// End of a sentence.
    EndOfText,
    /// `max_tokens` reached.
    Length,
    /// The client went away while streaming.
    Cancelled,
}

impl Stop {
    /// The OpenAI `finish_reason` (and `gen_ai.response.finish_reasons`, `llm.stop_reason`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stop::EndOfText => "stop",
            Stop::Length => "length",
            Stop::Cancelled => "cancelled",
        }
    }
}

/// The model: word successions learnt from the corpus, and a prefix cache.
pub struct ToyModel {
    successors: HashMap<TokenId, Vec<TokenId>>,
    starts: Vec<TokenId>,
    full_stop: Option<TokenId>,
    prefix_cache: Mutex<HashSet<u64>>,
    /// Simulated compute per prefilled token and per decode step.
    pub prefill_per_token: Duration,
    pub decode_step: Duration,
}

/// The state prefill hands to decode.
pub struct Prefilled {
    seed: u64,
    last: Option<TokenId>,
}

impl ToyModel {
    /// Learns the successions of the corpus.
    pub fn new(tokenizer: &Tokenizer) -> Self {
        let mut successors: HashMap<TokenId, Vec<TokenId>> = HashMap::new();
        let mut starts = Vec::new();
        for doc in DOCUMENTS {
            let tokens = tokenizer.encode(doc.text);
            if let Some(first) = tokens.first() {
                starts.push(*first);
            }
            for pair in tokens.windows(2) {
                let next = successors.entry(pair[0]).or_default();
                if !next.contains(&pair[1]) {
                    next.push(pair[1]);
                }
            }
        }
        let full_stop = tokenizer.encode(".").first().copied();
        ToyModel {
            successors,
            starts,
            full_stop,
            prefix_cache: Mutex::new(HashSet::new()),
            prefill_per_token: Duration::from_micros(40),
            decode_step: Duration::from_millis(2),
        }
    }

    /// `llm.prefill`: reads the prompt, checks the context window, counts prefix-cache hits.
    #[llm_span(kind = "llm.prefill", tokens_in = prompt.len(), handle = span)]
    pub async fn prefill(&self, prompt: &[TokenId]) -> Result<Prefilled, ModelError> {
        if prompt.len() > CONTEXT_WINDOW {
            return Err(ModelError::ContextLengthExceeded {
                tokens: prompt.len(),
                excerpt: String::new(),
            });
        }
        // Prefix hashes: the longest prefix seen before is a cache hit.
        let mut hash = 0xcbf2_9ce4_8422_2325_u64;
        let mut hashes = Vec::with_capacity(prompt.len());
        for &t in prompt {
            hash = (hash ^ u64::from(t)).wrapping_mul(0x0100_0000_01b3);
            hashes.push(hash);
        }
        let hits = {
            let mut cache = self
                .prefix_cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let hits = hashes.iter().take_while(|h| cache.contains(h)).count();
            if cache.len() + hashes.len() > PREFIX_CACHE_ENTRIES {
                cache.clear();
            }
            cache.extend(hashes.iter().copied());
            hits
        };
        span.set_cache_hits(&hits);
        span.set_cache_misses(&(prompt.len() - hits));
        tokio::time::sleep(self.prefill_per_token * (prompt.len() - hits) as u32).await;
        Ok(Prefilled {
            seed: hash,
            last: prompt
                .iter()
                .rev()
                .find(|t| self.successors.contains_key(t))
                .copied(),
        })
    }

    /// The next token after `state`, deterministic.
    pub fn next_token(&self, state: &mut Prefilled, step: u64) -> TokenId {
        state.seed = state
            .seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407 ^ step);
        let pick = |options: &[TokenId], seed: u64| options[(seed >> 33) as usize % options.len()];
        let next = match state.last.and_then(|t| self.successors.get(&t)) {
            Some(options) if !options.is_empty() => pick(options, state.seed),
            _ => pick(&self.starts, state.seed),
        };
        state.last = Some(next);
        next
    }

    /// Whether `token` ends a sentence.
    pub fn is_end(&self, token: TokenId) -> bool {
        Some(token) == self.full_stop
    }
}
