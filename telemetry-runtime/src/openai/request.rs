//! The async-openai request types as [`GenAiRequest`]s, for `#[llm_span(request = &req)]`.

use async_openai::types::chat::{
    CreateChatCompletionRequest, ResponseFormat, ResponseModalities, StopConfiguration,
};
use async_openai::types::completions::CreateCompletionRequest;
use async_openai::types::embeddings::{CreateEmbeddingRequest, EncodingFormat};
use async_openai::types::responses::{CreateResponse, TextResponseFormatConfiguration};

use crate::genai::{GenAiRequest, RequestParams};

fn stops(stop: Option<&StopConfiguration>) -> Vec<&str> {
    match stop {
        Some(StopConfiguration::String(one)) => vec![one.as_str()],
        Some(StopConfiguration::StringArray(many)) => many.iter().map(String::as_str).collect(),
        None => Vec::new(),
    }
}

fn f64_of(value: Option<f32>) -> Option<f64> {
    value.map(f64::from)
}

// `max_tokens` and `seed` are deprecated by the API but still sent: both are read.
#[allow(deprecated)]
impl GenAiRequest for CreateChatCompletionRequest {
    fn request_params(&self) -> RequestParams<'_> {
        let speech =
            (self.modalities.iter().flatten()).any(|m| matches!(m, ResponseModalities::Audio));
        let output_type = match (&self.response_format, speech) {
            (_, true) => Some("speech"),
            (Some(ResponseFormat::JsonObject | ResponseFormat::JsonSchema { .. }), _) => {
                Some("json")
            }
            (Some(ResponseFormat::Text), _) => Some("text"),
            _ => None,
        };
        RequestParams {
            model: Some(&self.model),
            max_tokens: self
                .max_completion_tokens
                .or(self.max_tokens)
                .map(u64::from),
            temperature: f64_of(self.temperature),
            top_p: f64_of(self.top_p),
            frequency_penalty: f64_of(self.frequency_penalty),
            presence_penalty: f64_of(self.presence_penalty),
            stop_sequences: stops(self.stop.as_ref()),
            seed: self.seed,
            choice_count: self.n.map(u64::from),
            output_type,
            stream: self.stream,
            ..RequestParams::default()
        }
    }

    fn request_content(&self) -> crate::genai::RequestContent {
        super::content::request_content(self)
    }
}

impl GenAiRequest for CreateCompletionRequest {
    fn request_params(&self) -> RequestParams<'_> {
        RequestParams {
            model: Some(&self.model),
            max_tokens: self.max_tokens.map(u64::from),
            temperature: f64_of(self.temperature),
            top_p: f64_of(self.top_p),
            frequency_penalty: f64_of(self.frequency_penalty),
            presence_penalty: f64_of(self.presence_penalty),
            stop_sequences: stops(self.stop.as_ref()),
            seed: self.seed,
            choice_count: self.n.map(u64::from),
            output_type: Some("text"),
            stream: self.stream,
            ..RequestParams::default()
        }
    }
}

impl GenAiRequest for CreateEmbeddingRequest {
    fn request_params(&self) -> RequestParams<'_> {
        let encoding_formats = match self.encoding_format {
            Some(EncodingFormat::Float) => vec!["float"],
            Some(EncodingFormat::Base64) => vec!["base64"],
            None => Vec::new(),
        };
        RequestParams {
            model: Some(&self.model),
            encoding_formats,
            dimension_count: self.dimensions.map(u64::from),
            ..RequestParams::default()
        }
    }
}

impl GenAiRequest for CreateResponse {
    fn request_params(&self) -> RequestParams<'_> {
        let output_type = match self.text.as_ref().map(|t| &t.format) {
            Some(TextResponseFormatConfiguration::Text) => Some("text"),
            Some(_) => Some("json"),
            None => None,
        };
        RequestParams {
            model: self.model.as_deref(),
            max_tokens: self.max_output_tokens.map(u64::from),
            temperature: f64_of(self.temperature),
            top_p: f64_of(self.top_p),
            output_type,
            stream: self.stream,
            ..RequestParams::default()
        }
    }

    fn request_content(&self) -> crate::genai::RequestContent {
        super::responses::request_content(self)
    }
}

impl<C: async_openai::config::Config> crate::genai::GenAiClient for async_openai::Client<C> {
    fn base_url(&self) -> Option<&str> {
        Some(self.config().api_base())
    }
}
