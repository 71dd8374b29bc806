//! `#[derive(SpanContract)]`: a struct declares a span contract of the user's (its kind, span
//! kind, name template and attributes), used with `#[llm_span(contract = Type, ...)]`; and the
//! emission of the built-in contracts inside the runtime crate from the same model.
//!
//! [`parse`] reads the struct into a [`ContractSpec`](crate::model::ContractSpec),
//! [`validate`] checks it, [`expand`] writes the contract's items.

pub mod expand;
pub mod parse;
pub mod validate;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::model::builtin;
use crate::shared::errors::Errors;

/// The expansion of `#[derive(SpanContract)]` on `input`.
pub fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let mut parsed = parse::parse(input, &mut errors);
    if let Some(parsed) = &mut parsed {
        validate::check(parsed, &mut errors);
    }
    let errors = errors.to_compile_errors();
    let Some(parsed) = parsed else {
        return errors;
    };
    // On error the contract is still emitted from the fields that are valid, so the
    // `#[llm_span(contract = ...)]` uses of it raise no errors of their own. Not for a generic
    // struct, whose emitted items would not name its parameters.
    if !errors.is_empty() && !input.generics.params.is_empty() {
        return errors;
    }
    let vis = &input.vis;
    let expanded = expand::expand(&parsed.spec, &parsed.krate, &quote!(#vis));
    // The fields declare attributes and are never read: say so, or every contract with
    // private fields warns.
    let ident = &input.ident;
    let fields = match &input.data {
        syn::Data::Struct(s) => s.fields.iter().filter_map(|f| f.ident.as_ref()).collect(),
        _ => Vec::new(),
    };
    quote! {
        #errors
        #expanded

        impl #ident {
            #[doc(hidden)]
            #[allow(dead_code)]
            fn __tr_declared_fields(&self) {
                #(let _ = &self.#fields;)*
            }
        }
    }
}

/// The built-in contract types, emitted inside `telemetry-runtime`.
pub fn builtin_contracts() -> TokenStream {
    let krate = quote!(crate);
    let vis = quote!(pub);
    let items = builtin::BUILTINS.iter().map(|b| {
        let spec = builtin::spec(b);
        let ident = &spec.ident;
        let doc = &spec.doc;
        let kind_doc = format!("`#[llm_span(kind = \"{}\")]`", spec.kind);
        let body = expand::expand(&spec, &krate, &vis);
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #kind_doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #ident;
            #body
        }
    });
    quote!(#(#items)*)
}
