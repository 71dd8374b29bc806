//! What never enters the OpenTelemetry pipeline: whatever the export path emits (the export
//! thread runs with telemetry suppressed, so the HTTP and gRPC stack's events about exporting
//! do not feed the export they are about), and the diagnostics of the toolkit's and the SDK's
//! own export machinery wherever they are emitted. The same crates' events from the
//! application's own threads (a `tower_http` trace layer, an app's `reqwest` calls) are
//! exported like any other.

use opentelemetry::Context;

/// The toolkit's export diagnostics and the OpenTelemetry SDK's own.
const INTERNAL_PREFIXES: &[&str] = &["telemetry_runtime::export", "opentelemetry"];

/// Whether an event or span of `target`, emitted here and now, stays out of the pipeline.
pub(crate) fn is_excluded(target: &str) -> bool {
    Context::is_current_telemetry_suppressed() || is_internal(target)
}

/// Whether `target` belongs to the export machinery.
fn is_internal(target: &str) -> bool {
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
    use super::*;

    #[test]
    fn export_machinery_is_internal_and_user_crates_are_not() {
        assert!(is_internal("telemetry_runtime::export"));
        assert!(is_internal("opentelemetry_sdk"));
        assert!(!is_internal("hyper_util::client"));
        assert!(!is_internal("tower_http::trace"));
        assert!(!is_internal("reqwest::connect"));
        assert!(!is_internal("opentelemetryx"));
        assert!(!is_internal("telemetry_runtime::http"));
    }

    #[test]
    fn everything_emitted_with_telemetry_suppressed_is_excluded() {
        assert!(!is_excluded("hyper::proto"));
        let _suppressed = Context::enter_telemetry_suppressed_scope();
        assert!(is_excluded("hyper::proto"));
        assert!(is_excluded("my_app"));
    }
}
