//! Checking the function `#[cloudevent_handler]` is put on, and finding its event parameter.

use syn::spanned::Spanned;
use syn::{FnArg, Ident, ItemFn, Pat, Type};

use crate::shared::errors::Errors;

/// Checks the function and returns the name of the parameter holding the event.
pub fn check(item: &ItemFn, event: Option<&Ident>, errors: &mut Errors) -> Option<Ident> {
    if let Some(constness) = &item.sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            "#[cloudevent_handler] cannot be a `const fn`: remove `const`",
        ));
    }
    if item.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            item.sig.fn_token.span,
            "#[cloudevent_handler] goes on an `async fn`: its span covers the handler's whole execution; write `async fn`",
        ));
    }
    let typed: Vec<&syn::PatType> = item
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(t) => Some(t),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let chosen = match event {
        Some(name) => {
            let found = typed
                .iter()
                .find(|t| matches!(&*t.pat, Pat::Ident(p) if p.ident == *name));
            if found.is_none() {
                errors.push(syn::Error::new(
                    name.span(),
                    format!("`{name}` is not a parameter of this function: name the parameter that holds the `cloudevents::Event`"),
                ));
                return None;
            }
            found
        }
        None => typed
            .iter()
            .find(|t| names_event(&t.ty))
            .or_else(|| typed.first()),
    };
    let Some(param) = chosen else {
        errors.push(syn::Error::new(
            item.sig.paren_token.span.join(),
            "#[cloudevent_handler] handles an event: add a parameter `event: cloudevents::Event`",
        ));
        return None;
    };
    match &*param.pat {
        Pat::Ident(p) => Some(p.ident.clone()),
        other => {
            errors.push(syn::Error::new(
                other.span(),
                "bind the event to a name, e.g. `event: Event`: the span reads it before the handler runs",
            ));
            None
        }
    }
}

/// Whether a parameter type names an `Event` (`Event`, `&Event`, `cloudevents::Event`).
fn names_event(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => names_event(&r.elem),
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Event" && s.arguments.is_empty()),
        _ => false,
    }
}

/// The error for an item that is not a function.
pub fn not_a_function(item: &proc_macro2::TokenStream) -> syn::Error {
    let at = item
        .clone()
        .into_iter()
        .next()
        .map(|t| t.span())
        .unwrap_or_else(proc_macro2::Span::call_site);
    syn::Error::new(
        at,
        "#[cloudevent_handler] goes on an `async fn` that takes a `cloudevents::Event`",
    )
}
