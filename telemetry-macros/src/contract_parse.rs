//! Parsing and validating `#[derive(SpanContract)]`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Type};

use crate::errors::Errors;
use crate::model::{AttrSpec, AttrType, ContractSpec, Requirement, SPAN_KINDS};
use crate::suggest::closest;

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
}

fn attr_type(ty: &Type) -> Option<AttrType> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    Some(match name.as_str() {
        "String" | "str" => AttrType::Str,
        "i64" | "i32" | "u32" | "u64" | "usize" | "i16" | "u16" | "u8" | "i8" => AttrType::Int,
        "f64" | "f32" => AttrType::Double,
        "bool" => AttrType::Bool,
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
    let mut krate = quote!(::telemetry_runtime);
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
                "name" => name = Some(meta.value()?.parse::<LitStr>()?.value()),
                "span_kind" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    if SPAN_KINDS.contains(&value.as_str()) {
                        span_kind = value;
                    } else {
                        errors.push(syn::Error::new(
                            lit.span(),
                            format!(
                                "unknown span kind `{value}`: write one of {}",
                                SPAN_KINDS.join(", ")
                            ),
                        ));
                    }
                }
                "crate" => {
                    let path: syn::Path = meta.value()?.parse()?;
                    krate = quote!(#path);
                }
                "returns" => returns = Some(meta.value()?.parse::<syn::Path>()?),
                _ => {
                    let hint = closest(&key, CONTRACT_OPTIONS.iter().copied())
                        .map(|s| format!(": did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            format!(": expected one of {}", CONTRACT_OPTIONS.join(", "))
                        });
                    return Err(meta.error(format!("unknown contract option `{key}`{hint}")));
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
    for field in fields.into_iter().flatten() {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let arg = field_ident.to_string().trim_start_matches("r#").to_owned();
        let mut key = arg.clone();
        let mut requirement = Requirement::Recommended;
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
                    }
                    "required" => requirement = Requirement::Required,
                    "conditionally_required" => requirement = Requirement::ConditionallyRequired,
                    "recommended" => requirement = Requirement::Recommended,
                    "opt_in" => requirement = Requirement::OptIn,
                    "content" => {
                        content = true;
                        requirement = Requirement::OptIn;
                    }
                    "fixed" => fixed = Some(meta.value()?.parse::<LitStr>()?.value()),
                    _ => {
                        let hint = closest(&option, ATTR_OPTIONS.iter().copied())
                            .map(|s| format!(": did you mean `{s}`?"))
                            .unwrap_or_else(|| format!(": expected one of {}", ATTR_OPTIONS.join(", ")));
                        return Err(meta.error(format!("unknown attribute option `{option}`{hint}")));
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
            errors.push(syn::Error::new(
                field.ty.span(),
                "unsupported attribute type: use String, i64, f64, bool or Vec<String> (or mark the field #[attr(content)])",
            ));
            continue;
        };
        if content && requirement == Requirement::Required {
            errors.push(syn::Error::new(field_ident.span(), "a content attribute cannot be required: content is recorded only when the user opts in"));
        }
        if let Some(previous) = attrs.iter().find(|a| a.key == key) {
            errors.push(syn::Error::new(
                field_ident.span(),
                format!(
                    "duplicate attribute key `{key}` (already used by `{}`)",
                    previous.arg
                ),
            ));
            continue;
        }
        attrs.push(AttrSpec {
            arg,
            key,
            ty,
            requirement,
            fixed: if fixed.is_some() { fixed } else { None },
        });
    }
    let name = name.unwrap_or_else(|| kind.clone());
    for placeholder in placeholders(&name) {
        if !attrs.iter().any(|a| a.key == placeholder) {
            errors.push(syn::Error::new(
                Span::call_site(),
                format!("the span name uses `{{{placeholder}}}` but the contract has no attribute with that key"),
            ));
        }
    }
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
        krate,
    })
}

fn placeholders(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = name;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(rest[open + 1..open + close].to_owned());
        rest = &rest[open + close + 1..];
    }
    out
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
