//! Checking `#[llm_span]` arguments against the contract, for built-in kinds: every error on
//! the smallest offending token, with what to write instead.

use syn::spanned::Spanned;
use syn::{Expr, Lit};

use crate::builtin::{self, Builtin};
use crate::errors::Errors;
use crate::model::{AttrType, ContractSpec, Requirement, SPAN_KINDS};
use crate::span_args::SpanArgs;
use crate::suggest::closest;

/// The contract a span follows.
pub enum Target {
    Builtin(&'static Builtin, Box<ContractSpec>),
    User(syn::Path),
}

pub fn resolve(args: &SpanArgs, errors: &mut Errors) -> Option<Target> {
    match (&args.kind, &args.contract) {
        (Some(_), Some(contract)) => {
            errors.push(syn::Error::new(
                contract.span(),
                "give either `kind` (a built-in contract) or `contract` (your own), not both",
            ));
            None
        }
        (None, None) => {
            errors.push(syn::Error::new(
                args.span,
                "missing `kind`: write e.g. `#[llm_span(kind = \"chat\", ...)]`, or `contract = MyContract` for a contract of your own",
            ));
            None
        }
        (None, Some(path)) => Some(Target::User(path.clone())),
        (Some(kind), None) => {
            let value = kind.value();
            match builtin::find(&value) {
                Some(b) => Some(Target::Builtin(b, Box::new(b.spec()))),
                None => {
                    let hint = match closest(&value, builtin::all_kinds()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the built-in kinds are {}",
                            builtin::BUILTINS
                                .iter()
                                .map(|b| b.kind)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    errors.push(syn::Error::new(
                        kind.span(),
                        format!("unknown kind `{value}`: {hint}"),
                    ));
                    None
                }
            }
        }
    }
}

pub fn check_span_kind(args: &SpanArgs, errors: &mut Errors) {
    if let Some(lit) = &args.span_kind
        && !SPAN_KINDS.contains(&lit.value().as_str())
    {
        errors.push(syn::Error::new(
            lit.span(),
            format!(
                "unknown span kind `{}`: write one of {}",
                lit.value(),
                SPAN_KINDS.join(", ")
            ),
        ));
    }
}

/// Checks the attribute arguments of a built-in contract.
pub fn check_builtin(args: &SpanArgs, spec: &ContractSpec, errors: &mut Errors) {
    let kind = &spec.kind;
    for arg in &args.attrs {
        let name = arg.name.to_string();
        let Some(attr) = spec
            .attrs
            .iter()
            .find(|a| a.arg == name && a.fixed.is_none())
        else {
            if let Some(fixed) = spec
                .attrs
                .iter()
                .find(|a| a.fixed.is_some() && a.key.ends_with(&name))
            {
                errors.push(syn::Error::new(
                    arg.name.span(),
                    format!(
                        "`{}` is fixed by the `{kind}` contract: remove this argument",
                        fixed.key
                    ),
                ));
                continue;
            }
            let names = spec
                .attrs
                .iter()
                .filter(|a| a.fixed.is_none())
                .map(|a| a.arg.as_str());
            let hint = match closest(&name, names.clone()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("`{kind}` takes {}", names.collect::<Vec<_>>().join(", ")),
            };
            errors.push(syn::Error::new(
                arg.name.span(),
                format!("unknown attribute `{name}` for kind `{kind}`: {hint}"),
            ));
            continue;
        };
        if let Some(found) = literal_kind(&arg.value)
            && !literal_fits(found, attr.ty)
        {
            errors.push(syn::Error::new(
                arg.value.span(),
                format!(
                    "`{name}` ({}) is {}, not {found}",
                    attr.key,
                    attr.ty.describe()
                ),
            ));
        }
    }
    for attr in spec
        .attrs
        .iter()
        .filter(|a| a.fixed.is_none() && a.requirement == Requirement::Required)
    {
        if !args.attrs.iter().any(|a| a.name == attr.arg) {
            let at = args.kind.as_ref().map(|k| k.span()).unwrap_or(args.span);
            errors.push(syn::Error::new(
                at,
                format!(
                    "`{kind}` spans require `{}` ({}): add `{} = <expr>` ({})",
                    attr.arg,
                    attr.key,
                    attr.arg,
                    attr.ty.describe()
                ),
            ));
        }
    }
}

fn literal_kind(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::Lit(lit) => Some(match &lit.lit {
            Lit::Str(_) => "a string",
            Lit::Int(_) => "an integer",
            Lit::Float(_) => "a floating-point number",
            Lit::Bool(_) => "a boolean",
            _ => return None,
        }),
        Expr::Array(_) => Some("an array"),
        _ => None,
    }
}

fn literal_fits(found: &str, ty: AttrType) -> bool {
    match ty {
        AttrType::Str => found == "a string",
        AttrType::Int => found == "an integer",
        AttrType::Double => found == "a floating-point number",
        AttrType::Bool => found == "a boolean",
        AttrType::StrArray => found == "an array",
        AttrType::Content => found == "a string" || found == "an array",
    }
}
