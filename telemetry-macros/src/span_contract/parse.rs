//! Reading `#[derive(SpanContract)]`: the struct's options and fields into a contract model,
//! with the spans [`validate`](super::validate) puts its errors on.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Type};

use crate::model::{AttrSpec, AttrType, ContractSpec, Requirement};
use crate::shared::errors::Errors;
use crate::shared::runtime_path;
use crate::shared::suggest::unknown_option;

const CONTRACT_OPTIONS: &[&str] = &["kind", "span_kind", "name", "crate", "returns"];
const ATTR_OPTIONS: &[&str] = &[
    "key",
    "required",
    "conditionally_required",
    "recommended",
    "opt_in",
    "content",
    "fixed",
];

/// What the derive found: the contract, and the runtime path to use.
pub struct Parsed {
    pub spec: ContractSpec,
    pub krate: TokenStream,
    /// Where each attribute of `spec.attrs` was written, in the same order.
    pub spans: Vec<AttrSpans>,
    /// The `name = "..."` literal, or the call site.
    pub name_span: Span,
}

/// Where one attribute was written.
pub struct AttrSpans {
    /// The `key = "..."` literal, or the field name.
    pub key: Span,
    /// The `required` option, when given.
    pub required: Option<Span>,
    /// The field name.
    pub field: Span,
}

fn attr_type(ty: &Type) -> Option<AttrType> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    if let Some(kind) = AttrType::of_rust_type(&name) {
        return Some(kind);
    }
    Some(match name.as_str() {
        "Vec" => {
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first() {
                Some(syn::GenericArgument::Type(inner))
                    if attr_type(inner) == Some(AttrType::Str) =>
                {
                    AttrType::StrArray
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

/// The error for a field type no attribute type fits, on its innermost offending token.
fn unsupported_type(ty: &Type) -> syn::Error {
    const TYPES: &str = "an attribute is a String, an integer (i64, u32, usize, ...), f64, bool or Vec<String>; mark the field `#[attr(content)]` for message content";
    if let Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
    {
        if last.ident == "Vec"
            && let syn::PathArguments::AngleBracketed(args) = &last.arguments
            && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
        {
            return syn::Error::new(
                inner.span(),
                "unsupported attribute type: a list attribute holds strings, write `Vec<String>`",
            );
        }
        return syn::Error::new(
            last.ident.span(),
            format!("unsupported attribute type `{}`: {TYPES}", last.ident),
        );
    }
    syn::Error::new(ty.span(), format!("unsupported attribute type: {TYPES}"))
}

pub fn parse(input: &DeriveInput, errors: &mut Errors) -> Option<Parsed> {
    let ident = input.ident.clone();
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.generics.span(),
            "a span contract cannot be generic: remove the type parameters",
        ));
    }
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(&named.named),
            Fields::Unit => None,
            Fields::Unnamed(f) => {
                errors.push(syn::Error::new(
                    f.span(),
                    "a span contract needs named fields: one per attribute, e.g. `index: String`",
                ));
                None
            }
        },
        _ => {
            errors.push(syn::Error::new(
                ident.span(),
                "#[derive(SpanContract)] goes on a struct whose named fields are the attributes",
            ));
            return None;
        }
    };

    let mut kind: Option<String> = None;
    let mut span_kind = "internal".to_owned();
    let mut name: Option<String> = None;
    let mut name_span = Span::call_site();
    let mut krate: Option<syn::Path> = None;
    let mut returns = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("contract")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match key.as_str() {
                "kind" => kind = Some(meta.value()?.parse::<LitStr>()?.value()),
                "name" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    name = Some(lit.value());
                    name_span = lit.span();
                }
                "span_kind" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    match crate::shared::span_kind::check(&lit) {
                        Ok(value) => span_kind = value,
                        Err(e) => errors.push(e),
                    }
                }
                "crate" => {
                    krate = Some(meta.value()?.parse()?);
                }
                "returns" => returns = Some(meta.value()?.parse::<syn::Path>()?),
                _ => {
                    return Err(meta.error(unknown_option(
                        "contract option",
                        &key,
                        CONTRACT_OPTIONS,
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    let kind = kind.unwrap_or_else(|| snake(&ident.to_string()));

    let mut attrs: Vec<AttrSpec> = Vec::new();
    let mut spans: Vec<AttrSpans> = Vec::new();
    for field in fields.into_iter().flatten() {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let arg = field_ident.to_string().trim_start_matches("r#").to_owned();
        let mut key = arg.clone();
        let mut key_span = field_ident.span();
        let mut requirement = Requirement::Recommended;
        let mut required_span = None;
        let mut content = false;
        let mut fixed = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("attr")) {
            let result = attr.parse_nested_meta(|meta| {
                let option = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                match option.as_str() {
                    "key" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        if lit.value().is_empty() || lit.value().contains(char::is_whitespace) {
                            return Err(syn::Error::new(lit.span(), "an attribute key is a dotted name without spaces, e.g. `db.collection.name`"));
                        }
                        key = lit.value();
                        key_span = lit.span();
                    }
                    "required" => {
                        requirement = Requirement::Required;
                        required_span = Some(meta.path.span());
                    }
                    "conditionally_required" => requirement = Requirement::ConditionallyRequired,
                    "recommended" => requirement = Requirement::Recommended,
                    "opt_in" => requirement = Requirement::OptIn,
                    "content" => {
                        content = true;
                        if requirement != Requirement::Required {
                            requirement = Requirement::OptIn;
                        }
                    }
                    "fixed" => fixed = Some(meta.value()?.parse::<LitStr>()?.value()),
                    _ => {
                        return Err(meta.error(unknown_option("attribute option", &option, ATTR_OPTIONS)));
                    }
                }
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
            }
        }
        let ty = if content {
            AttrType::Content
        } else if let Some(ty) = attr_type(&field.ty) {
            ty
        } else {
            errors.push(unsupported_type(&field.ty));
            continue;
        };
        attrs.push(AttrSpec {
            arg,
            key,
            ty,
            requirement,
            fixed,
        });
        spans.push(AttrSpans {
            key: key_span,
            required: required_span,
            field: field_ident.span(),
        });
    }
    let name = name.unwrap_or_else(|| kind.clone());
    Some(Parsed {
        spec: ContractSpec {
            ident,
            kind,
            span_kind,
            name,
            attrs,
            returns,
            steps: None,
            stream: None,
            doc: String::new(),
        },
        krate: runtime_path(krate.as_ref()),
        spans,
        name_span,
    })
}

fn snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
