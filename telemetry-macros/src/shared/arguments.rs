//! The `name = value` argument lists `#[llm_span]` and `#[cloudevent_handler]` take.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Meta, Token};

use crate::shared::errors::Errors;

struct RawArgs(Punctuated<Meta, Token![,]>);

impl Parse for RawArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        Ok(RawArgs(Punctuated::parse_terminated(input)?))
    }
}

/// Calls `each` with every `name = value` pair of an attribute's arguments, in order. What is
/// not one is reported on its own tokens, in its place among the pairs: a bare name with the
/// message `needs_value` gives for it, a `name(...)` list with `list_message`.
pub fn for_each_name_value(
    args: TokenStream,
    errors: &mut Errors,
    needs_value: impl Fn(&syn::Path) -> String,
    list_message: &str,
    mut each: impl FnMut(syn::Path, Expr, &mut Errors),
) {
    let raw = match syn::parse2::<RawArgs>(args) {
        Ok(raw) => raw,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    for meta in raw.0 {
        match meta {
            Meta::NameValue(nv) => each(nv.path, nv.value, errors),
            Meta::Path(path) => errors.push(syn::Error::new(path.span(), needs_value(&path))),
            Meta::List(list) => errors.push(syn::Error::new(list.span(), list_message)),
        }
    }
}

/// The argument names given so far, so that one given twice is reported.
#[derive(Default)]
pub struct Seen(Vec<String>);

impl Seen {
    /// Whether `name` is given for the first time; if not, reports it on `path`.
    pub fn first(&mut self, name: &str, path: &syn::Path, errors: &mut Errors) -> bool {
        if self.0.iter().any(|seen| seen == name) {
            errors.push(syn::Error::new(
                path.span(),
                format!("duplicate argument `{name}`: give it once"),
            ));
            return false;
        }
        self.0.push(name.to_owned());
        true
    }
}
