//! Code generation of `#[derive(CommonAttributes)]`: the `scope::CommonAttributes` impl.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::common_attributes::parse::{Field, Parsed};

/// `Some(KeyValue)` / `Option<KeyValue>` of each field, for `attributes` and
/// `metric_dimensions`.
fn key_values<'a>(
    fields: impl Iterator<Item = &'a Field>,
    private: &TokenStream,
) -> (usize, Vec<TokenStream>) {
    let items: Vec<TokenStream> = fields
        .map(|f| {
            let ident = &f.ident;
            let key = LitStr::new(&f.key, f.ident.span());
            if f.optional {
                quote! {
                    ::core::option::Option::map(
                        ::core::option::Option::as_ref(&self.#ident),
                        |value| #private::KeyValue::new(#key, ::core::clone::Clone::clone(value)),
                    )
                }
            } else {
                quote! {
                    ::core::option::Option::Some(
                        #private::KeyValue::new(#key, ::core::clone::Clone::clone(&self.#ident)),
                    )
                }
            }
        })
        .collect();
    (items.len(), items)
}

fn collect(len: usize, items: &[TokenStream], item: TokenStream) -> TokenStream {
    quote! {
        ::core::iter::Iterator::collect(::core::iter::Iterator::flatten(
            <[::core::option::Option<#item>; #len] as ::core::iter::IntoIterator>::into_iter([#(#items),*]),
        ))
    }
}

/// `field: read(carrier, name, max)?` of every field, through the one carrier abstraction
/// (`scope::optional` / `scope::required`), for headers, baggage and extensions alike.
fn read_fields(
    fields: &[Field],
    private: &TokenStream,
    carrier: &Ident,
    name: impl Fn(&Field) -> LitStr,
) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let name = name(f);
            let read = if f.optional {
                quote!(optional)
            } else {
                quote!(required)
            };
            quote! {
                #ident: #private::#read(#carrier, #name, #private::DEFAULT_MAX_VALUE_LEN)?
            }
        })
        .collect()
}

/// `insert(carrier, name, value)` of every present field.
fn write_fields(
    fields: &[Field],
    private: &TokenStream,
    carrier: &Ident,
    name: impl Fn(&Field) -> LitStr,
) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let name = name(f);
            if f.optional {
                quote! {
                    if let ::core::option::Option::Some(value) = &self.#ident {
                        #private::insert(#carrier, #name, value);
                    }
                }
            } else {
                quote!(#private::insert(#carrier, #name, &self.#ident);)
            }
        })
        .collect()
}

pub fn expand(input: &DeriveInput, parsed: &Parsed) -> TokenStream {
    let ident = &input.ident;
    let private = {
        let krate = &parsed.krate;
        quote!(#krate::__private::common)
    };
    let fields = &parsed.fields;

    let header = |f: &Field| LitStr::new(&f.header, f.ident.span());
    let key = |f: &Field| LitStr::new(&f.key, f.ident.span());
    let extension = |f: &Field| LitStr::new(&f.extension, f.ident.span());
    let headers = Ident::new("headers", Span::call_site());
    let baggage = Ident::new("baggage", Span::call_site());
    let event = Ident::new("event", Span::call_site());
    let reads = read_fields(fields, &private, &headers, header);
    let writes = write_fields(fields, &private, &headers, header);
    let baggage_reads = read_fields(fields, &private, &baggage, key);
    let baggage_writes = write_fields(fields, &private, &baggage, key);
    let extension_reads = read_fields(fields, &private, &event, extension);
    let extension_writes = write_fields(fields, &private, &event, extension);

    let (len, items) = key_values(fields.iter(), &private);
    let attributes = collect(len, &items, quote!(#private::KeyValue));
    let (len, items) = key_values(fields.iter().filter(|f| f.metric), &private);
    let metric_dimensions = collect(len, &items, quote!(#private::KeyValue));

    let log_items: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let ident = &f.ident;
            let name = &f.name;
            if f.optional {
                quote! {
                    ::core::option::Option::map(
                        ::core::option::Option::as_ref(&self.#ident),
                        |value| (#name, ::core::clone::Clone::clone(value)),
                    )
                }
            } else {
                quote! {
                    ::core::option::Option::Some((#name, ::core::clone::Clone::clone(&self.#ident)))
                }
            }
        })
        .collect();
    let log_fields = collect(
        log_items.len(),
        &log_items,
        quote!((&'static str, #private::String)),
    );

    quote! {
        #[automatically_derived]
        impl #private::CommonAttributes for #ident {
            fn from_headers(
                headers: &#private::HeaderMap,
            ) -> ::core::result::Result<Self, #private::CommonAttributesError> {
                let _ = headers;
                ::core::result::Result::Ok(Self { #(#reads,)* })
            }

            fn to_headers(&self, headers: &mut #private::HeaderMap) {
                let _ = &headers;
                #(#writes)*
            }

            fn attributes(&self) -> #private::Vec<#private::KeyValue> {
                #attributes
            }

            fn log_fields(&self) -> #private::Vec<(&'static str, #private::String)> {
                #log_fields
            }

            fn metric_dimensions(&self) -> #private::Vec<#private::KeyValue> {
                #metric_dimensions
            }

            fn to_baggage(&self, baggage: &mut #private::Baggage) {
                let _ = &baggage;
                #(#baggage_writes)*
            }

            fn from_baggage(
                baggage: &#private::Baggage,
            ) -> ::core::result::Result<Self, #private::CommonAttributesError> {
                let _ = baggage;
                ::core::result::Result::Ok(Self { #(#baggage_reads,)* })
            }

            fn to_extensions(&self, event: &mut dyn #private::ExtensionSink) {
                let _ = &event;
                #(#extension_writes)*
            }

            fn from_extensions(
                event: &dyn #private::ExtensionSource,
            ) -> ::core::result::Result<Self, #private::CommonAttributesError> {
                let _ = event;
                ::core::result::Result::Ok(Self { #(#extension_reads,)* })
            }
        }
    }
}

/// The impl emitted when the input has errors, so code using the type as `CommonAttributes`
/// still type-checks and the only errors are the derive's own. Never run: the crate does not
/// compile.
pub fn fallback(input: &DeriveInput, krate: &TokenStream) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let private = quote!(#krate::__private::common);
    quote! {
        #[automatically_derived]
        impl #private::CommonAttributes for #ident {
            fn from_headers(
                _: &#private::HeaderMap,
            ) -> ::core::result::Result<Self, #private::CommonAttributesError> {
                ::core::unreachable!()
            }
            fn to_headers(&self, _: &mut #private::HeaderMap) {}
            fn attributes(&self) -> #private::Vec<#private::KeyValue> {
                #private::Vec::new()
            }
            fn log_fields(&self) -> #private::Vec<(&'static str, #private::String)> {
                #private::Vec::new()
            }
        }
    }
}
