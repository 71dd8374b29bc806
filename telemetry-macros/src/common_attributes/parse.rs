//! Reading `#[derive(CommonAttributes)]`: the struct's options and each field's header,
//! key, extension name and type, with the spans [`validate`](super::validate) reports on.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Token, Type};

use crate::shared::errors::Errors;
use crate::shared::runtime_path;
use crate::shared::suggest::unknown_option;

const STRUCT_OPTIONS: &[&str] = &["prefix", "namespace", "crate"];
const FIELD_OPTIONS: &[&str] = &["header", "key", "extension", "metric"];
const DEFAULT_PREFIX: &str = "x-";

/// A namespace, or a dotted key: segments of lower-case letters, digits and `_`, each starting
/// with a letter, joined by `.`.
pub fn is_dotted_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_lowercase())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// One identifier field.
pub struct Field {
    pub ident: Ident,
    /// The field name without `r#`: the log field name.
    pub name: String,
    /// The header name, lower-case.
    pub header: String,
    /// The span attribute (and metric dimension) key.
    pub key: String,
    /// The CloudEvents extension attribute name (`[a-z0-9]{1,20}`).
    pub extension: String,
    pub optional: bool,
    pub metric: bool,
    /// Whether `key` was written (`#[attr(key = "...")]`) rather than derived.
    pub key_written: bool,
    pub spans: FieldSpans,
}

/// Where a field's names were written, for the errors of [`validate`](super::validate).
pub struct FieldSpans {
    /// The `header = "..."` literal, or the field name.
    pub header: Span,
    /// The `key = "..."` literal, or the field name.
    pub key: Span,
    /// The `extension = "..."` literal, when given.
    pub extension: Option<Span>,
    /// The field name.
    pub field: Span,
}

/// What the derive found.
pub struct Parsed {
    pub fields: Vec<Field>,
    pub krate: TokenStream,
    /// The `namespace` option was given and is invalid (reported once, on its literal).
    pub namespace_invalid: bool,
}

/// `Some(optional)` when the type is `String` or `Option<String>`; else the error, on the
/// innermost offending token.
fn field_type(ty: &Type) -> Result<bool, syn::Error> {
    const TYPES: &str = "a common attribute is a `String` (a required header) or an `Option<String>` (an optional one)";
    if let Type::Path(path) = ty
        && path.qself.is_none()
        && let Some(last) = path.path.segments.last()
    {
        if last.ident == "String" && last.arguments.is_empty() {
            return Ok(false);
        }
        if last.ident == "Option" {
            if let syn::PathArguments::AngleBracketed(args) = &last.arguments
                && args.args.len() == 1
                && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
            {
                return match field_type(inner) {
                    Ok(false) => Ok(true),
                    Ok(true) => Err(syn::Error::new(
                        inner.span(),
                        "unsupported field type: an optional header is `Option<String>`, not nested options",
                    )),
                    Err(_) => Err(syn::Error::new(
                        inner.span(),
                        "unsupported field type: an optional header is `Option<String>`",
                    )),
                };
            }
            return Err(syn::Error::new(
                last.arguments.span(),
                format!("unsupported field type: {TYPES}"),
            ));
        }
        return Err(syn::Error::new(
            last.ident.span(),
            format!("unsupported field type `{}`: {TYPES}", last.ident),
        ));
    }
    if let Type::Reference(reference) = ty {
        return Err(syn::Error::new(
            reference.elem.span(),
            "unsupported field type: a borrowed value cannot outlive the request's headers; write `String`",
        ));
    }
    Err(syn::Error::new(
        ty.span(),
        format!("unsupported field type: {TYPES}"),
    ))
}

