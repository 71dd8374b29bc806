//! `#[cloudevent_handler]`: an `async fn` taking a CloudEvent becomes a CONSUMER span that
//! covers the whole handler, in the scope of the event's `CommonAttributes`.
//!
//! [`parse`] reads the arguments, [`validate`] finds the event parameter and checks the
//! function, [`expand`] writes the handler. On any error the function is emitted as written.

pub mod expand;
pub mod parse;
pub mod validate;

use proc_macro2::TokenStream;
use quote::quote;

use crate::shared::errors::Errors;
use crate::shared::runtime_path;

/// The expansion of `#[cloudevent_handler(args)] item`.
pub fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse::parse(args, &mut errors);
    let Ok(parsed) = syn::parse2::<syn::ItemFn>(item.clone()) else {
        errors.push(validate::not_a_function(&item));
        let errors = errors.to_compile_errors();
        return quote!(#errors #item);
    };
    let event = validate::check(&parsed, args.event.as_ref(), &mut errors);
    if let (Some(event), true) = (&event, errors.is_empty()) {
        let krate = runtime_path(args.krate.as_ref());
        return expand::expand(&parsed, &args, event, &krate);
    }
    let errors = errors.to_compile_errors();
    let fallback = expand::unexpanded(&parsed);
    quote!(#errors #fallback)
}
