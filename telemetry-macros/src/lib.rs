//! Attribute and derive macros of the telemetry toolkit.
//!
//! Do not depend on this crate directly: use `telemetry-runtime`, which re-exports every
//! macro and provides the `__private` paths the generated code calls.
//!
//! Each macro parses, validates, then expands, in separate modules; it collects every error
//! instead of stopping at the first, puts each on the smallest offending token, and on bad
//! input still emits the item so the rest of the crate type-checks.

mod args;
mod builtin;
mod common_expand;
mod common_parse;
mod contract_expand;
mod contract_parse;
mod errors;
mod handler_args;
mod handler_expand;
mod handler_validate;
mod model;
mod span_args;
mod span_expand;
mod span_validate;
mod suggest;

use proc_macro::TokenStream;
use quote::quote;

use errors::Errors;
use span_validate::Target;

/// Turns a function into a span that follows a contract. See `telemetry_runtime::llm_span`.
#[proc_macro_attribute]
pub fn llm_span(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2: proc_macro2::TokenStream = item.clone().into();
    let mut errors = Errors::default();
    let args = span_args::parse(args.into(), &mut errors);

    let parsed = match syn::parse2::<syn::ItemFn>(item2.clone()) {
        Ok(f) => Some(f),
        Err(_) => {
            errors.push(span_validate::not_a_function(&item2));
            None
        }
    };
    if let Some(f) = &parsed
        && let Some(constness) = &f.sig.constness
    {
        errors.push(syn::Error::new(
            constness.span,
            "#[llm_span] cannot instrument a `const fn`: spans are recorded at run time; remove `const`",
        ));
    }

    span_validate::check_span_kind(&args, &mut errors);
    let target = span_validate::resolve(&args, &mut errors);
    let krate = match &args.krate {
        Some(path) => quote!(#path),
        None => quote!(::telemetry_runtime),
    };
    let (contract, contract_span, content_args) = match &target {
        Some(Target::Builtin(b, spec)) => {
            span_validate::check_builtin(&args, spec, &mut errors);
            let ident = syn::Ident::new(b.ident, proc_macro2::Span::call_site());
            let content: Vec<String> = spec
                .attrs
                .iter()
                .filter(|a| a.is_content())
                .map(|a| a.arg.clone())
                .collect();
            let span = args.kind.as_ref().map(|k| k.span()).unwrap_or(args.span);
            (quote!(#krate::__private::contracts::#ident), span, content)
        }
        Some(Target::User(path)) => {
            let span = syn::spanned::Spanned::span(path);
            (quote!(#path), span, Vec::new())
        }
        None => (quote!(), args.span, Vec::new()),
    };

    let resolved = target.is_some();
    let e = parsed.as_ref().map(|f| span_expand::Expansion {
        item: f,
        args: &args,
        contract,
        krate,
        contract_span,
        content_args,
        user_contract: matches!(target, Some(Target::User(_))),
    });
    if let Some(e) = &e
        && errors.is_empty()
    {
        match span_expand::expand(e) {
            Ok(tokens) => return tokens.into(),
            Err(err) => errors.push(err),
        }
    }
    // On error the function is still emitted, so its callers type-check and the only errors
    // are the ones above.
    let fallback = match &e {
        Some(e) => span_expand::unexpanded(e, resolved),
        None => item2,
    };
    let errors = errors.to_compile_errors();
    quote!(#errors #fallback).into()
}

/// Turns an `async fn` taking a CloudEvent into a CONSUMER span that covers the whole
/// handler. See `telemetry_runtime::cloudevent_handler`.
#[proc_macro_attribute]
pub fn cloudevent_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    let item2: proc_macro2::TokenStream = item.into();
    let mut errors = Errors::default();
    let args = handler_args::parse(args.into(), &mut errors);
    let Ok(parsed) = syn::parse2::<syn::ItemFn>(item2.clone()) else {
        errors.push(handler_validate::not_a_function(&item2));
        let errors = errors.to_compile_errors();
        return quote!(#errors #item2).into();
    };
    let event = handler_validate::check(&parsed, args.event.as_ref(), &mut errors);
    if let (Some(event), true) = (&event, errors.is_empty()) {
        let krate = match &args.krate {
            Some(path) => quote!(#path),
            None => quote!(::telemetry_runtime),
        };
        return handler_expand::expand(&parsed, &args, event, &krate).into();
    }
    let errors = errors.to_compile_errors();
    let fallback = handler_expand::unexpanded(&parsed);
    quote!(#errors #fallback).into()
}

/// Declares a span contract of your own: use it with `#[llm_span(contract = Type, ...)]`.
/// See `telemetry_runtime::SpanContract`.
#[proc_macro_derive(SpanContract, attributes(contract, attr))]
pub fn derive_span_contract(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let mut errors = Errors::default();
    let parsed = contract_parse::parse(&input, &mut errors);
    if !errors.is_empty() {
        return errors.to_compile_errors().into();
    }
    let Some(parsed) = parsed else {
        return TokenStream::new();
    };
    let vis = &input.vis;
    let expanded = contract_expand::expand(&parsed.spec, &parsed.krate, &quote!(#vis));
    // The fields declare attributes and are never read: say so, or every contract with
    // private fields warns.
    let ident = &input.ident;
    let fields = match &input.data {
        syn::Data::Struct(s) => s.fields.iter().filter_map(|f| f.ident.as_ref()).collect(),
        _ => Vec::new(),
    };
    quote! {
        #expanded

        impl #ident {
            #[doc(hidden)]
            #[allow(dead_code)]
            fn __tr_declared_fields(&self) {
                #(let _ = &self.#fields;)*
            }
        }
    }
    .into()
}

/// Implements `scope::CommonAttributes` for a struct of `String` / `Option<String>`
/// identifier fields. See `telemetry_runtime::CommonAttributes`.
#[proc_macro_derive(CommonAttributes, attributes(common_attributes, attr))]
pub fn derive_common_attributes(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let mut errors = Errors::default();
    let parsed = common_parse::parse(&input, &mut errors);
    if errors.is_empty() {
        return common_expand::expand(&input, &parsed).into();
    }
    let errors = errors.to_compile_errors();
    let fallback = common_expand::fallback(&input, &parsed.krate);
    quote!(#errors #fallback).into()
}

/// Emits the built-in contract types inside `telemetry-runtime`. Not for use elsewhere.
#[doc(hidden)]
#[proc_macro]
pub fn __builtin_contracts(_input: TokenStream) -> TokenStream {
    let krate = quote!(crate);
    let vis = quote!(pub);
    let items = builtin::BUILTINS.iter().map(|b| {
        let spec = b.spec();
        let ident = &spec.ident;
        let doc = &spec.doc;
        let kind_doc = format!("`#[llm_span(kind = \"{}\")]`", spec.kind);
        let body = contract_expand::expand(&spec, &krate, &vis);
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #kind_doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #ident;
            #body
        }
    });
    quote!(#(#items)*).into()
}
