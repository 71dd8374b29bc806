//! Attribute and derive macros of the telemetry toolkit.
//!
//! Do not depend on this crate directly: use `telemetry-runtime`, which re-exports every
//! macro with its documentation and provides the `__private` paths the generated code calls.
//!
//! One folder per macro (`llm_span`, `cloudevent_handler`, `span_contract`,
//! `common_attributes`), each `parse` → `validate` → `expand`; `model` is the contract model
//! and the built-in contract table; `shared` holds what the macros share. Every macro collects
//! every error instead of stopping at the first, puts each on the smallest offending token,
//! and on bad input still emits the item so the rest of the crate type-checks.

mod cloudevent_handler;
mod common_attributes;
mod llm_span;
mod model;
mod shared;
mod span_contract;

use proc_macro::TokenStream;

/// Turns a function into a span that follows a contract. See `telemetry_runtime::llm_span`.
#[proc_macro_attribute]
pub fn llm_span(args: TokenStream, item: TokenStream) -> TokenStream {
    llm_span::attribute(args.into(), item.into()).into()
}

/// Turns an `async fn` taking a CloudEvent into a CONSUMER span that covers the whole
/// handler. See `telemetry_runtime::cloudevent_handler`.
#[proc_macro_attribute]
pub fn cloudevent_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    cloudevent_handler::attribute(args.into(), item.into()).into()
}

/// Declares a span contract of your own: use it with `#[llm_span(contract = Type, ...)]`.
/// See `telemetry_runtime::SpanContract`.
#[proc_macro_derive(SpanContract, attributes(contract, attr))]
pub fn derive_span_contract(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    span_contract::derive(&input).into()
}

/// Implements `scope::CommonAttributes` for a struct of `String` / `Option<String>`
/// identifier fields. See `telemetry_runtime::CommonAttributes`.
#[proc_macro_derive(CommonAttributes, attributes(common_attributes, attr))]
pub fn derive_common_attributes(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    common_attributes::derive(&input).into()
}

/// Emits the built-in contract types inside `telemetry-runtime`. Not for use elsewhere.
#[doc(hidden)]
#[proc_macro]
pub fn __builtin_contracts(_input: TokenStream) -> TokenStream {
    span_contract::builtin_contracts().into()
}
