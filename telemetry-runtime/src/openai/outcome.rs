//! The async-openai responses as [`GenerationOutcome`]s.

use async_openai::types::chat::{
    CompletionFinishReason, CompletionUsage, CreateChatCompletionResponse, FinishReason,
};
use async_openai::types::completions::CreateCompletionResponse;
use async_openai::types::responses::Response;

use crate::genai::GenerationOutcome;
use crate::genai::content::OutputMessage;

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
}
