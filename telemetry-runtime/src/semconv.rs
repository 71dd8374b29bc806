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
];

#[cfg(test)]
mod tests {
    /// The table CI checks against the registry.
    const FACTS: &str = include_str!("../semconv/facts.tsv");

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
