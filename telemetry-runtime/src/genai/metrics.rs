//! The GenAI metrics of the semantic conventions v1.41.0, recorded through the OpenTelemetry
//! metrics SDK that `init()` installs.
//!
//! | metric | unit | recorded by |
//! |---|---|---|
//! | `gen_ai.client.token.usage` | `{token}` | [`record_token_usage`] (one point per token type) |
//! | `gen_ai.client.operation.duration` | `s` | [`record_client_operation_duration`] |
//! | `gen_ai.server.request.duration` | `s` | [`record_server_request_duration`] |
//! | `gen_ai.server.time_to_first_token` | `s` | [`record_server_time_to_first_token`] |
//! | `gen_ai.server.time_per_output_token` | `s` | [`record_server_time_per_output_token`] |
//!
//! Each histogram has the conventions' explicit bucket boundaries (`semconv/metrics.tsv`).
//! Recording does not depend on tracing: a request whose trace was not sampled is measured
//! all the same. With no meter provider installed (no metrics exporter, no Prometheus
//! endpoint) every function returns after one atomic load.
//!
//! The dimensions are the conventions' low-cardinality ones and nothing else:
//! `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`,
//! `gen_ai.response.model`, `server.address`, `server.port`, `error.type` (only on the duration
//! metrics, and only when the operation failed) and `gen_ai.token.type`. Never a prompt, a
//! user, a session or a request id.
//!
//! ```
//! use std::time::Duration;
//! use telemetry_runtime::genai::metrics::{self, GenAiMetricAttributes, TokenType};
//!
//! let attrs = GenAiMetricAttributes::new("chat", "openai")
//!     .request_model("gpt-4o")
//!     .response_model("gpt-4o-2024-08-06");
//! metrics::record_token_usage(&attrs, TokenType::Input, 120);
//! metrics::record_token_usage(&attrs, TokenType::Output, 42);
//! metrics::record_client_operation_duration(&attrs, Duration::from_millis(850));
//!
//! let failed = attrs.clone().error_type("rate_limited");
//! metrics::record_client_operation_duration(&failed, Duration::from_millis(20));
//! ```

use std::borrow::Cow;
use std::time::Duration;

use opentelemetry::KeyValue;

use crate::metrics::{Instruments, current};

/// `gen_ai.token.type`: which side of the exchange tokens were counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `input`: prompt tokens.
    Input,
    /// `output`: generated tokens.
    Output,
}

impl TokenType {
    /// The attribute value: `input` or `output`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Input => "input",
            TokenType::Output => "output",
        }
    }
}

/// The dimensions of one GenAI metric point. Only low-cardinality values belong here: model
/// names, a provider, a server address, an error class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenAiMetricAttributes {
    operation: Cow<'static, str>,
    provider: Cow<'static, str>,
    request_model: Option<Cow<'static, str>>,
    response_model: Option<Cow<'static, str>>,
    server_address: Option<Cow<'static, str>>,
    server_port: Option<u16>,
    error_type: Option<Cow<'static, str>>,
}

impl GenAiMetricAttributes {
    /// The two required dimensions: `gen_ai.operation.name` (`chat`, `text_completion`,
    /// `embeddings`, ...) and `gen_ai.provider.name` (`openai`, `aws.bedrock`, or your own).
    pub fn new(
        operation: impl Into<Cow<'static, str>>,
        provider: impl Into<Cow<'static, str>>,
    ) -> Self {
        GenAiMetricAttributes {
            operation: operation.into(),
            provider: provider.into(),
            request_model: None,
            response_model: None,
            server_address: None,
            server_port: None,
            error_type: None,
        }
    }

    /// `gen_ai.request.model` (conditionally required: set it when known).
    pub fn request_model(mut self, model: impl Into<Cow<'static, str>>) -> Self {
        self.request_model = Some(model.into());
        self
    }

    /// `gen_ai.response.model`.
    pub fn response_model(mut self, model: impl Into<Cow<'static, str>>) -> Self {
        self.response_model = Some(model.into());
        self
    }

    /// `server.address` and `server.port` of the GenAI server.
    pub fn server(mut self, address: impl Into<Cow<'static, str>>, port: u16) -> Self {
        self.server_address = Some(address.into());
        self.server_port = Some(port);
        self
    }

    /// `error.type`: the operation failed. A low-cardinality class (`timeout`, `rate_limited`,
    /// an HTTP status code, an exception type), never a message. Recorded on the duration
    /// metrics only, as the conventions define.
    pub fn error_type(mut self, error_type: impl Into<Cow<'static, str>>) -> Self {
        self.error_type = Some(error_type.into());
        self
    }

