//! Legacy attribute names, emitted beside the current ones when asked for.

use opentelemetry::KeyValue;

/// The pre-1.37 names backends may still read.
const LEGACY: &[(&str, &str)] = &[
    ("gen_ai.provider.name", "gen_ai.system"),
    ("gen_ai.usage.input_tokens", "llm.usage.prompt_tokens"),
    ("gen_ai.usage.output_tokens", "llm.usage.completion_tokens"),
    ("http.request.method", "http.method"),
    ("http.response.status_code", "http.status_code"),
];

/// The legacy name of `key`, if it has one.
pub(crate) fn name_for(key: &str) -> Option<&'static str> {
    LEGACY
        .iter()
        .find(|(new, _)| *new == key)
        .map(|(_, old)| *old)
}

/// Adds the legacy duplicate of every attribute that has one.
pub(crate) fn extend(attributes: &mut Vec<KeyValue>) {
    let extra: Vec<KeyValue> = attributes
        .iter()
        .filter_map(|kv| name_for(kv.key.as_str()).map(|old| KeyValue::new(old, kv.value.clone())))
        .collect();
    attributes.extend(extra);
}
