//! `#[derive(CommonAttributes)]`: a struct of `String` / `Option<String>` identifier fields
//! implements `scope::CommonAttributes` (headers in and out, span attributes, log fields,
//! metric dimensions, baggage members, CloudEvents extensions).
//!
//! [`parse`] reads the struct and its options into fields, [`validate`] checks names and keys
//! across the fields, [`expand`] writes the impl. On any error a fallback impl is emitted, so
//! uses of the type as `CommonAttributes` raise no errors of their own.

pub mod expand;
pub mod parse;
pub mod validate;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::shared::errors::Errors;

/// The expansion of `#[derive(CommonAttributes)]` on `input`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let mut parsed = parse::parse(input, &mut errors);
    validate::check(&mut parsed, &mut errors);
    if errors.is_empty() {
        return expand::expand(input, &parsed);
    }
    let errors = errors.to_compile_errors();
    let fallback = expand::fallback(input, &parsed.krate);
    quote!(#errors #fallback)
}
