//! The export runtime: one dedicated thread that owns every exporter connection.

/// Starts the runtime. Its thread runs with telemetry suppressed, so the exporters' own
/// diagnostics (tonic, hyper, reqwest) never become spans or log records of their own.
pub(crate) fn start() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(2)
        .thread_name("telemetry-export")
        .enable_all()
        .on_thread_start(|| {
            // The thread belongs to the exporter for its whole life: keep the scope entered.
            std::mem::forget(opentelemetry::Context::enter_telemetry_suppressed_scope());
        })
        .build()
}
