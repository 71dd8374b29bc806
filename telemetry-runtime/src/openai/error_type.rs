//! `error.type` of an [`OpenAIError`]: low-cardinality, never the error's text.

use std::borrow::Cow;

use async_openai::error::OpenAIError;

use crate::outbound::attributes::reqwest_error_type;
use crate::span::ErrorType;

/// The longest API error code or type kept as `error.type`.
const MAX_CODE: usize = 64;

/// An API error's `code` (else `type`) when it is a short identifier
/// (`rate_limit_exceeded`, `context_length_exceeded`); a provider that puts text there does
/// not get it into telemetry.
fn api_code(code: Option<&str>) -> Option<&str> {
    code.filter(|c| {
        !c.is_empty()
            && c.len() <= MAX_CODE
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    })
}

impl ErrorType for OpenAIError {
    fn error_type(&self) -> Cow<'static, str> {
        match self {
            OpenAIError::ApiError(response) => {
                let error = &response.api_error;
                match api_code(error.code.as_deref()).or(api_code(error.r#type.as_deref())) {
                    Some(code) => Cow::Owned(code.to_owned()),
                    // No usable code: the HTTP status, as the HTTP conventions do.
                    None => Cow::Owned(response.status_code.as_u16().to_string()),
                }
            }
            OpenAIError::Reqwest(error) => match error.status() {
                Some(status) => Cow::Owned(status.as_u16().to_string()),
                None => Cow::Borrowed(reqwest_error_type(error)),
            },
            OpenAIError::JSONDeserialize(..) => Cow::Borrowed("invalid_response"),
            OpenAIError::StreamError(_) => Cow::Borrowed("stream_error"),
            OpenAIError::FileSaveError(_) | OpenAIError::FileReadError(_) => {
                Cow::Borrowed("file_error")
            }
            OpenAIError::InvalidArgument(_) => Cow::Borrowed("invalid_argument"),
            OpenAIError::Boxed(error) => match error.downcast_ref::<reqwest_middleware::Error>() {
                Some(reqwest_middleware::Error::Reqwest(error)) => {
                    Cow::Borrowed(reqwest_error_type(error))
                }
                _ => Cow::Borrowed("_OTHER"),
            },
        }
    }

    /// The HTTP status and the API error's code, which quote nothing of the request: the
    /// API's `message` does not count (a context-length error repeats the prompt's size, a
    /// moderation error its text), and neither does any other variant's text.
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        match self {
            OpenAIError::ApiError(response) => Some(Cow::Owned(format!(
                "the API answered {} ({})",
                response.status_code.as_u16(),
                self.error_type()
            ))),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_openai::error::{ApiError, ApiErrorResponse};

    fn api(status: u16, code: Option<&str>, ty: Option<&str>) -> OpenAIError {
        OpenAIError::ApiError(ApiErrorResponse {
            status_code: reqwest_middleware::reqwest::StatusCode::from_u16(status).unwrap(),
            api_error: ApiError {
                message: "the prompt 'SECRET' is too long".into(),
                r#type: ty.map(Into::into),
                code: code.map(Into::into),
                ..ApiError::default()
            },
        })
    }

    #[test]
    fn api_errors_are_their_code_then_type_then_status() {
        let rate = api(429, Some("rate_limit_exceeded"), Some("requests"));
        assert_eq!(rate.error_type(), "rate_limit_exceeded");
        let typed = api(400, None, Some("invalid_request_error"));
        assert_eq!(typed.error_type(), "invalid_request_error");
        let bare = api(503, None, None);
        assert_eq!(bare.error_type(), "503");
        let hostile = api(400, Some("the prompt was 'SECRET'"), None);
        assert_eq!(hostile.error_type(), "400");
        let long = api(400, Some(&"x".repeat(65)), None);
        assert_eq!(long.error_type(), "400");
        let message = rate.safe_message().unwrap();
        assert_eq!(message, "the API answered 429 (rate_limit_exceeded)");
        assert!(!message.contains("SECRET"));
    }

    #[test]
    fn other_errors_are_their_kind_and_carry_no_text() {
        let json = serde_json::from_str::<u8>("SECRET").unwrap_err();
        let invalid = OpenAIError::JSONDeserialize(json, "SECRET".into());
        assert_eq!(invalid.error_type(), "invalid_response");
        assert_eq!(invalid.safe_message(), None);
        let argument = OpenAIError::InvalidArgument("SECRET".into());
        assert_eq!(argument.error_type(), "invalid_argument");
        assert_eq!(argument.safe_message(), None);
    }
}
