//! The span-kind check of `#[llm_span(span_kind = "...")]` and `#[contract(span_kind = "...")]`.

use syn::LitStr;

use crate::model::SPAN_KINDS;
use crate::shared::suggest::closest;

/// The span kind written in `lit`, or the error on it naming the kinds there are.
pub fn check(lit: &LitStr) -> Result<String, syn::Error> {
    let value = lit.value();
    if SPAN_KINDS.contains(&value.as_str()) {
        return Ok(value);
    }
    let hint = match closest(&value, SPAN_KINDS.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("write one of {}", SPAN_KINDS.join(", ")),
    };
    Err(syn::Error::new(
        lit.span(),
        format!("unknown span kind `{value}`: {hint}"),
    ))
}