    /// The `error.type` set, if any.
    pub fn error(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The dimensions as key-values, with `error.type` when `with_error` and one is set.
    fn key_values(&self, with_error: bool, extra: Option<KeyValue>) -> Vec<KeyValue> {
        let mut kvs = Vec::with_capacity(8);
        kvs.push(KeyValue::new(
            "gen_ai.operation.name",
            self.operation.clone(),
        ));
        kvs.push(KeyValue::new("gen_ai.provider.name", self.provider.clone()));
        if let Some(m) = &self.request_model {
            kvs.push(KeyValue::new("gen_ai.request.model", m.clone()));
        }
        if let Some(m) = &self.response_model {
            kvs.push(KeyValue::new("gen_ai.response.model", m.clone()));
        }
        if let Some(a) = &self.server_address {
            kvs.push(KeyValue::new("server.address", a.clone()));
            if let Some(p) = self.server_port {
                kvs.push(KeyValue::new("server.port", i64::from(p)));
            }
        }
        if with_error && let Some(e) = &self.error_type {
            kvs.push(KeyValue::new("error.type", e.clone()));
        }
        kvs.extend(extra);
        kvs
    }
}

#[inline]
fn with(f: impl FnOnce(&'static Instruments)) {
    if let Some(instruments) = current() {
        f(instruments);
    }
}

/// Whether a meter provider is installed: recording does something.
pub fn is_enabled() -> bool {
    current().is_some()
}

/// `gen_ai.client.token.usage`: `tokens` tokens of `token_type` used by one operation. Call
/// it once for the input and once for the output tokens.
pub fn record_token_usage(attrs: &GenAiMetricAttributes, token_type: TokenType, tokens: u64) {
    with(|i| {
        let kvs = attrs.key_values(
            false,
            Some(KeyValue::new("gen_ai.token.type", token_type.as_str())),
        );
        i.genai_client_token_usage.record(tokens, &kvs);
    });
}

/// `gen_ai.client.operation.duration`: how long one GenAI operation took, as seen by its
/// client, with `error.type` when it failed.
pub fn record_client_operation_duration(attrs: &GenAiMetricAttributes, duration: Duration) {
    with(|i| {
        i.genai_client_operation_duration
            .record(duration.as_secs_f64(), &attrs.key_values(true, None));
    });
}

/// `gen_ai.server.request.duration`: how long a GenAI server took to serve one request (to
/// the last output token), with `error.type` when it failed.
pub fn record_server_request_duration(attrs: &GenAiMetricAttributes, duration: Duration) {
    with(|i| {
        i.genai_server_request_duration
            .record(duration.as_secs_f64(), &attrs.key_values(true, None));
    });
}

/// `gen_ai.server.time_to_first_token`: from the request to the first generated token, for
/// successful responses.
pub fn record_server_time_to_first_token(attrs: &GenAiMetricAttributes, duration: Duration) {
    with(|i| {
        i.genai_server_time_to_first_token
            .record(duration.as_secs_f64(), &attrs.key_values(false, None));
    });
}

/// `gen_ai.server.time_per_output_token`: the mean time per output token after the first, for
/// successful responses.
pub fn record_server_time_per_output_token(attrs: &GenAiMetricAttributes, duration: Duration) {
    with(|i| {
        i.genai_server_time_per_output_token
            .record(duration.as_secs_f64(), &attrs.key_values(false, None));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(kvs: &[KeyValue]) -> Vec<&str> {
        kvs.iter().map(|kv| kv.key.as_str()).collect()
    }

    #[test]
    fn required_dimensions_only_by_default() {
        let a = GenAiMetricAttributes::new("chat", "openai");
        assert_eq!(
            keys(&a.key_values(true, None)),
            ["gen_ai.operation.name", "gen_ai.provider.name"]
        );
    }

    #[test]
    fn error_type_only_where_asked() {
        let a = GenAiMetricAttributes::new("chat", "openai")
            .request_model("m")
            .response_model("m-1")
            .server("api.example.com", 443)
            .error_type("timeout");
        assert_eq!(
            keys(&a.key_values(true, None)),
            [
                "gen_ai.operation.name",
                "gen_ai.provider.name",
                "gen_ai.request.model",
                "gen_ai.response.model",
                "server.address",
                "server.port",
                "error.type"
            ]
        );
        assert!(!keys(&a.key_values(false, None)).contains(&"error.type"));
        let port = a
            .key_values(false, None)
            .into_iter()
            .find(|kv| kv.key.as_str() == "server.port")
            .unwrap();
        assert_eq!(port.value, opentelemetry::Value::I64(443));
    }

    #[test]
    fn token_types_are_the_registry_values() {
        assert_eq!(TokenType::Input.as_str(), "input");
        assert_eq!(TokenType::Output.as_str(), "output");
    }

    #[test]
    fn recording_without_a_provider_does_nothing() {
        assert!(!is_enabled());
        let a = GenAiMetricAttributes::new("chat", "openai");
        record_token_usage(&a, TokenType::Input, 1);
        record_server_time_to_first_token(&a, Duration::from_millis(1));
    }
}
