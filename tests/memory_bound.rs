//! Memory bounded in bytes: with the collector hung, 200 spans and 200 log records of 1 MiB
//! each are produced against queues bounded at 8 MiB each. A counting global allocator shows
//! the heap's high-water mark above the starting point stays within the bounds (the queued
//! bytes, the batch in flight and its encoding), not the 400 MiB produced; the drops are
//! counted in `status()`.

mod support;

use telemetry_runtime::opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use telemetry_runtime::opentelemetry::{KeyValue, global};

#[global_allocator]
static ALLOCATOR: support::CountingAllocator = support::CountingAllocator;

const MIB: usize = 1 << 20;
const ITEMS: usize = 200;
const QUEUE_BYTES: usize = 8 * MIB;

#[test]
fn a_hung_collector_and_1_mib_items_cost_the_byte_bounds_not_what_was_produced() {
    let hung = otlp_receiver::Blackhole::start();
    let bound = QUEUE_BYTES.to_string();
    support::set_env(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", &hung.endpoint()),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_METRICS_EXPORTER", "none"),
        ("OTEL_BSP_SCHEDULE_DELAY", "20"),
        ("OTEL_BLRP_SCHEDULE_DELAY", "20"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
        ("TELEMETRY_BSP_MAX_QUEUE_BYTES", &bound),
        ("TELEMETRY_BLRP_MAX_QUEUE_BYTES", &bound),
    ]);
    let guard = telemetry_runtime::builder()
        .default_service_name("memory-bound-test")
        // The stdout lines of 1 MiB records are not kept anywhere.
        .log_writer(support::Captured::only("never printed"))
        .init()
        .unwrap();
    let tracer = global::tracer_provider().tracer("memory-bound-test");
    let baseline = support::reset_heap_peak();
    for i in 0..ITEMS {
        let mut span = tracer.start("big");
        span.set_attribute(KeyValue::new("payload", "s".repeat(MIB)));
        span.end();
        let field = "l".repeat(MIB);
        telemetry_runtime::tracing::info!(payload = field.as_str(), i, "big record");
    }
    let peak = support::heap_peak() - baseline;
    let status = guard.status();
    drop(guard);

    // Produced: 400 MiB. Held at most: both queues' bounds (the batch in flight included),
    // each batch's encoding on its way to the collector (at most as large again), and the
    // items being made (the 1 MiB string, its copy in the span or record, the log line).
    let allowed = 3 * (2 * QUEUE_BYTES);
    assert!(
        peak < allowed,
        "heap high-water mark {} MiB above the start, allowed {} MiB",
        peak / MIB,
        allowed / MIB
    );
    // Most items could not be held: dropped and counted, none exported.
    assert_eq!(status.traces.exported, 0);
    assert!(
        status.traces.dropped >= (ITEMS - 2 * QUEUE_BYTES / MIB) as u64,
        "{status}"
    );
    assert!(
        status.logs.dropped >= (ITEMS - 2 * QUEUE_BYTES / MIB) as u64,
        "{status}"
    );
    eprintln!(
        "heap high-water mark: {:.1} MiB above the start for {} MiB produced; dropped: {} spans, {} log records",
        peak as f64 / MIB as f64,
        2 * ITEMS,
        status.traces.dropped,
        status.logs.dropped
    );
}
