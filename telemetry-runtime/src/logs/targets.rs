//! Targets whose events and spans never enter the OpenTelemetry pipeline.

/// The toolkit's own export diagnostics and the crates the exporters are built on: their
/// events are about exporting, so exporting them would feed a failing export with more work.
const INTERNAL_PREFIXES: &[&str] = &[
    "telemetry_runtime::export",
    "opentelemetry",
    "tonic",
    "h2",
    "hyper",
    "tower",
    "reqwest",
];

/// Whether `target` belongs to the export machinery.
pub(crate) fn is_internal(target: &str) -> bool {
    INTERNAL_PREFIXES.iter().any(|prefix| {
        target.starts_with(prefix)
            && matches!(
                target.as_bytes().get(prefix.len()),
                None | Some(b':' | b'_')
            )
    })
}

#[cfg(test)]
mod tests {
    use super::is_internal;

    #[test]
    fn export_machinery_is_internal_and_user_crates_are_not() {
        assert!(is_internal("telemetry_runtime::export"));
        assert!(is_internal("h2::codec"));
        assert!(is_internal("opentelemetry_sdk"));
        assert!(is_internal("hyper_util::client"));
        assert!(!is_internal("h2o_service"));
        assert!(!is_internal("my_app::tower_of_hanoi"));
        assert!(!is_internal("telemetry_runtime::http"));
    }
}
