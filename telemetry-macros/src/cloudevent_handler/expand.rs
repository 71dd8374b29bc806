//! Code generation of `#[cloudevent_handler]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, ItemFn, ReturnType};

use crate::cloudevent_handler::parse::HandlerArgs;
use crate::shared::function::{as_written, record_outcome, relocate};

/// The instrumented function.
pub fn expand(
    item: &ItemFn,
    args: &HandlerArgs,
    event: &Ident,
    krate: &TokenStream,
) -> TokenStream {
    let private = quote!(#krate::__private);
    let event_ref = relocate(
        quote!(#private::cloudevents::handler_event(&#event)),
        event.span(),
    );
    let system = args.system.as_ref().map(|s| quote!(.system(#s)));
    let destination = args.destination.as_ref().map(|d| {
        let call = quote_spanned!(d.span()=> .destination(#d));
        call
    });
    let start = quote! {
        let __tr_span = #private::cloudevents::process_span(
            #event_ref,
            || #private::cloudevents::Messaging::new() #system #destination,
        );
    };
    let stmts = &item.block.stmts;
    let fake_return = match &item.sig.output {
        ReturnType::Type(_, ty) => Some(quote! {
            #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::needless_return)]
            if false {
                let __tr_fake: #ty = loop {};
                return __tr_fake;
            }
        }),
        ReturnType::Default => None,
    };
    let body = quote!(async move { #fake_return #(#stmts)* });
    let (common, body) = match &args.common {
        Some(ty) => (
            quote! {
                let __tr_common = #private::cloudevents::common_for_handler::<#ty>(#event_ref, &__tr_span);
            },
            quote!(#private::cloudevents::in_scope(__tr_common, #body)),
        ),
        None => (quote!(), body),
    };
    let record = match &item.sig.output {
        ReturnType::Type(..) => {
            record_outcome(&private, &quote!(__tr_ret), &quote!(let _ = __tr_ok))
        }
        ReturnType::Default => quote!(),
    };
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    quote! {
        #(#attrs)*
        #vis #sig {
            #start
            #common
            let __tr_ret = #private::span::InSpan::new(#body, &__tr_span).await;
            #record
            __tr_span.end();
            __tr_ret
        }
    }
}

/// The function as written, emitted beside the errors so the rest of the crate type-checks.
pub fn unexpanded(item: &ItemFn) -> TokenStream {
    as_written(item, TokenStream::new())
}
