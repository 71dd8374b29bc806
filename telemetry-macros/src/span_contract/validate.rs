//! Checks of a parsed `#[derive(SpanContract)]` across its attributes: content is never
//! required, each key is recorded once, and every placeholder of the span name is a key.

use crate::model::Requirement;
use crate::shared::errors::Errors;
use crate::shared::suggest::closest;

use super::parse::Parsed;

/// Reports every error on its token and leaves a contract that can still be emitted: a
/// required content attribute becomes opt-in, a repeated key is dropped.
pub fn check(parsed: &mut Parsed, errors: &mut Errors) {
    let attrs = &mut parsed.spec.attrs;
    for (attr, spans) in attrs.iter_mut().zip(&parsed.spans) {
        if attr.is_content() && attr.requirement == Requirement::Required {
            errors.push(syn::Error::new(
                spans.required.unwrap_or(spans.field),
                "a content attribute cannot be required: content is recorded only when content capture is on; remove `required`",
            ));
            attr.requirement = Requirement::OptIn;
        }
    }
    let mut index = 0;
    while index < attrs.len() {
        if let Some(previous) = attrs[..index].iter().find(|a| a.key == attrs[index].key) {
            errors.push(syn::Error::new(
                parsed.spans[index].key,
                format!(
                    "duplicate attribute key `{}`: field `{}` already records it; give each field its own key with `#[attr(key = \"...\")]`",
                    attrs[index].key, previous.arg
                ),
            ));
            attrs.remove(index);
            parsed.spans.remove(index);
        } else {
            index += 1;
        }
    }
    for placeholder in telemetry_vocabulary::template::placeholders(&parsed.spec.name) {
        if !attrs.iter().any(|a| a.key == placeholder) {
            let hint = if let Some(a) = attrs.iter().find(|a| a.arg == placeholder) {
                format!(": placeholders are attribute keys, write `{{{}}}`", a.key)
            } else if let Some(key) = closest(placeholder, attrs.iter().map(|a| a.key.as_str())) {
                format!(": did you mean `{{{key}}}`?")
            } else {
                String::new()
            };
            errors.push(syn::Error::new(
                parsed.name_span,
                format!("the span name uses `{{{placeholder}}}` but the contract has no attribute with that key{hint}"),
            ));
        }
    }
}
