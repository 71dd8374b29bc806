//! The built-in contracts of [`telemetry_vocabulary::builtin`] as contract models.

use proc_macro2::{Ident, Span};

use crate::model::{AttrSpec, ContractSpec, StepKeys, StreamKeys};
pub use telemetry_vocabulary::builtin::{BUILTINS, Builtin, all_kinds, find};

/// The contract model of a built-in.
pub fn spec(builtin: &Builtin) -> ContractSpec {
    let attrs = builtin
        .attributes()
        .into_iter()
        .map(|a| AttrSpec {
            arg: a.arg.into(),
            key: a.key.into(),
            ty: a.kind,
            requirement: a.requirement,
            fixed: a.fixed.map(Into::into),
        })
        .collect();
    let steps = telemetry_vocabulary::STEP_KEYS;
    let stream = telemetry_vocabulary::STREAM_KEYS;
    ContractSpec {
        ident: Ident::new(builtin.ident, Span::call_site()),
        kind: builtin.kind.into(),
        span_kind: builtin.span_kind.into(),
        name: builtin.name.into(),
        attrs,
        returns: builtin
            .returns
            .map(|r| syn::parse_str(&format!("crate::genai::{r}")).expect("valid path")),
        steps: builtin.steps.then(|| StepKeys {
            steps: steps.steps.into(),
            mean_ms: steps.mean_ms.into(),
            max_ms: steps.max_ms.into(),
        }),
        stream: builtin.stream.then(|| StreamKeys {
            time_to_first_chunk: stream.time_to_first_chunk.into(),
            chunks: stream.chunks.into(),
            output_tokens: stream.output_tokens.into(),
        }),
        doc: builtin.doc.into(),
    }
}
