//! GenAI content (prompts and completions) as JSON.

/// A value recordable as GenAI content.
#[diagnostic::on_unimplemented(message = "`{Self}` cannot be recorded as GenAI content")]
pub trait ContentValue {
    /// The JSON text, at most about `max_bytes` long.
    fn to_content_json(&self, max_bytes: usize) -> String;
}

impl ContentValue for str {
    fn to_content_json(&self, _max_bytes: usize) -> String {
        serde_json::Value::from(self).to_string()
    }
}
