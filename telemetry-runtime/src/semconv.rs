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

    /// The pipeline's own registry: its attributes and spans.
    const REGISTRY: &str = include_str!("../semconv/registry/pipeline.yaml");

    /// One group of the registry file, read from its fixed layout (two-space indents, one
    /// `key: value` a line; .ci/check-semconv reads the same file with a YAML parser).
    #[derive(Debug, Default)]
    struct Group {
        id: String,
        ty: String,
        span_kind: String,
        /// `(id or ref, type or requirement level)`.
        attributes: Vec<(String, String)>,
    }

    fn registry() -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for line in REGISTRY.lines() {
            let value = |prefix: &str| line.strip_prefix(prefix).map(|v| v.trim().to_owned());
            if let Some(id) = value("  - id: ") {
                groups.push(Group {
                    id,
                    ..Group::default()
                });
                continue;
            }
            let Some(group) = groups.last_mut() else {
                continue;
            };
            if let Some(ty) = value("    type: ") {
                group.ty = ty;
            } else if let Some(kind) = value("    span_kind: ") {
                group.span_kind = kind;
            } else if let Some(name) = value("      - id: ").or_else(|| value("      - ref: ")) {
                group.attributes.push((name, String::new()));
            } else if let Some(detail) =
                value("        type: ").or_else(|| value("        requirement_level: "))
                && let Some(last) = group.attributes.last_mut()
            {
                last.1 = detail;
            }
        }
        groups
    }

    /// The pipeline's own attributes, as `rows` gives them: `(name, type, "")`.
    fn project_rows() -> Vec<(String, String, String)> {
        registry()
            .into_iter()
            .filter(|g| g.ty == "attribute_group")
            .flat_map(|g| g.attributes)
            .map(|(name, ty)| (name, ty, String::new()))
            .collect()
    }

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
        use telemetry_vocabulary::builtin::BUILTINS;
        use telemetry_vocabulary::{STEP_KEYS, STREAM_KEYS, ValueKind};
        let facts = rows(FACTS);
        let project = project_rows();
        let mut checked = 0;
        for builtin in BUILTINS {
            let kind = builtin.kind;
            for attr in builtin.attributes() {
                let row = facts
                    .iter()
                    .chain(&project)
                    .find(|(name, _, _)| name == attr.key);
                let Some((_, ty, _)) = row else {
                    panic!(
                        "`{kind}`: {} is in neither semconv/facts.tsv nor semconv/registry",
                        attr.key
                    )
                };
                let content = attr.kind == ValueKind::Content;
                let fits =
                    ty == attr.kind.semconv() || (content && (ty == "any" || ty == "string"));
                assert!(
                    fits,
                    "`{kind}`: {} is {ty} in the table, {} in the contract",
                    attr.key,
                    attr.kind.semconv()
                );
                checked += 1;
            }
            if let Some(operation) = builtin.operation {
                let (_, _, members) = facts
                    .iter()
                    .find(|(n, _, _)| n == "gen_ai.operation.name")
                    .unwrap();
                assert_eq!(operation, kind);
                assert!(
                    members.split(',').any(|m| m == kind),
                    "`{kind}` is not a gen_ai.operation.name value"
                );
            }
        }
        assert!(checked > 100, "{checked}");
        for key in [STEP_KEYS.steps, STEP_KEYS.mean_ms, STEP_KEYS.max_ms] {
            assert!(project.iter().any(|(n, _, _)| n == key), "{key}");
        }
        for key in [STREAM_KEYS.time_to_first_chunk, STREAM_KEYS.output_tokens] {
            assert!(facts.iter().any(|(n, _, _)| n == key), "{key}");
        }
        assert!(project.iter().any(|(n, _, _)| n == STREAM_KEYS.chunks));
    }

    /// The runtime's contract types are generated from the vocabulary: their attributes are
    /// the vocabulary's, in order, with the same requirement levels and sources.
    #[test]
    fn generated_contracts_are_the_vocabulary() {
        use crate::span::{Contract, Requirement, Source};
        fn same<C: Contract>() {
            let builtin = telemetry_vocabulary::builtin::find(C::KIND).expect("a built-in kind");
            let expected: Vec<(&str, &str, &str, bool)> = builtin
                .attributes()
                .iter()
                .map(|a| {
                    (
                        a.key,
                        a.kind.semconv(),
                        a.requirement.semconv(),
                        a.fixed.is_some(),
                    )
                })
                .collect();
            let level = |r: Requirement| match r {
                Requirement::Required => "required",
                Requirement::ConditionallyRequired => "conditionally_required",
                Requirement::Recommended => "recommended",
                Requirement::OptIn => "opt_in",
            };
            let generated: Vec<(&str, &str, &str, bool)> = C::ATTRIBUTES
                .iter()
                .map(|a| (a.key, a.ty, level(a.requirement), a.source == Source::Fixed))
                .collect();
            assert_eq!(generated, expected, "{}", C::KIND);
            assert_eq!(C::STEP_KEYS.is_some(), builtin.steps, "{}", C::KIND);
            assert_eq!(C::STREAM_KEYS.is_some(), builtin.stream, "{}", C::KIND);
        }
        same::<crate::contracts::Chat>();
        same::<crate::contracts::Embeddings>();
        same::<crate::contracts::LlmDecode>();
        same::<crate::contracts::HttpHandler>();
    }

    #[test]
    fn the_pipeline_registry_and_the_pipeline_contracts_agree() {
        use telemetry_vocabulary::STEP_KEYS;
        use telemetry_vocabulary::builtin::BUILTINS;
        // The pipeline contracts: the built-ins that are not a GenAI operation.
        /// A span group: its id, its span kind, and its attribute refs with their levels.
        type SpanGroup = (String, String, Vec<(String, String)>);
        let contracts: Vec<SpanGroup> = BUILTINS
            .iter()
            .filter(|b| b.operation.is_none())
            .map(|b| {
                let mut refs: Vec<(String, String)> = b
                    .attributes()
                    .iter()
                    .map(|a| (a.key.to_owned(), a.requirement.semconv().to_owned()))
                    .collect();
                if b.steps {
                    for key in [STEP_KEYS.steps, STEP_KEYS.mean_ms, STEP_KEYS.max_ms] {
                        refs.push((key.to_owned(), "recommended".to_owned()));
                    }
                }
                (format!("span.{}", b.kind), b.span_kind.to_owned(), refs)
            })
            .collect();
        assert_eq!(contracts.len(), 9);
        let registry = registry();
        let spans: Vec<&Group> = registry.iter().filter(|g| g.ty == "span").collect();
        assert_eq!(
            spans.len(),
            contracts.len(),
            "one span group per pipeline contract"
        );
        let project = project_rows();
        let facts = rows(FACTS);
        for (id, span_kind, refs) in &contracts {
            let group = spans
                .iter()
                .find(|g| &g.id == id)
                .unwrap_or_else(|| panic!("semconv/registry/pipeline.yaml has no group {id}"));
            assert_eq!(&group.span_kind, span_kind, "{id}");
            assert_eq!(&group.attributes, refs, "{id}: refs and requirement levels");
            for (key, _) in refs {
                assert!(
                    project.iter().chain(&facts).any(|(n, _, _)| n == key),
                    "{id}: {key} is defined neither here nor in the OpenTelemetry registry"
                );
            }
        }
        // Every attribute the registry defines is used by a contract or the stream keys.
        let stream = telemetry_vocabulary::STREAM_KEYS;
        for (name, ty, _) in &project {
            assert!(
                contracts
                    .iter()
                    .any(|(_, _, refs)| refs.iter().any(|(k, _)| k == name))
                    || name == stream.chunks,
                "{name} ({ty}) is defined but no contract records it"
            );
        }
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
