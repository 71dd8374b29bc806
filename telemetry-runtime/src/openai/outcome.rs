//! The async-openai responses as [`GenerationOutcome`]s and [`EmbeddingsOutcome`]s.

use async_openai::types::chat::{
    CompletionFinishReason, CompletionUsage, CreateChatCompletionResponse, FinishReason,
};
use async_openai::types::completions::CreateCompletionResponse;
use async_openai::types::embeddings::{CreateBase64EmbeddingResponse, CreateEmbeddingResponse};
use async_openai::types::responses::Response;

use crate::genai::content::OutputMessage;
use crate::genai::{EmbeddingsOutcome, GenerationOutcome};

/// The finish reason as the API names it.
pub(super) fn finish_reason(reason: FinishReason) -> &'static str {
    match reason {
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
        FinishReason::ToolCalls => "tool_calls",
        FinishReason::ContentFilter => "content_filter",
        FinishReason::FunctionCall => "function_call",
    }
}

pub(super) fn cached(usage: Option<&CompletionUsage>) -> Option<u64> {
    let details = usage?.prompt_tokens_details.as_ref()?;
    details.cached_tokens.map(u64::from)
}

pub(super) fn reasoning(usage: Option<&CompletionUsage>) -> Option<u64> {
    let details = usage?.completion_tokens_details.as_ref()?;
    details.reasoning_tokens.map(u64::from)
}

/// The usage methods of a response with a `usage: Option<CompletionUsage>`.
macro_rules! completion_usage {
    () => {
        fn input_tokens(&self) -> Option<u64> {
            self.usage.as_ref().map(|u| u64::from(u.prompt_tokens))
        }
        fn output_tokens(&self) -> Option<u64> {
            self.usage.as_ref().map(|u| u64::from(u.completion_tokens))
        }
        fn cache_read_input_tokens(&self) -> Option<u64> {
            cached(self.usage.as_ref())
        }
        fn reasoning_output_tokens(&self) -> Option<u64> {
            reasoning(self.usage.as_ref())
        }
        fn response_id(&self) -> Option<&str> {
            Some(&self.id)
        }
        fn response_model(&self) -> Option<&str> {
            Some(&self.model)
        }
    };
}

impl GenerationOutcome for CreateChatCompletionResponse {
    completion_usage!();
    fn finish_reasons(&self) -> Vec<&str> {
        (self.choices.iter())
            .filter_map(|c| c.finish_reason.map(finish_reason))
            .collect()
    }
    fn output_messages(&self) -> Vec<OutputMessage> {
        super::content::output_messages(&self.choices)
    }
}

impl GenerationOutcome for CreateCompletionResponse {
    completion_usage!();
    fn finish_reasons(&self) -> Vec<&str> {
        (self.choices.iter())
            .filter_map(|c| c.finish_reason)
            .map(|reason| match reason {
                CompletionFinishReason::Stop => "stop",
                CompletionFinishReason::Length => "length",
                CompletionFinishReason::ContentFilter => "content_filter",
            })
            .collect()
    }
}

impl GenerationOutcome for Response {
    fn input_tokens(&self) -> Option<u64> {
        self.usage.as_ref().map(|u| u64::from(u.input_tokens))
    }
    fn output_tokens(&self) -> Option<u64> {
        self.usage.as_ref().map(|u| u64::from(u.output_tokens))
    }
    fn cache_read_input_tokens(&self) -> Option<u64> {
        self.usage
            .as_ref()
            .map(|u| u64::from(u.input_tokens_details.cached_tokens))
    }
    fn reasoning_output_tokens(&self) -> Option<u64> {
        self.usage
            .as_ref()
            .map(|u| u64::from(u.output_tokens_details.reasoning_tokens))
    }
    fn response_id(&self) -> Option<&str> {
        Some(&self.id)
    }
    fn response_model(&self) -> Option<&str> {
        Some(&self.model)
    }
    fn finish_reasons(&self) -> Vec<&str> {
        super::responses::finish_reason(self).into_iter().collect()
    }
    fn output_messages(&self) -> Vec<OutputMessage> {
        super::responses::output_messages(self)
    }
}

impl EmbeddingsOutcome for CreateEmbeddingResponse {
    fn input_tokens(&self) -> Option<u64> {
        Some(u64::from(self.usage.prompt_tokens))
    }
    fn response_model(&self) -> Option<&str> {
        Some(&self.model)
    }
    fn dimension_count(&self) -> Option<u64> {
        let first = self.data.first()?;
        (!first.embedding.is_empty()).then_some(first.embedding.len() as u64)
    }
}

impl EmbeddingsOutcome for CreateBase64EmbeddingResponse {
    fn input_tokens(&self) -> Option<u64> {
        Some(u64::from(self.usage.prompt_tokens))
    }
    fn response_model(&self) -> Option<&str> {
        Some(&self.model)
    }
    /// Counted from the base64 text (little-endian `f32`s), without decoding it.
    fn dimension_count(&self) -> Option<u64> {
        let text = self.data.first()?.embedding.0.as_str();
        let padding = text.bytes().rev().take_while(|&b| b == b'=').count();
        let bytes = (text.len() / 4 * 3).checked_sub(padding)?;
        (bytes >= 4 && bytes % 4 == 0).then_some((bytes / 4) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_openai::types::embeddings::{
        Base64Embedding, Base64EmbeddingVector, Embedding, EmbeddingUsage,
    };

    #[test]
    fn embeddings_responses_give_usage_model_and_dimensions() {
        let usage = EmbeddingUsage {
            prompt_tokens: 7,
            total_tokens: 7,
        };
        let floats = CreateEmbeddingResponse {
            model: "text-embedding-3-small".into(),
            data: vec![Embedding {
                embedding: vec![0.5; 64],
                ..Default::default()
            }],
            usage: usage.clone(),
            ..Default::default()
        };
        assert_eq!(floats.input_tokens(), Some(7));
        assert_eq!(
            EmbeddingsOutcome::response_model(&floats),
            Some("text-embedding-3-small")
        );
        assert_eq!(floats.dimension_count(), Some(64));
        // One f32 is 4 bytes, 8 base64 characters with padding; three are 16 without.
        let base64 = |text: &str| CreateBase64EmbeddingResponse {
            model: "m".into(),
            data: vec![Base64Embedding {
                embedding: Base64EmbeddingVector(text.into()),
                ..Default::default()
            }],
            usage: usage.clone(),
            ..Default::default()
        };
        assert_eq!(base64("AACAPw==").dimension_count(), Some(1));
        assert_eq!(base64("AACAPwAAAEAAAEBA").dimension_count(), Some(3));
        assert_eq!(base64("").dimension_count(), None);
        assert_eq!(base64("AA").dimension_count(), None);
        let empty = CreateEmbeddingResponse::default();
        assert_eq!(empty.dimension_count(), None);
    }
}
