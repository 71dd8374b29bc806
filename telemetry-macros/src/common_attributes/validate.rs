//! Checks of a parsed `#[derive(CommonAttributes)]` across its fields: every key has a
//! namespace, and no header, key or CloudEvents extension name is used twice.

use crate::shared::errors::Errors;

use proc_macro2::Span;

use super::parse::{Field, Parsed, is_extension_name};

/// Field names whose identifier has a name in the OpenTelemetry semantic-conventions
/// registry (v1.41.0), suggested when such a field has no namespaced key. Each key is a row of
/// `telemetry-runtime/semconv/facts.tsv` (checked by a unit test below, and against the
/// registry by `.ci/check-semconv`).
const REGISTRY_KEYS: &[(&str, &str)] = &[
    ("agent_id", "gen_ai.agent.id"),
    ("agent_name", "gen_ai.agent.name"),
    ("assistant_id", "gen_ai.agent.id"),
    ("conversation_id", "gen_ai.conversation.id"),
    ("enduser_id", "enduser.id"),
    ("session_id", "session.id"),
    ("thread_id", "gen_ai.conversation.id"),
    ("user_id", "user.id"),
    ("user_name", "user.name"),
];

/// A name no two fields may share: which one, how a field uses it, and the option that
/// gives a field its own.
struct Unique {
    noun: &'static str,
    uses: &'static str,
    option: &'static str,
    name: fn(&Field) -> &str,
    span: fn(&Field) -> Span,
}

const HEADER: Unique = Unique {
    noun: "header name",
    uses: "reads it (header names are case-insensitive)",
    option: "header",
    name: |f| &f.header,
    span: |f| f.spans.header,
};

const KEY: Unique = Unique {
    noun: "attribute key",
    uses: "records it",
    option: "key",
    name: |f| &f.key,
    span: |f| f.spans.key,
};

const EXTENSION: Unique = Unique {
    noun: "CloudEvents extension name",
    uses: "uses it",
    option: "extension",
    name: |f| &f.extension,
    span: |f| f.spans.extension.unwrap_or(f.spans.field),
};

impl Unique {
    /// The error on `field` when a field already kept has its name.
    fn repeated(&self, field: &Field, kept: &[Field]) -> Option<syn::Error> {
        let name = (self.name)(field);
        let previous = kept.iter().find(|f| (self.name)(f) == name)?;
        Some(syn::Error::new(
            (self.span)(field),
            format!(
                "duplicate {} `{name}`: field `{}` already {}; give this field its own with `#[attr({} = \"...\")]`",
                self.noun, previous.name, self.uses, self.option
            ),
        ))
    }
}

/// Reports every error on its token and keeps the fields that can still be emitted: a field
/// whose header, key or extension repeats another's is dropped.
pub fn check(parsed: &mut Parsed, errors: &mut Errors) {
    let namespace_invalid = parsed.namespace_invalid;
    let mut kept: Vec<Field> = Vec::with_capacity(parsed.fields.len());
    for field in std::mem::take(&mut parsed.fields) {
        if !field.key.contains('.') && (field.key_written || !namespace_invalid) {
            errors.push(syn::Error::new(
                field.spans.key,
                unnamespaced_key(&field.key, &field.name, field.key_written),
            ));
        }
        let invalid_extension = (field.spans.extension.is_none()
            && !is_extension_name(&field.extension))
        .then(|| {
            syn::Error::new(
                field.spans.field,
                format!(
                    "the CloudEvents extension name derived from `{}` (`{}`) is not 1 to 20 lower-case letters and digits; name one with `#[attr(extension = \"...\")]`",
                    field.name, field.extension
                ),
            )
        });
        // One error per field, in this order: a later check would repeat the cause.
        let error = HEADER
            .repeated(&field, &kept)
            .or_else(|| KEY.repeated(&field, &kept))
            .or(invalid_extension)
            .or_else(|| EXTENSION.repeated(&field, &kept));
        match error {
            Some(error) => errors.push(error),
            None => kept.push(field),
        }
    }
    parsed.fields = kept;
}

/// The error for an attribute key without a namespace, with the registry's name for the
/// field where it has one.
fn unnamespaced_key(key: &str, field: &str, explicit: bool) -> String {
    let registry = REGISTRY_KEYS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, key)| format!("`#[attr(key = \"{key}\")]` (the semantic-conventions name), or "))
        .unwrap_or_default();
    if explicit {
        return format!(
            "attribute key `{key}` has no namespace: span attributes, metric dimensions and baggage keys of an application are dotted names in its own namespace; write {registry}`#[attr(key = \"yourapp.{key}\")]`"
        );
    }
    format!(
        "attribute key `{key}` (the field name) has no namespace: span attributes, metric dimensions and baggage keys of an application are dotted names in its own namespace; write {registry}`#[attr(key = \"yourapp.{field}\")]`, or `#[common_attributes(namespace = \"yourapp\")]` on the struct to record every field as `yourapp.<field>`"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn registry_keys_are_facts() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../telemetry-runtime/semconv/facts.tsv"
        );
        let facts = std::fs::read_to_string(path).expect("the facts table of the runtime crate");
        for (field, key) in super::REGISTRY_KEYS {
            assert!(
                facts
                    .lines()
                    .any(|line| line.split('\t').next() == Some(key)),
                "{field} -> {key} is not a row of facts.tsv"
            );
            assert!(crate::common_attributes::parse::is_dotted_name(key));
        }
    }
}
