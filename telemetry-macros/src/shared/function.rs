//! Code that every function macro emits the same way: the function as written beside its
//! errors, tokens relocated onto the user's span, and the outcome probe that records a
//! `Result`'s error on the span.

use proc_macro2::{Span, TokenStream};
use quote::quote;

/// `tokens` located at `at`, so that an error in them is reported there; names still
/// resolve as before.
pub fn relocate(tokens: TokenStream, at: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut t| {
            let span = t.span().located_at(at);
            if let proc_macro2::TokenTree::Group(g) = &t {
                let mut group = proc_macro2::Group::new(g.delimiter(), relocate(g.stream(), at));
                group.set_span(span);
                t = proc_macro2::TokenTree::Group(group);
            } else {
                t.set_span(span);
            }
            t
        })
        .collect()
}

/// `item` with its body as written after `prelude`, emitted beside a macro's errors so the
/// rest of the crate type-checks and the only errors are the macro's own.
pub fn as_written(item: &syn::ItemFn, prelude: TokenStream) -> TokenStream {
    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    let block = &item.block;
    quote! {
        #(#attrs)*
        #[allow(unused_variables)]
        #vis #sig {
            #prelude
            #block
        }
    }
}

/// Records the outcome of `value` on `__tr_span` when it is active: `ok` runs with `__tr_ok`
/// bound to the success value (the `Ok` of a `Result`, or the value itself), and an `Err` is
/// recorded as the span's error (status, low-cardinality `error.type`, exception event).
pub fn record_outcome(private: &TokenStream, value: &TokenStream, ok: &TokenStream) -> TokenStream {
    // Whether the value is a `Result` is asked of the type system, not read from the
    // signature: aliases (`io::Result<T>`, `type MyResult<T> = ...`) are results too, and
    // a type of the user's that happens to be called `Result` is not. Autoref
    // specialisation on a local probe, at this non-generic call site, so that the error
    // probes below see the concrete error type.
    quote! {
        if __tr_span.is_active() {
            struct __TrSplit<'a, R: ?::core::marker::Sized>(&'a R);
            #[allow(dead_code)]
            trait __TrViaResult<'a> {
                type Ok: ?::core::marker::Sized;
                type Err: ?::core::marker::Sized;
                fn __tr_split(&self) -> ::core::result::Result<&'a Self::Ok, &'a Self::Err>;
            }
            impl<'a, T, E> __TrViaResult<'a> for &__TrSplit<'a, ::core::result::Result<T, E>> {
                type Ok = T;
                type Err = E;
                #[inline]
                fn __tr_split(&self) -> ::core::result::Result<&'a T, &'a E> {
                    self.0.as_ref()
                }
            }
            #[allow(dead_code)]
            trait __TrViaValue<'a> {
                type Ok: ?::core::marker::Sized;
                fn __tr_split(&self) -> ::core::result::Result<&'a Self::Ok, &'a ::core::convert::Infallible>;
            }
            impl<'a, R: ?::core::marker::Sized> __TrViaValue<'a> for __TrSplit<'a, R> {
                type Ok = R;
                #[inline]
                fn __tr_split(&self) -> ::core::result::Result<&'a R, &'a ::core::convert::Infallible> {
                    ::core::result::Result::Ok(self.0)
                }
            }
            #[allow(clippy::needless_borrow)]
            match (&&__TrSplit(&#value)).__tr_split() {
                ::core::result::Result::Ok(__tr_ok) => { #ok; }
                ::core::result::Result::Err(__tr_err) => {
                    #[allow(unused_imports)]
                    use #private::span::{ViaDisplay as _, ViaErrorType as _, ViaNothing as _, ViaTypeName as _};
                    #[allow(clippy::needless_borrow)]
                    __tr_span.record_error(
                        (&&#private::span::ErrorProbe(__tr_err)).error_type_of(),
                        (&&#private::span::ErrorProbe(__tr_err)).safe_message_of(),
                        (&&#private::span::ErrorProbe(__tr_err)).message_of(),
                    );
                }
            };
        }
    }
}
