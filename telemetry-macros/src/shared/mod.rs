//! What the macros share: the error collector, the `name = value` argument loop, "did you
//! mean" suggestions, the runtime path the generated code names, and the code every function
//! macro emits the same way (the function as written beside its errors, the outcome probe).

pub mod arguments;
pub mod errors;
pub mod function;
pub mod span_kind;
pub mod suggest;

use proc_macro2::TokenStream;
use quote::quote;

/// The path of the runtime crate as the generated code names it: the `crate = path` option,
/// else `::telemetry_runtime`.
pub fn runtime_path(krate: Option<&syn::Path>) -> TokenStream {
    match krate {
        Some(path) => quote!(#path),
        None => quote!(::telemetry_runtime),
    }
}