/// An HTTP header name character (RFC 9110 `tchar`).
/// A CloudEvents attribute name: lower-case letters and digits, at most 20 of them (CloudEvents
/// 1.0 §"Attribute Naming Convention").
pub fn is_extension_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 20
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// The default extension name of a field: its name without `_`, lower case
/// (`assistant_id` -> `assistantid`).
fn default_extension(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Skips the value of an unknown option (`= expr` or `(...)`), so the options after it are
/// still checked.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

pub fn parse(input: &DeriveInput, errors: &mut Errors) -> Parsed {
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.generics.params.span(),
            "#[derive(CommonAttributes)] cannot be generic: its fields are `String` or `Option<String>`; remove the type parameters",
        ));
    }
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(&named.named),
            Fields::Unit => {
                errors.push(syn::Error::new(
                    ident.span(),
                    "#[derive(CommonAttributes)] needs named fields, one per header, e.g. `assistant_id: String`",
                ));
                None
            }
            Fields::Unnamed(f) => {
                errors.push(syn::Error::new(
                    f.span(),
                    "#[derive(CommonAttributes)] needs named fields, not a tuple struct: the field names give the header names, e.g. `assistant_id: String`",
                ));
                None
            }
        },
        _ => {
            errors.push(syn::Error::new(
                ident.span(),
                "#[derive(CommonAttributes)] goes on a struct whose named fields are the identifiers, e.g. `struct Ids { assistant_id: String }`",
            ));
            None
        }
    };

    let mut prefix = DEFAULT_PREFIX.to_owned();
    let mut namespace: Option<String> = None;
    // An invalid namespace is reported once, on its literal, not again on every field.
    let mut namespace_invalid = false;
    let mut krate: Option<syn::Path> = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("common_attributes"))
    {
        let result = attr.parse_nested_meta(|meta| {
            let option = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match option.as_str() {
                "prefix" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    if !value.chars().all(is_tchar) {
                        errors.push(syn::Error::new(
                            lit.span(),
                            "a header prefix has only letters, digits and `-`, e.g. `x-acme-`",
                        ));
                    } else {
                        prefix = value.to_ascii_lowercase();
                    }
                }
                "namespace" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    let value = lit.value();
                    if !is_dotted_name(&value) {
                        namespace_invalid = true;
                        errors.push(syn::Error::new(
                            lit.span(),
                            "a namespace is a lower-case dotted name of letters, digits and `_`, e.g. `acme` or `acme.chat`",
                        ));
                    } else {
                        namespace = Some(value);
                    }
                }
                "crate" => {
                    krate = Some(meta.value()?.parse()?);
                }
                _ => {
                    errors.push(meta.error(unknown_option(
                        "`#[common_attributes]` option",
                        &option,
                        STRUCT_OPTIONS,
                    )));
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }

    let mut fields: Vec<Field> = Vec::new();
    for field in named.into_iter().flatten() {
        let Some(field_ident) = &field.ident else {
            continue;
        };
        let name = field_ident.to_string().trim_start_matches("r#").to_owned();
        let mut header = format!("{prefix}{}", name.replace('_', "-")).to_ascii_lowercase();
        let mut header_span: Span = field_ident.span();
        let mut key = match &namespace {
            Some(namespace) => format!("{namespace}.{name}"),
            None => name.clone(),
        };
        let mut key_span: Span = field_ident.span();
        let mut key_written = false;
        let mut extension = default_extension(&name);
        let mut extension_span: Option<Span> = None;
        let mut metric = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("attr")) {
            let result = attr.parse_nested_meta(|meta| {
                let option = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                match option.as_str() {
                    "header" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        let value = lit.value();
                        if value.is_empty() || !value.chars().all(is_tchar) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                "a header name has only letters, digits and `-`, e.g. `x-assistant-id`",
                            ));
                        } else {
                            header = value.to_ascii_lowercase();
                            header_span = lit.span();
                        }
                    }
                    "key" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        let value = lit.value();
                        // The key is also the baggage key: a token (RFC 9110 `tchar`).
                        if value.is_empty() || !value.chars().all(is_tchar) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                "an attribute key is a dotted name of letters, digits, `_`, `-` and `.`, e.g. `gen_ai.agent.id` (it is also the baggage key)",
                            ));
                        } else {
                            key = value;
                            key_span = lit.span();
                            key_written = true;
                        }
                    }
                    "extension" => {
                        let lit: LitStr = meta.value()?.parse()?;
                        let value = lit.value();
                        if !is_extension_name(&value) {
                            errors.push(syn::Error::new(
                                lit.span(),
                                "a CloudEvents extension name has 1 to 20 lower-case letters and digits, e.g. `assistantid`",
                            ));
                        } else {
                            extension = value;
                            extension_span = Some(lit.span());
                        }
                    }
                    "metric" => metric = true,
                    _ => {
                        errors.push(meta.error(unknown_option("`#[attr]` option", &option, FIELD_OPTIONS)));
                        skip_value(&meta)?;
                    }
                }
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
            }
        }
        let optional = match field_type(&field.ty) {
            Ok(optional) => optional,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        fields.push(Field {
            ident: field_ident.clone(),
            name,
            header,
            key,
            extension,
            optional,
            metric,
            key_written,
            spans: FieldSpans {
                header: header_span,
                key: key_span,
                extension: extension_span,
                field: field_ident.span(),
            },
        });
    }
    Parsed {
        fields,
        krate: runtime_path(krate.as_ref()),
        namespace_invalid,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dotted_names() {
        assert!(super::is_dotted_name("acme"));
        assert!(super::is_dotted_name("acme.chat_v2"));
        for bad in ["", "Acme", "acme.", ".acme", "acme..x", "1acme", "acme-x"] {
            assert!(!super::is_dotted_name(bad), "{bad}");
        }
    }

    #[test]
    fn field_types() {
        let ok = |src: &str| super::field_type(&syn::parse_str(src).unwrap()).ok();
        assert_eq!(ok("String"), Some(false));
        assert_eq!(ok("std::string::String"), Some(false));
        assert_eq!(ok("Option<String>"), Some(true));
        assert_eq!(ok("Option<u32>"), None);
        assert_eq!(ok("Option<Option<String>>"), None);
        assert_eq!(ok("&'static str"), None);
        assert_eq!(ok("u64"), None);
    }
}
