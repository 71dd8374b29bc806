//! Parsing `#[llm_span(...)]` arguments.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr};

use crate::shared::arguments as args;
use crate::shared::errors::Errors;

/// One `name = expr` attribute argument.
pub struct AttrArg {
    pub name: Ident,
    pub value: Expr,
}

/// `request = expr`: a request value whose parameters become the start attributes.
pub struct RequestArg {
    /// The `request` name, where an argument that does not apply is reported.
    pub name: Span,
    pub value: Expr,
}

/// Everything `#[llm_span]` was given.
pub struct SpanArgs {
    pub kind: Option<LitStr>,
    pub contract: Option<syn::Path>,
    pub handle: Option<Ident>,
    pub krate: Option<syn::Path>,
    pub span_kind: Option<LitStr>,
    pub request: Option<RequestArg>,
    /// `client = expr`: the client whose server the span records.
    pub client: Option<RequestArg>,
    pub attrs: Vec<AttrArg>,
    /// Where to report errors that concern the whole attribute.
    pub span: Span,
}

pub fn parse(args: TokenStream, errors: &mut Errors) -> SpanArgs {
    let mut out = SpanArgs {
        kind: None,
        contract: None,
        handle: None,
        krate: None,
        span_kind: None,
        request: None,
        client: None,
        attrs: Vec::new(),
        // The whole `#[llm_span(...)]` attribute: on stable a span cannot cover just the
        // arguments, and their first token would look like the culprit.
        span: Span::call_site(),
    };
    let mut seen = args::Seen::default();
    args::for_each_name_value(
        args,
        errors,
        |path| {
            let name = path_name(path);
            let example = match name.as_str() {
                "kind" => "kind = \"chat\"".to_owned(),
                "handle" => "handle = span".to_owned(),
                "request" => "request = &req".to_owned(),
                "client" => "client = &client".to_owned(),
                "contract" => "contract = MyContract".to_owned(),
                "crate" => "crate = my_runtime".to_owned(),
                "span_kind" => "span_kind = \"internal\"".to_owned(),
                _ => format!("{name} = <expr>"),
            };
            format!("`{name}` needs a value: write `{example}`")
        },
        "expected `name = value` arguments, e.g. `kind = \"chat\", model = req.model`",
        |path, value, errors| {
            let name = path_name(&path);
            if !seen.first(&name, &path, errors) {
                return;
            }
            match name.as_str() {
                "kind" => match lit_str(&value) {
                    Some(lit) => out.kind = Some(lit),
                    None => errors.push(syn::Error::new(
                        value.span(),
                        "`kind` takes a string, e.g. `kind = \"chat\"`",
                    )),
                },
                "span_kind" => match lit_str(&value) {
                    Some(lit) => out.span_kind = Some(lit),
                    None => {
                        let message = match &value {
                        Expr::Path(p)
                            if p.path.get_ident().is_some_and(|i| {
                                crate::model::SPAN_KINDS
                                    .contains(&i.to_string().to_lowercase().as_str())
                            }) =>
                        {
                            let kind = path_name(&p.path).to_lowercase();
                            format!("`span_kind` takes a string: write `span_kind = \"{kind}\"`")
                        }
                        _ => "`span_kind` takes a string: \"client\", \"server\", \"internal\", \"producer\" or \"consumer\"".to_owned(),
                    };
                        errors.push(syn::Error::new(value.span(), message));
                    }
                },
                "contract" | "crate" => match value {
                    Expr::Path(p) if p.qself.is_none() => {
                        if name == "contract" {
                            out.contract = Some(p.path);
                        } else {
                            out.krate = Some(p.path);
                        }
                    }
                    other => errors.push(syn::Error::new(
                        other.span(),
                        format!("`{name}` takes a path, e.g. `{name} = my_crate::MyContract`"),
                    )),
                },
                "request" => {
                    out.request = Some(RequestArg {
                        name: path.span(),
                        value,
                    })
                }
                "client" => {
                    out.client = Some(RequestArg {
                        name: path.span(),
                        value,
                    })
                }
                "handle" => match value {
                    Expr::Path(p) if p.path.get_ident().is_some() => {
                        out.handle = p.path.get_ident().cloned();
                    }
                    other => errors.push(syn::Error::new(
                        other.span(),
                        "`handle` takes the name of a variable, e.g. `handle = span`",
                    )),
                },
                _ => match path.get_ident() {
                    Some(ident) => out.attrs.push(AttrArg {
                        name: ident.clone(),
                        value,
                    }),
                    None => errors.push(syn::Error::new(
                        path.span(),
                        "attribute arguments are plain names, e.g. `max_tokens = req.max_tokens`",
                    )),
                },
            }
        },
    );
    out
}

fn path_name(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn lit_str(expr: &Expr) -> Option<LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.clone()),
        _ => None,
    }
}
