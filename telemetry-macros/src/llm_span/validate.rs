//! Checking `#[llm_span]` arguments against the contract, for built-in kinds: every error on
//! the smallest offending token, with what to write instead.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Expr, Lit, LitStr};

use crate::llm_span::parse::SpanArgs;
use crate::model::builtin::{self, Builtin};
use crate::model::{AttrType, ContractSpec, Requirement};
use crate::shared::errors::Errors;
use crate::shared::suggest::closest;

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
                Some(b) => Some(Target::Builtin(b, Box::new(builtin::spec(b)))),
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

/// The operations whose request parameters `request = ...` reads.
const REQUEST_OPERATIONS: &[&str] = &["chat", "text_completion", "generate_content", "embeddings"];

/// `request = ...` applies to the GenAI inference and embeddings kinds only.
pub fn check_request(args: &SpanArgs, target: Option<&Target>, errors: &mut Errors) {
    let Some(request) = &args.request else {
        return;
    };
    let message = match target {
        Some(Target::Builtin(b, _)) if b.operation.is_some_and(|o| REQUEST_OPERATIONS.contains(&o)) => {
            return;
        }
        Some(Target::Builtin(_, _)) => format!(
            "`request` reads the parameters of a GenAI request, and kind `{}` has none: it applies to the kinds {}; pass this span's values as arguments",
            args.kind.as_ref().map(LitStr::value).unwrap_or_default(),
            REQUEST_OPERATIONS
                .iter()
                .map(|o| format!("`{o}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(Target::User(_)) => "`request` fills the GenAI request attributes of a built-in kind; a contract of your own takes each value as its own argument".to_owned(),
        None => return,
    };
    errors.push(syn::Error::new(request.name, message));
}

/// `client = ...` applies to the kinds that record the server they call.
pub fn check_client(args: &SpanArgs, target: Option<&Target>, errors: &mut Errors) {
    let Some(client) = &args.client else {
        return;
    };
    let message = match target {
        Some(Target::Builtin(_, spec)) if spec.attrs.iter().any(|a| a.key == "server.address") => {
            return;
        }
        Some(Target::Builtin(_, _)) => format!(
            "`client` records the server a GenAI client calls, and kind `{}` has no `server.address`; remove it",
            args.kind.as_ref().map(LitStr::value).unwrap_or_default(),
        ),
        Some(Target::User(_)) => "`client` fills `server.address` / `server.port` of a built-in kind; a contract of your own takes each value as its own argument".to_owned(),
        None => return,
    };
    errors.push(syn::Error::new(client.name, message));
}

pub fn check_span_kind(args: &SpanArgs, errors: &mut Errors) {
    if let Some(lit) = &args.span_kind
        && let Err(e) = crate::shared::span_kind::check(lit)
    {
        errors.push(e);
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
                    "`{name}` ({}) is {}, not {found}: {}",
                    attr.key,
                    attr.ty.describe(),
                    literal_hint(&name, attr.ty, &arg.value)
                ),
            ));
        }
    }
    for attr in spec
        .attrs
        .iter()
        .filter(|a| a.fixed.is_none() && a.requirement == Requirement::Required)
    {
        // `request = ...` gives the model.
        let from_request = args.request.is_some() && attr.key == "gen_ai.request.model";
        if !from_request && !args.attrs.iter().any(|a| a.name == attr.arg) {
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

/// What to write instead of a literal of the wrong type.
fn literal_hint(name: &str, ty: AttrType, expr: &Expr) -> String {
    let lit = match expr {
        Expr::Lit(l) => Some(&l.lit),
        _ => None,
    };
    let text = lit.map(|l| l.to_token_stream().to_string());
    let string = match lit {
        Some(Lit::Str(s)) => Some(s.value()),
        _ => None,
    };
    let unquoted = |v: &str| format!("write `{name} = {v}`, without quotes");
    match ty {
        AttrType::Int => match (&string, lit) {
            (Some(v), _) if v.trim().parse::<i64>().is_ok() => unquoted(v.trim()),
            (_, Some(Lit::Float(f))) if f.base10_parse::<f64>().is_ok_and(|v| v.fract() == 0.0) => {
                format!(
                    "write `{name} = {}`",
                    f.base10_parse::<f64>().unwrap_or(0.0) as i64
                )
            }
            _ => format!(
                "write a whole number, e.g. `{name} = 256`, or an expression of an integer type"
            ),
        },
        AttrType::Double => match (&string, lit) {
            (_, Some(Lit::Int(i))) => format!("write `{name} = {}.0`", i.base10_digits()),
            (Some(v), _) if v.trim().parse::<f64>().is_ok() => unquoted(v.trim()),
            _ => format!(
                "write a number with a decimal point, e.g. `{name} = 0.7`, or an expression of type f64"
            ),
        },
        AttrType::Bool => match &string {
            Some(v) if v == "true" || v == "false" => unquoted(v),
            _ => {
                format!("write `{name} = true` or `{name} = false`, or an expression of type bool")
            }
        },
        AttrType::Str => match &text {
            Some(t) if string.is_none() => format!("write it as a string, e.g. `{name} = \"{t}\"`"),
            _ => format!("write a string, e.g. `{name} = \"...\"`"),
        },
        AttrType::StrArray => match (&string, &text) {
            (Some(_), Some(t)) => format!("write a list, e.g. `{name} = [{t}]`"),
            _ => format!("write a list of strings, e.g. `{name} = [\"stop\"]`"),
        },
        AttrType::Content => format!(
            "give message content (e.g. `Vec<InputMessage>`, a `serde_json::Value` or a JSON string) to `{name}`"
        ),
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

/// The error for `#[llm_span]` on something other than a function with a body, on the
/// item's keyword.
pub fn not_a_function(item: &proc_macro2::TokenStream) -> syn::Error {
    use syn::Item;
    if let Ok(f) = syn::parse2::<syn::TraitItemFn>(item.clone())
        && f.default.is_none()
    {
        let at = f
            .semi_token
            .map(|s| s.span)
            .unwrap_or_else(|| f.sig.ident.span());
        return syn::Error::new(
            at,
            "#[llm_span] needs a function body: put it on the method in each impl, not on the trait's declaration",
        );
    }
    let (at, what) = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(i)) => (i.struct_token.span, "a struct"),
        Ok(Item::Enum(i)) => (i.enum_token.span, "an enum"),
        Ok(Item::Union(i)) => (i.union_token.span, "a union"),
        Ok(Item::Impl(i)) => {
            return syn::Error::new(
                i.impl_token.span,
                "#[llm_span] goes on a function or method, not on an impl block: put it on each method to instrument",
            );
        }
        Ok(Item::Trait(i)) => {
            return syn::Error::new(
                i.trait_token.span,
                "#[llm_span] goes on a function or method, not on a trait: put it on the methods of each impl",
            );
        }
        Ok(Item::Mod(i)) => (i.mod_token.span, "a module"),
        Ok(Item::Const(i)) => (i.const_token.span, "a constant"),
        Ok(Item::Static(i)) => (i.static_token.span, "a static"),
        Ok(Item::Type(i)) => (i.type_token.span, "a type alias"),
        Ok(Item::Use(i)) => (i.use_token.span, "a `use`"),
        _ => (
            item.clone()
                .into_iter()
                .next()
                .map_or_else(proc_macro2::Span::call_site, |t| t.span()),
            "",
        ),
    };
    let message = if what.is_empty() {
        "#[llm_span] goes on a function or method".to_owned()
    } else {
        format!("#[llm_span] goes on a function or method, not on {what}")
    };
    syn::Error::new(at, message)
}

/// Checks of the function itself, beside its arguments.
pub fn check_function(item: &syn::ItemFn, errors: &mut Errors) {
    if let Some(constness) = &item.sig.constness {
        errors.push(syn::Error::new(
            constness.span,
            "#[llm_span] cannot instrument a `const fn`: spans are recorded at run time; remove `const`",
        ));
    }
}
