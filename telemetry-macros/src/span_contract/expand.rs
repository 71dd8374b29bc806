//! Code generation of a contract: the `Contract` impl, the typed start builder whose missing
//! required attributes are compile errors, the handle, and the return-value hook.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{AttrSpec, AttrType, Codegen as _, ContractSpec, span_kind_variant};

fn camel(arg: &str) -> String {
    arg.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The names of the items generated next to a contract type.
pub struct Names {
    pub start: Ident,
    pub handle: Ident,
}

pub fn names(ident: &Ident) -> Names {
    Names {
        start: format_ident!("__{}Start", ident),
        handle: format_ident!("{}Handle", ident),
    }
}

fn requires_trait(ident: &Ident, attr: &AttrSpec) -> Ident {
    format_ident!("__{}Requires{}", ident, camel(&attr.arg))
}

/// `krate` is the path of the runtime crate as seen from where the code is emitted.
pub fn expand(spec: &ContractSpec, krate: &TokenStream, vis: &TokenStream) -> TokenStream {
    let ident = &spec.ident;
    let Names { start, handle } = names(ident);
    let private = quote!(#krate::__private);
    let kind = &spec.kind;
    let name = &spec.name;
    let span_kind = Ident::new(span_kind_variant(&spec.span_kind), Span::call_site());
    let fixed_count = spec.attrs.iter().filter(|a| a.fixed.is_some()).count();

    let attribute_specs = spec.attrs.iter().map(|a| {
        let key = &a.key;
        let ty = a.ty.semconv();
        let req = Ident::new(
            crate::model::runtime_variant(a.requirement),
            Span::call_site(),
        );
        let source = if a.fixed.is_some() {
            quote!(Fixed)
        } else {
            quote!(Argument)
        };
        quote! {
            #private::span::AttributeSpec {
                key: #key, ty: #ty,
                requirement: #private::span::Requirement::#req,
                source: #private::span::Source::#source,
            }
        }
    });
    // A template whose one placeholder ends it (`chat {gen_ai.request.model}`) is split here,
    // so the runtime finds the name by the value alone.
    let suffix = telemetry_vocabulary::template::suffix(name);
    let fill_name = match &suffix {
        Some((prefix, key)) => {
            quote!(#private::span::fill_name_suffix(#name, #prefix, #key, attributes))
        }
        None => quote!(#private::span::fill_name(#name, attributes)),
    };
    let step_keys = match &spec.steps {
        Some(k) => {
            let (s, m, x) = (&k.steps, &k.mean_ms, &k.max_ms);
            quote!(::core::option::Option::Some(#private::span::StepKeys { steps: #s, mean_ms: #m, max_ms: #x }))
        }
        None => quote!(::core::option::Option::None),
    };
    let stream_keys = match &spec.stream {
        Some(k) => {
            let (t, c, o) = (&k.time_to_first_chunk, &k.chunks, &k.output_tokens);
            quote!(::core::option::Option::Some(#private::span::StreamKeys { time_to_first_chunk: #t, chunks: #c, output_tokens: #o }))
        }
        None => quote!(::core::option::Option::None),
    };

    let required: Vec<&AttrSpec> = spec
        .attrs
        .iter()
        .filter(|a| a.fixed.is_none() && a.requirement == crate::model::Requirement::Required)
        .collect();
    let params: Vec<Ident> = (0..required.len())
        .map(|i| format_ident!("R{}", i))
        .collect();
    let unset = params.iter().map(|_| quote!(#private::Unset));

    let fixed = spec.attrs.iter().filter_map(|a| {
        let key = &a.key;
        a.fixed
            .as_ref()
            .map(|v| quote!(#private::span::value::push::fixed(&mut attrs, #key, #v);))
    });

    let setters = spec.attrs.iter().filter(|a| a.fixed.is_none()).map(|a| {
        let method = Ident::new(&a.arg, Span::call_site());
        let key = &a.key;
        let doc = format!("`{}` ({}, {:?})", a.key, a.ty.semconv(), a.requirement);
        let (ret, build) = match required.iter().position(|r| r.arg == a.arg) {
            Some(i) => {
                let out = params.iter().enumerate().map(|(j, p)| {
                    if i == j { quote!(#private::Set) } else { quote!(#p) }
                });
                (quote!(#start<#(#out),*>), quote!(#start { _required: ::core::marker::PhantomData }))
            }
            None => (quote!(Self), quote!(self)),
        };
        let push = if a.ty == AttrType::Content {
            quote! {
                if let ::core::option::Option::Some(json) = #private::content_for_span(value) {
                    values.attributes.push(#private::opentelemetry::KeyValue::new(#key, json));
                }
                if let ::core::option::Option::Some(kv) = #private::content_for_event(#key, value) {
                    values.event.push(kv);
                }
            }
        } else if a.ty == AttrType::Str
            && let Some((prefix, _)) = suffix.as_ref().filter(|(_, k)| *k == a.key)
        {
            // The value that fills the span name: recorded from the interned name.
            quote! {
                #private::span::value::push::name_string(&mut values.attributes, #key, value, #name, #prefix);
            }
        } else if let Some(conv) = a.ty.converter() {
            let conv = Ident::new(conv, Span::call_site());
            quote! {
                #private::span::value::push::#conv(&mut values.attributes, #key, value);
            }
        } else {
            quote!()
        };
        let trait_path = match a.ty.value_trait() {
            Some(value_trait) => {
                let value_trait = Ident::new(value_trait, Span::call_site());
                quote!(#private::span::value::#value_trait)
            }
            None => quote!(#private::ContentValue),
        };
        quote! {
            #[doc = #doc]
            #[inline]
            pub fn #method<V: #trait_path + ?::core::marker::Sized>(self, values: &mut #private::span::StartValues, value: &V) -> #ret {
                #push
                #build
            }
        }
    });

    let handle_setters = spec.attrs.iter().filter(|a| a.fixed.is_none()).map(|a| {
        let method = format_ident!("set_{}", a.arg);
        let key = &a.key;
        let doc = format!("Sets `{}` while the span runs.", a.key);
        if let (Some(value_trait), Some(conv)) = (a.ty.value_trait(), a.ty.converter()) {
            let value_trait = Ident::new(value_trait, Span::call_site());
            let conv = Ident::new(conv, Span::call_site());
            quote! {
                #[doc = #doc]
                pub fn #method<V: #private::span::value::#value_trait + ?::core::marker::Sized>(&self, value: &V) {
                    self.span.set(#key, #private::span::value::to_value::#conv(value));
                }
            }
        } else {
            quote! {
                #[doc = #doc]
                pub fn #method<V: #private::ContentValue + ?::core::marker::Sized>(&self, value: &V) {
                    if let ::core::option::Option::Some(json) = #private::content_for_span(value) {
                        self.span.set(#key, ::core::option::Option::Some(json.into()));
                    }
                }
            }
        }
    });

    let requires = required.iter().map(|a| {
        let tr = requires_trait(ident, a);
        let message = format!("`{}` spans require `{}` ({})", spec.kind, a.arg, a.key);
        let label = format!("missing `{}`", a.arg);
        let note = format!(
            "add `{} = <expr>` to #[llm_span(...)]: {}",
            a.arg,
            a.ty.describe()
        );
        quote! {
            #[doc(hidden)]
            #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
            #vis trait #tr {}
            impl #tr for #private::Set {}
        }
    });
    let bounds = required.iter().zip(&params).map(|(a, p)| {
        let tr = requires_trait(ident, a);
        quote!(#p: #tr)
    });

    let record_return = match &spec.returns {
        Some(path) => quote! {
            impl<'a, R: ?::core::marker::Sized + #path> #private::span::RecordReturn<#ident> for #private::span::Returned<'a, R> {
                #[inline]
                fn record_return(self, span: &#private::span::SpanCore) {
                    #path::record_outcome(self.0, span)
                }
            }
        },
        None => quote! {
            impl<'a, R: ?::core::marker::Sized> #private::span::RecordReturn<#ident> for #private::span::Returned<'a, R> {
                #[inline]
                fn record_return(self, _span: &#private::span::SpanCore) {}
            }
        },
    };

    let start_doc = format!("Start attributes of a `{kind}` span.");
    let handle_doc = format!("Handle of a running `{kind}` span: records values known mid-way.");
    quote! {
        impl #private::span::Contract for #ident {
            const KIND: &'static str = #kind;
            const SPAN_KIND: #private::opentelemetry::trace::SpanKind = #private::opentelemetry::trace::SpanKind::#span_kind;
            const ATTRIBUTES: &'static [#private::span::AttributeSpec] = &[#(#attribute_specs),*];
            const STEP_KEYS: ::core::option::Option<#private::span::StepKeys> = #step_keys;
            const STREAM_KEYS: ::core::option::Option<#private::span::StreamKeys> = #stream_keys;
            #[inline]
            fn span_name(attributes: &[#private::opentelemetry::KeyValue]) -> ::std::borrow::Cow<'static, str> {
                #fill_name
            }
        }

        #[doc = #start_doc]
        #[doc(hidden)]
        #vis struct #start<#(#params = #private::Unset),*> {
            _required: ::core::marker::PhantomData<(#(#params,)*)>,
        }

        impl #ident {
            /// The start values, with the contract's fixed attributes and room for `given`
            /// more. The setters write into them where they stay (the typed builder that
            /// checks them holds nothing): a builder moved from setter to setter would copy
            /// its vectors at each one.
            #[doc(hidden)]
            #[inline]
            #vis fn __values(given: usize) -> #private::span::StartValues {
                let mut attrs = #private::span::attribute_vec(#fixed_count + given);
                #(#fixed)*
                #private::span::StartValues { attributes: attrs, event: ::std::vec::Vec::new() }
            }

            #[doc(hidden)]
            #[inline(always)]
            #vis fn __start() -> #start<#(#unset),*> {
                #start { _required: ::core::marker::PhantomData }
            }

            #[doc(hidden)]
            #[inline]
            #vis fn __handle(span: &#private::span::SpanCore) -> #handle<'_> {
                #handle { span }
            }
        }

        impl<#(#params),*> #start<#(#params),*> {
            #(#setters)*

            // The bounds are on the method, not the impl: a missing required attribute is
            // then the unmet bound itself (reported with its trait's message), not a method
            // that does not exist.
            #[doc(hidden)]
            #[inline]
            #vis fn __finish(self) where #(#bounds),* {}
        }

        #(#requires)*

        #[doc = #handle_doc]
        #[derive(Clone, Copy, Debug)]
        #vis struct #handle<'a> {
            span: &'a #private::span::SpanCore,
        }

        impl<'a> #handle<'a> {
            #(#handle_setters)*

            /// The running span itself.
            pub fn span(&self) -> &'a #private::span::SpanCore {
                self.span
            }
        }

        #record_return
    }
}
