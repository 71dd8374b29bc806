//! `#[llm_span]`: a function becomes a span that follows a contract (a built-in kind or a
//! `#[derive(SpanContract)]` type).
//!
//! [`parse`] reads the arguments, [`validate`] resolves the contract and checks every
//! argument against it, [`expand`] writes the instrumented function. On any error the function
//! is emitted as written beside the errors.

pub mod expand;
pub mod parse;
pub mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::shared::errors::Errors;
use crate::shared::runtime_path;
use validate::Target;

/// The expansion of `#[llm_span(args)] item`.
pub fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse::parse(args, &mut errors);

    let parsed = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(f) => Some(f),
        Err(_) => {
            errors.push(validate::not_a_function(&item));
            None
        }
    };
    if let Some(f) = &parsed {
        validate::check_function(f, &mut errors);
    }

    validate::check_span_kind(&args, &mut errors);
    let target = validate::resolve(&args, &mut errors);
    validate::check_request(&args, target.as_ref(), &mut errors);
    validate::check_client(&args, target.as_ref(), &mut errors);
    let krate = runtime_path(args.krate.as_ref());
    // The optional outcome's module, and the attribute keys given as arguments: those the
    // outcome leaves as the user wrote them.
    let optional_outcome = match &target {
        Some(Target::Builtin(b, spec)) => b.optional_outcome.map(|m| {
            let given: Vec<String> = (spec.attrs.iter())
                .filter(|a| args.attrs.iter().any(|g| g.name == a.arg.as_str()))
                .map(|a| a.key.clone())
                .collect();
            (syn::Ident::new(m, proc_macro2::Span::call_site()), given)
        }),
        _ => None,
    };
    let (contract, contract_span, content_args) = match &target {
        Some(Target::Builtin(b, spec)) => {
            validate::check_builtin(&args, spec, &mut errors);
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
    let e = parsed.as_ref().map(|f| expand::Expansion {
        item: f,
        args: &args,
        contract,
        krate,
        contract_span,
        content_args,
        user_contract: matches!(target, Some(Target::User(_))),
        optional_outcome: optional_outcome.clone(),
    });
    if let Some(e) = &e
        && errors.is_empty()
    {
        match expand::expand(e) {
            Ok(tokens) => return tokens,
            Err(err) => errors.push(err),
        }
    }
    // On error the function is still emitted, so its callers type-check and the only errors
    // are the ones above.
    let fallback = match &e {
        Some(e) => expand::unexpanded(e, resolved),
        None => item,
    };
    let errors = errors.to_compile_errors();
    quote!(#errors #fallback)
}
