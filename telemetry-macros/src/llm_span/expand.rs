//! Generating the instrumented function.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ItemFn, ReturnType, Type};

use crate::llm_span::parse::SpanArgs;
use crate::model::span_kind_variant;
use crate::shared::function::{as_written, record_outcome, relocate};

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

/// The type a return value's outcome is read from: the `Ok` type of a `Result`, else the
/// type itself.
fn outcome_type(ty: &Type) -> &Type {
    if is_result(Some(ty))
        && let Some(ok) = last_segment(ty).and_then(|s| generic_arg(s, 0))
    {
        ok
    } else {
        ty
    }
}

pub struct Expansion<'a> {
    pub item: &'a ItemFn,
    pub args: &'a SpanArgs,
    /// The contract type, e.g. `::telemetry_runtime::__private::contracts::Chat`.
    pub contract: TokenStream,
    pub krate: TokenStream,
    /// Where errors about the contract as a whole (missing required) should land.
    pub contract_span: Span,
    /// Argument names of the built-in contract's content attributes: a string literal given
    /// to them is content, not a `StaticStr`.
    pub content_args: Vec<String>,
    /// A contract of the user's: its attribute types are known to the type system only.
    pub user_contract: bool,
    /// The built-in kind's optional outcome (a module of the runtime's `genai::probe`), and
    /// the attribute keys given as arguments, which it does not set again.
    pub optional_outcome: Option<(syn::Ident, Vec<String>)>,
}

