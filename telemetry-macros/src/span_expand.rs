//! Generating the instrumented function.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ItemFn, ReturnType, Type};

use crate::model::span_kind_variant;
use crate::span_args::SpanArgs;

/// How the function returns.
enum Shape {
    /// A plain fn.
    Sync,
    /// An `async fn`.
    Async,
    /// A fn returning `impl Future` (wrapped in an `async move` block).
    ImplFuture,
    /// A fn returning `Pin<Box<dyn Future ...>>` (async-trait methods).
    BoxedFuture,
    /// A fn returning `impl Stream<Item = T>`.
    Stream(Box<Type>),
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn generic_arg(seg: &syn::PathSegment, index: usize) -> Option<&Type> {
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .nth(index)
}

/// The `Output`/`Item` type named in `impl Trait<Name = T>` bounds.
fn assoc_type<'a>(
    bounds: impl IntoIterator<Item = &'a syn::TypeParamBound>,
    trait_name: &str,
    assoc: &str,
) -> Option<&'a Type> {
    for bound in bounds {
        let syn::TypeParamBound::Trait(t) = bound else {
            continue;
        };
        let seg = t.path.segments.last()?;
        if seg.ident != trait_name {
            continue;
        }
        let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
            continue;
        };
        for arg in &args.args {
            if let syn::GenericArgument::AssocType(a) = arg
                && a.ident == assoc
            {
                return Some(&a.ty);
            }
        }
    }
    None
}

fn shape(item: &ItemFn) -> Shape {
    if item.sig.asyncness.is_some() {
        return Shape::Async;
    }
    let ReturnType::Type(_, ty) = &item.sig.output else {
        return Shape::Sync;
    };
    match &**ty {
        Type::ImplTrait(it) => {
            if let Some(item_ty) = assoc_type(&it.bounds, "Stream", "Item") {
                return Shape::Stream(Box::new(item_ty.clone()));
            }
            if assoc_type(&it.bounds, "Future", "Output").is_some() {
                return Shape::ImplFuture;
            }
            Shape::Sync
        }
        ty => {
            if let Some(seg) = last_segment(ty)
                && seg.ident == "Pin"
                && let Some(inner) = generic_arg(seg, 0)
                && let Some(boxed) = last_segment(inner)
                && boxed.ident == "Box"
                && let Some(Type::TraitObject(obj)) = generic_arg(boxed, 0)
                && assoc_type(&obj.bounds, "Future", "Output").is_some()
            {
                return Shape::BoxedFuture;
            }
            Shape::Sync
        }
    }
}

/// The type the body evaluates to, when it can be named (not `impl Trait`).
fn output_type(item: &ItemFn) -> Option<&Type> {
    match &item.sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => (!contains_impl(ty)).then_some(&**ty),
    }
}

fn future_output(item: &ItemFn) -> Option<Type> {
    let ReturnType::Type(_, ty) = &item.sig.output else {
        return None;
    };
    match &**ty {
        Type::ImplTrait(it) => assoc_type(&it.bounds, "Future", "Output").cloned(),
        ty => {
            let seg = last_segment(ty)?;
            let inner = last_segment(generic_arg(seg, 0)?)?;
            let Some(Type::TraitObject(obj)) = generic_arg(inner, 0) else {
                return None;
            };
            assoc_type(&obj.bounds, "Future", "Output").cloned()
        }
    }
}

fn contains_impl(ty: &Type) -> bool {
    ty.to_token_stream()
        .into_iter()
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "impl"))
}

fn is_result(ty: Option<&Type>) -> bool {
    ty.and_then(last_segment)
        .is_some_and(|s| s.ident == "Result")
}

pub struct Expansion<'a> {
    pub item: &'a ItemFn,
    pub args: &'a SpanArgs,
    /// The contract type, e.g. `::telemetry_runtime::__private::contracts::Chat`.
    pub contract: TokenStream,
    pub krate: TokenStream,
    /// Where errors about the contract as a whole (missing required) should land.
    pub contract_span: Span,
    /// Argument names of string content... (names are checked by the type system).
    pub content_args: Vec<String>,
}

