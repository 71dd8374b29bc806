//! Attribute names of OpenTelemetry semantic conventions v1.41.0 that the toolkit emits.
//!
//! Every name here is listed in `semconv/facts.tsv` with its type; a test keeps the two in
//! step, and CI checks the table against the registry itself.

/// `service.name`
pub const SERVICE_NAME: &str = "service.name";
/// `service.version`
pub const SERVICE_VERSION: &str = "service.version";
/// `deployment.environment.name`
pub const DEPLOYMENT_ENVIRONMENT_NAME: &str = "deployment.environment.name";
/// `telemetry.sdk.name`
pub const TELEMETRY_SDK_NAME: &str = "telemetry.sdk.name";
/// `telemetry.sdk.language`
pub const TELEMETRY_SDK_LANGUAGE: &str = "telemetry.sdk.language";
/// `telemetry.sdk.version`
pub const TELEMETRY_SDK_VERSION: &str = "telemetry.sdk.version";
/// `telemetry.distro.name`
pub const TELEMETRY_DISTRO_NAME: &str = "telemetry.distro.name";
/// `telemetry.distro.version`
pub const TELEMETRY_DISTRO_VERSION: &str = "telemetry.distro.version";
/// `code.file.path`
pub const CODE_FILE_PATH: &str = "code.file.path";
/// `code.line.number`
pub const CODE_LINE_NUMBER: &str = "code.line.number";
/// `exception.type`
pub const EXCEPTION_TYPE: &str = "exception.type";
/// `exception.message`
pub const EXCEPTION_MESSAGE: &str = "exception.message";

/// Every attribute name of this module with its semconv type, as in `semconv/facts.tsv`.
#[cfg(test)]
pub(crate) const EMITTED: &[(&str, &str)] = &[
    (SERVICE_NAME, "string"),
    (SERVICE_VERSION, "string"),
    (DEPLOYMENT_ENVIRONMENT_NAME, "string"),
    (TELEMETRY_SDK_NAME, "string"),
    (TELEMETRY_SDK_LANGUAGE, "string"),
    (TELEMETRY_SDK_VERSION, "string"),
    (TELEMETRY_DISTRO_NAME, "string"),
    (TELEMETRY_DISTRO_VERSION, "string"),
    (CODE_FILE_PATH, "string"),
    (CODE_LINE_NUMBER, "int"),
    (EXCEPTION_TYPE, "string"),
    (EXCEPTION_MESSAGE, "string"),
];

#[cfg(test)]
mod tests {
    /// The table CI checks against the registry.
    const FACTS: &str = include_str!("../semconv/facts.tsv");

    /// The pipeline's own attributes.
    const PROJECT: &str = include_str!("../semconv/project.tsv");

    fn rows(table: &str) -> Vec<(String, String, String)> {
        table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.split('\t');
                let mut next = || cols.next().unwrap_or("").to_owned();
                (next(), next(), next())
            })
            .collect()
    }

    #[test]
    fn every_contract_attribute_is_in_a_table_with_its_semconv_type() {
        use crate::contracts::*;
        use crate::span::{Contract, Source};
        let facts = rows(FACTS);
        let project = rows(PROJECT);
        let contracts: &[(&str, &[crate::span::AttributeSpec])] = &[
            (Chat::KIND, Chat::ATTRIBUTES),
            (TextCompletion::KIND, TextCompletion::ATTRIBUTES),
            (GenerateContent::KIND, GenerateContent::ATTRIBUTES),
            (Embeddings::KIND, Embeddings::ATTRIBUTES),
            (Retrieval::KIND, Retrieval::ATTRIBUTES),
            (ExecuteTool::KIND, ExecuteTool::ATTRIBUTES),
            (InvokeAgent::KIND, InvokeAgent::ATTRIBUTES),
            (CreateAgent::KIND, CreateAgent::ATTRIBUTES),
            (HttpHandler::KIND, HttpHandler::ATTRIBUTES),
            (TokenizeInput::KIND, TokenizeInput::ATTRIBUTES),
            (RagRetrieve::KIND, RagRetrieve::ATTRIBUTES),
            (EmbedQuery::KIND, EmbedQuery::ATTRIBUTES),
            (VectorSearch::KIND, VectorSearch::ATTRIBUTES),
            (Rerank::KIND, Rerank::ATTRIBUTES),
            (LlmPrefill::KIND, LlmPrefill::ATTRIBUTES),
            (LlmDecode::KIND, LlmDecode::ATTRIBUTES),
            (FormatOutput::KIND, FormatOutput::ATTRIBUTES),
        ];
        let mut checked = 0;
        for (kind, attributes) in contracts {
            for attr in attributes.iter() {
                let row = facts
                    .iter()
                    .chain(&project)
                    .find(|(name, _, _)| name == attr.key);
                let Some((_, ty, _)) = row else {
                    panic!(
                        "`{kind}`: {} is in neither semconv/facts.tsv nor semconv/project.tsv",
                        attr.key
                    )
                };
                let fits = ty == attr.ty || (attr.content && (ty == "any" || ty == "string"));
                assert!(
                    fits,
                    "`{kind}`: {} is {ty} in the table, {} in the contract",
                    attr.key, attr.ty
                );
                checked += 1;
            }
            let operation = attributes.iter().find(|a| a.key == "gen_ai.operation.name");
            if let Some(op) = operation {
                assert_eq!(op.source, Source::Fixed);
                let (_, _, members) = facts
                    .iter()
                    .find(|(n, _, _)| n == "gen_ai.operation.name")
                    .unwrap();
                assert!(
                    members.split(',').any(|m| m == *kind),
                    "`{kind}` is not a gen_ai.operation.name value"
                );
            }
        }
        assert!(checked > 100, "{checked}");
        for keys in [LlmDecode::STEP_KEYS.map(|k| [k.steps, k.mean_ms, k.max_ms])]
            .into_iter()
            .flatten()
        {
            for key in keys {
                assert!(project.iter().any(|(n, _, _)| n == key), "{key}");
            }
        }
        let stream = Chat::STREAM_KEYS.unwrap();
        for key in [stream.time_to_first_chunk, stream.output_tokens] {
            assert!(facts.iter().any(|(n, _, _)| n == key), "{key}");
        }
        assert!(project.iter().any(|(n, _, _)| n == stream.chunks));
    }

    fn facts() -> Vec<(String, String)> {
        FACTS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut cols = l.split('\t');
                (
                    cols.next().unwrap().to_owned(),
                    cols.next().unwrap_or("").to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn every_emitted_attribute_is_in_the_facts_table_with_its_type() {
        let facts = facts();
        for (name, ty) in super::EMITTED {
            let found = facts.iter().find(|(n, _)| n == name);
            assert_eq!(
                found.map(|(_, t)| t.as_str()),
                Some(*ty),
                "{name} must be in semconv/facts.tsv as {ty}"
            );
        }
    }
}