/// `&value`, spanned so that a type error covers the user's whole expression: parentheses
/// only where precedence needs them (a parenthesised expression is reported on its first
/// token alone, as a span cannot be joined on stable).
fn borrow(value: &Expr) -> TokenStream {
    let at = value.span();
    let tight = matches!(
        value,
        Expr::Path(_)
            | Expr::Field(_)
            | Expr::MethodCall(_)
            | Expr::Call(_)
            | Expr::Index(_)
            | Expr::Lit(_)
            | Expr::Paren(_)
            | Expr::Macro(_)
            | Expr::Array(_)
            | Expr::Tuple(_)
            | Expr::Struct(_)
            | Expr::Try(_)
            | Expr::Await(_)
            | Expr::Block(_)
            | Expr::Reference(_)
            | Expr::Unary(_)
    );
    if tight {
        quote_spanned!(at=> &#value)
    } else {
        quote_spanned!(at=> &(#value))
    }
}

/// The error for `handle` on a function whose body becomes a future or stream before the
/// span can lend it a handle.
fn handle_error(handle: &syn::Ident, shape: &Shape) -> Option<syn::Error> {
    let message = match shape {
        Shape::Sync | Shape::Async => return None,
        Shape::ImplFuture => {
            "`handle` is available on plain fns and `async fn`s only: write this fn as an `async fn` to record values while it runs"
        }
        Shape::BoxedFuture => {
            "`handle` is not available in an `#[async_trait]` method (async-trait has already made its body a boxed future): move the body into an inherent `async fn` with `#[llm_span(..., handle = span)]` and call that from this method"
        }
        Shape::Stream(_) => {
            "`handle` is not available on a fn returning a stream (its span records the chunks itself): remove `handle`"
        }
    };
    Some(syn::Error::new(handle.span(), message))
}

/// The function as written, for when the arguments have errors: with the handle variable
/// declared (on a span that records nothing) when the contract is known, so that the body's
/// uses of it raise no errors of their own.
pub fn unexpanded(e: &Expansion<'_>, contract_known: bool) -> TokenStream {
    let item = e.item;
    let krate = &e.krate;
    let contract = &e.contract;
    let handle = e.args.handle.as_ref().filter(|_| contract_known).map(|h| {
        quote! {
            #[allow(unused_variables)]
            let #h = {
                static __TR_DISABLED: #krate::__private::span::SpanCore =
                    #krate::__private::span::SpanCore::disabled();
                #contract::__handle(&__TR_DISABLED)
            };
        }
    });
    as_written(item, handle.unwrap_or_default())
}

pub fn expand(e: &Expansion<'_>) -> syn::Result<TokenStream> {
    let item = e.item;
    let args = e.args;
    let krate = &e.krate;
    let private = quote!(#krate::__private);
    let contract = &e.contract;
    let shape = shape(item);

    if let Some(err) = args.handle.as_ref().and_then(|h| handle_error(h, &shape)) {
        return Err(err);
    }

    // Start attributes: one typed setter per argument; a value of the wrong type is reported
    // on the user's expression, a missing required attribute on the contract.
    let setters = args
        .attrs
        .iter()
        .map(|arg| {
            let name = &arg.name;
            let value = &arg.value;
            match value {
                // A built-in's string literal goes to a string attribute (the arguments were
                // checked): recorded without allocating.
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) if !e.user_contract && !e.content_args.contains(&name.to_string()) => {
                    quote_spanned!(value.span()=> .#name(&mut __tr_values, &#private::span::value::StaticStr(#s)))
                }
                _ => {
                    let value = borrow(value);
                    quote_spanned!(arg.value.span()=> .#name(&mut __tr_values, #value))
                }
            }
        })
        .collect::<Vec<_>>();
    // `request = expr` and `client = expr`: each borrowed (the parameter stays the body's) and
    // bound once, where its type is checked, so a value that is not a request (a client) is
    // one error, on the user's expression. The request's model names the span unless `model`
    // is given; its other parameters, and the client's `server.address` / `server.port`, join
    // the start attributes (the arguments given one by one win).
    let bound =
        |arg: &crate::llm_span::parse::RequestArg, var: TokenStream, module: TokenStream| {
            let at = arg.value.span();
            let value = match &arg.value {
                Expr::Reference(_) => arg.value.to_token_stream(),
                other => borrow(other),
            };
            (
                quote_spanned!(at=> let #var = #private::genai::#module::#module(#value);),
                quote!(#private::genai::#module::extend(&#var, &mut __tr_values);),
            )
        };
    let extensions: Vec<(TokenStream, TokenStream)> = args
        .request
        .iter()
        .map(|r| bound(r, quote!(__tr_request), quote!(request)))
        .chain(
            args.client
                .iter()
                .map(|c| bound(c, quote!(__tr_client), quote!(client))),
        )
        .collect();
    let mut setters = setters;
    if let Some(r) = &args.request
        && !args.attrs.iter().any(|a| a.name == "model")
    {
        let at = r.value.span();
        setters.push(
            quote_spanned!(at=> .model(&mut __tr_values, &#private::genai::request::request_model(&__tr_request))),
        );
    }
    // Its own statement, located at the contract: a missing required attribute is reported
    // there (as the unmet bound of `__finish`).
    let finish = relocate(quote!(__tr_start.__finish()), e.contract_span);
    let extend = extensions.iter().map(|(_, extend)| extend);
    let finish = quote! {
        #finish;
        #(#extend)*
    };
    let request_bind: Vec<&TokenStream> = extensions.iter().map(|(bind, _)| bind).collect();
    let span_kind = match &args.span_kind {
        Some(lit) => {
            let variant = syn::Ident::new(span_kind_variant(&lit.value()), lit.span());
            quote!(#private::opentelemetry::trace::SpanKind::#variant)
        }
        None => quote!(<#contract as #private::span::Contract>::SPAN_KIND),
    };
    let given = args.attrs.len();
    // With a handle, a setter may replace a start value: the start values are then written
    // when the span ends.
    let with_handle = args.handle.is_some();
    let value_type = match &shape {
        Shape::ImplFuture | Shape::BoxedFuture => future_output(item),
        _ => output_type(item).cloned(),
    };
    // A future whose output (or its `Ok` value) is named `…Stream` (async-openai's
    // `ChatCompletionResponseStream`) may carry the rest of the operation: the span is handed
    // to it when it is `span::KeepOpen`, and stays open until it ends.
    let keeps_open = matches!(shape, Shape::Async | Shape::ImplFuture | Shape::BoxedFuture)
        && value_type
            .as_ref()
            .and_then(|ty| last_segment(outcome_type(ty)))
            .is_some_and(|s| s.ident.to_string().ends_with("Stream"));
    // Stream statistics (and the clock reading they need at start) only for a fn that
    // returns a stream.
    let stream_keys = match &shape {
        Shape::Stream(_) => quote!(<#contract as #private::span::Contract>::STREAM_KEYS),
        _ if keeps_open => quote!(<#contract as #private::span::Contract>::STREAM_KEYS),
        _ => quote!(::core::option::Option::None),
    };
    let hand_off = keeps_open.then(|| {
        quote! {
            let __tr_ret = {
                #[allow(unused_imports)]
                use #private::span::{ViaKeepOpen as _, ViaReturnValue as _};
                (&#private::span::Handoff::new(__tr_ret)).hand_off(&mut __tr_span)
            };
        }
    });
    // The attributes are evaluated in the instrumented fn, not in a closure the runtime
    // calls (the arguments they borrow then stay in registers), and only when a tracer is
    // installed. They are written into a slot the span takes them from, and the span state
    // is written in place, where it stays: nothing of either is moved.
    let begin = |span: TokenStream| {
        quote! {
            {
                #(#request_bind)*
                #[allow(unused_mut)]
                let mut __tr_values = #private::span::StartSlot::new(#contract::__values(#given));
                let __tr_start = #contract::__start() #(#setters)*;
                #finish
                #span.begin_slot::<#with_handle>(
                    #span_kind,
                    <#contract as #private::span::Contract>::span_name,
                    &mut __tr_values,
                    <#contract as #private::span::Contract>::STEP_KEYS,
                    #stream_keys,
                );
            }
        }
    };
    let begin_here = begin(quote!(__tr_span));
    let start = quote! {
        #[allow(unused_mut)]
        let mut __tr_span = #private::span::SpanCore::disabled();
        if #private::span::is_enabled() {
            #begin_here
        }
    };
    let handle = args
        .handle
        .as_ref()
        .map(|h| quote!(#[allow(unused_variables)] let #h = #contract::__handle(&__tr_span);));

    let block = &item.block;
    let stmts = &item.block.stmts;

    // A return value the contract's outcome trait does not accept is reported on the type
    // that must implement it: the `Ok` type of a `Result`.
    let outcome_span = value_type
        .as_ref()
        .map(|ty| outcome_type(ty).span())
        .unwrap_or_else(|| item.sig.ident.span());
    // An optional outcome is recorded when the value implements its trait, decided here,
    // where the type is concrete.
    let probe = |v: &TokenStream| {
        e.optional_outcome.as_ref().map(|(module, given)| {
            quote! {
                {
                    #[allow(unused_imports)]
                    use #private::genai::probe::#module::{Fallback as _, Specific as _};
                    (&#private::genai::probe::#module::Probe(#v)).record_probe(&__tr_span, &[#(#given),*]);
                }
            }
        })
    };
    let record = |value: TokenStream| -> TokenStream {
        let record_ok = |v: TokenStream| {
            let recorded = relocate(
                quote! {
                    #private::span::RecordReturn::<#contract>::record_return(#private::span::Returned(#v), &__tr_span)
                },
                outcome_span,
            );
            let probe = probe(&v);
            quote!(#recorded; #probe)
        };
        if value_type.is_none() {
            return quote!();
        }
        let ok = record_ok(quote!(__tr_ok));
        record_outcome(&private, &value, &ok)
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

    // Runs the body in a closure, so that its `return`s and `?`s end the body and not the
    // instrumented function. Passed to a function taking `FnOnce` so that the closure is one:
    // called directly it would be inferred `FnMut` whenever the body mutates a capture, and
    // then could not return a borrow of it (`&mut self.field` from a `&mut self` method).
    let once = quote! {
        #[inline(always)]
        fn __tr_once<R>(body: impl ::core::ops::FnOnce() -> R) -> R {
            body()
        }
    };
    let body = match &shape {
        Shape::Sync => {
            let record = record(quote!(*__tr_ret));
            let begin_there = begin(quote!(__tr_live));
            let handle = args.handle.as_ref().map(
                |h| quote!(#[allow(unused_variables)] let #h = #contract::__handle(__tr_span);),
            );
            // One closure holds the body, and starts the span itself (its argument
            // expressions see the parameters it has taken). Called with no span when nothing
            // records: the disabled path is then the body after one load and a branch, with
            // no span state on the stack; else the runtime runs it with a span and records
            // the outcome.
            quote! {
                let __tr_on = #private::span::is_enabled();
                let __tr_body = #private::span::sync_body(move |__tr_live: ::core::option::Option<&mut #private::span::SpanCore>| {
                    #fake_return
                    static __TR_DISABLED: #private::span::SpanCore = #private::span::SpanCore::disabled();
                    let (__tr_guard, __tr_span) = match __tr_live {
                        ::core::option::Option::Some(__tr_live) => {
                            #begin_there
                            (__tr_live.enter_body(), &*__tr_live)
                        }
                        ::core::option::Option::None => (::core::option::Option::None, &__TR_DISABLED),
                    };
                    #handle
                    #(#stmts)*
                });
                if !__tr_on {
                    return __tr_body(::core::option::Option::None);
                }
                #private::span::run_sync(__tr_body, |__tr_ret, __tr_span| { #record })
            }
        }
        Shape::Async => {
            let record = record(quote!(__tr_ret));
            // The span state is boxed while it records: held inline, its size would be in
            // the fn's future whether or not anything is installed.
            let begin_there = begin(quote!(__tr_live));
            quote! {
                #[allow(unused_mut)]
                let mut __tr_span = #private::span::AsyncSpan::disabled();
                if #private::span::is_enabled() {
                    let __tr_live = __tr_span.enable();
                    #begin_there
                }
                #handle
                let __tr_ret = #private::span::InSpan::new(async move { #fake_return #(#stmts)* }, &__tr_span).await;
                #record
                #hand_off
                __tr_span.finish();
                __tr_ret
            }
        }
        Shape::ImplFuture | Shape::BoxedFuture => {
            let record = record(quote!(__tr_ret));
            // The output type, written out: the body's future alone may leave it partly
            // inferred (`async move { Ok(x) }` names no error type), and the probes in
            // `record` need it known.
            let annotation = value_type
                .as_ref()
                .filter(|ty| !contains_impl(ty))
                .map(|ty| quote!(: #ty));
            let wrapped = quote! {
                async move {
                    let __tr_ret #annotation = #private::span::InSpan::new(__tr_future, &__tr_span).await;
                    #record
                    #hand_off
                    __tr_span.finish();
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
                    #once
                    __tr_once(move || #block)
                };
                #wrapped
            }
        }
        Shape::Stream(item_ty) => quote! {
            #start
            let __tr_stream = {
                let __tr_guard = __tr_span.enter();
                #once
                __tr_once(move || #block)
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