pub fn expand(e: &Expansion<'_>) -> syn::Result<TokenStream> {
    let item = e.item;
    let args = e.args;
    let krate = &e.krate;
    let private = quote!(#krate::__private);
    let contract = &e.contract;
    let shape = shape(item);

    if let Some(handle) = &args.handle
        && matches!(
            shape,
            Shape::ImplFuture | Shape::BoxedFuture | Shape::Stream(_)
        )
    {
        return Err(syn::Error::new(
            handle.span(),
            "`handle` is available on plain and `async fn`s only: make this an `async fn` to record values mid-way",
        ));
    }

    // Start attributes: one typed setter per argument; a value of the wrong type is reported
    // on the user's expression, a missing required attribute on the contract.
    let setters = args.attrs.iter().map(|arg| {
        let name = &arg.name;
        let value = &arg.value;
        match value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) if !e.content_args.contains(&name.to_string()) => {
                quote_spanned!(value.span()=> .#name(&#private::span::value::StaticStr(#s)))
            }
            _ => quote_spanned!(value.span()=> .#name(&(#value))),
        }
    });
    let finish = quote_spanned!(e.contract_span=> .__finish());
    let span_kind = match &args.span_kind {
        Some(lit) => {
            let variant = syn::Ident::new(span_kind_variant(&lit.value()), lit.span());
            quote!(#private::opentelemetry::trace::SpanKind::#variant)
        }
        None => quote!(<#contract as #private::span::Contract>::SPAN_KIND),
    };
    let start = quote! {
        let __tr_span = #private::span::SpanCore::start(
            #span_kind,
            <#contract as #private::span::Contract>::span_name,
            || #contract::__start() #(#setters)* #finish,
            <#contract as #private::span::Contract>::STEP_KEYS,
            <#contract as #private::span::Contract>::STREAM_KEYS,
        );
    };
    let handle = args
        .handle
        .as_ref()
        .map(|h| quote!(#[allow(unused_variables)] let #h = #contract::__handle(&__tr_span);));

    let block = &item.block;
    let ret_span = match &item.sig.output {
        ReturnType::Type(_, ty) => ty.span(),
        ReturnType::Default => item.sig.ident.span(),
    };

    let value_type = match &shape {
        Shape::ImplFuture | Shape::BoxedFuture => future_output(item),
        _ => output_type(item).cloned(),
    };
    let record = |value: TokenStream| -> TokenStream {
        let record_ok = |v: TokenStream| {
            quote_spanned! {ret_span=>
                #private::span::RecordReturn::<#contract>::record_return(#private::span::Returned(#v), &__tr_span)
            }
        };
        if is_result(value_type.as_ref()) {
            let ok = record_ok(quote!(__tr_ok));
            quote! {
                if __tr_span.is_active() {
                    match &#value {
                        ::core::result::Result::Ok(__tr_ok) => { #ok; }
                        ::core::result::Result::Err(__tr_err) => {
                            #[allow(unused_imports)]
                            use #private::span::{ViaDisplay as _, ViaErrorType as _, ViaNothing as _, ViaTypeName as _};
                            #[allow(clippy::needless_borrow)]
                            __tr_span.record_error(
                                (&&#private::span::ErrorProbe(__tr_err)).error_type_of(),
                                (&&#private::span::ErrorProbe(__tr_err)).message_of(),
                            );
                        }
                    }
                }
            }
        } else if value_type.is_some() {
            let ok = record_ok(quote!(&#value));
            quote!(if __tr_span.is_active() { #ok; })
        } else {
            quote!()
        }
    };
    let fake_return = value_type.as_ref().map(|ty| {
        quote! {
            #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::needless_return)]
            if false {
                let __tr_fake: #ty = loop {};
                return __tr_fake;
            }
        }
    });

    let body = match &shape {
        Shape::Sync => {
            let record = record(quote!(__tr_ret));
            quote! {
                #start
                #handle
                let __tr_ret = {
                    let __tr_guard = __tr_span.enter();
                    #[allow(clippy::redundant_closure_call)]
                    (move || { #fake_return #block })()
                };
                #record
                __tr_span.end();
                __tr_ret
            }
        }
        Shape::Async => {
            let record = record(quote!(__tr_ret));
            quote! {
                #start
                #handle
                let __tr_ret = #private::span::InSpan::new(async move { #fake_return #block }, &__tr_span).await;
                #record
                __tr_span.end();
                __tr_ret
            }
        }
        Shape::ImplFuture | Shape::BoxedFuture => {
            let record = record(quote!(__tr_ret));
            let wrapped = quote! {
                async move {
                    let __tr_ret = #private::span::InSpan::new(__tr_future, &__tr_span).await;
                    #record
                    __tr_span.end();
                    __tr_ret
                }
            };
            let wrapped = match shape {
                Shape::BoxedFuture => quote!(::std::boxed::Box::pin(#wrapped)),
                _ => wrapped,
            };
            quote! {
                #start
                let __tr_future = {
                    let __tr_guard = __tr_span.enter();
                    #block
                };
                #wrapped
            }
        }
        Shape::Stream(item_ty) => quote! {
            #start
            let __tr_stream = {
                let __tr_guard = __tr_span.enter();
                #block
            };
            #private::span::SpanStream::new(__tr_stream, __tr_span, |__tr_item: &#item_ty| {
                #[allow(unused_imports)]
                use #private::span::{ViaChunkTokens as _, ViaNoTokens as _};
                #[allow(clippy::needless_borrow)]
                let tokens = (&&#private::span::TokenProbe(__tr_item)).tokens_of();
                tokens
            })
        },
    };

    let attrs = &item.attrs;
    let vis = &item.vis;
    let sig = &item.sig;
    Ok(quote! {
        #(#attrs)*
        #vis #sig {
            #body
        }
    })
}
