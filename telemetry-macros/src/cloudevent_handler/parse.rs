//! Parsing `#[cloudevent_handler(...)]` arguments.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr};

use crate::shared::arguments as args;
use crate::shared::errors::Errors;
use crate::shared::suggest::closest;

/// The arguments `#[cloudevent_handler]` takes.
pub const OPTIONS: &[&str] = &["event", "common", "system", "destination", "crate"];

/// Everything `#[cloudevent_handler]` was given.
#[derive(Default)]
pub struct HandlerArgs {
    pub event: Option<Ident>,
    pub common: Option<syn::Type>,
    pub system: Option<LitStr>,
    pub destination: Option<Expr>,
    pub krate: Option<syn::Path>,
}

fn example(name: &str) -> &'static str {
    match name {
        "event" => "event = event",
        "common" => "common = MyIds",
        "system" => "system = \"nats\"",
        "destination" => "destination = subject",
        _ => "crate = my_runtime",
    }
}

pub fn parse(args: TokenStream, errors: &mut Errors) -> HandlerArgs {
    let mut out = HandlerArgs::default();
    let mut seen = args::Seen::default();
    args::for_each_name_value(
        args,
        errors,
        |path| {
            let name = path.get_ident().map(Ident::to_string).unwrap_or_default();
            if OPTIONS.contains(&name.as_str()) {
                format!("`{name}` needs a value: write `{}`", example(&name))
            } else {
                unknown(&name)
            }
        },
        "expected `name = value` arguments, e.g. `common = MyIds, system = \"nats\"`",
        |path, value, errors| {
            let name = path.get_ident().map(Ident::to_string).unwrap_or_default();
            if !OPTIONS.contains(&name.as_str()) {
                errors.push(syn::Error::new(path.span(), unknown(&name)));
                return;
            }
            if !seen.first(&name, &path, errors) {
                return;
            }
            let wrong = |what: &str| {
                syn::Error::new(
                    value.span(),
                    format!("`{name}` takes {what}, e.g. `{}`", example(&name)),
                )
            };
            match name.as_str() {
                "event" => match &value {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        out.event = p.path.get_ident().cloned();
                    }
                    _ => errors.push(wrong("the name of a parameter")),
                },
                "common" => match syn::parse2::<syn::Type>(quote::quote!(#value)) {
                    Ok(ty) if matches!(value, Expr::Path(_)) => out.common = Some(ty),
                    _ => errors.push(wrong("a type that implements `CommonAttributes`")),
                },
                "system" => match &value {
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) if is_system(&s.value()) => out.system = Some(s.clone()),
                    Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => errors.push(syn::Error::new(
                        s.span(),
                        "`system` is a lower-case `messaging.system` value: `kafka`, `rabbitmq`, `aws_sqs`, `gcp_pubsub`, ... or another system's name such as `nats` or `redis`",
                    )),
                    _ => errors.push(wrong("a string")),
                },
                "destination" => out.destination = Some(value),
                _ => match &value {
                    Expr::Path(p) if p.qself.is_none() => out.krate = Some(p.path.clone()),
                    _ => errors.push(wrong("a path")),
                },
            }
        },
    );
    out
}

fn is_system(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c))
}

fn unknown(name: &str) -> String {
    match closest(name, OPTIONS.iter().copied()) {
        Some(s) => format!("unknown argument `{name}`: did you mean `{s}`?"),
        None => format!(
            "unknown argument `{name}`: `#[cloudevent_handler]` takes {}",
            OPTIONS
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
