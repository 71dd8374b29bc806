//! Shared helpers of the integration tests. Each test runs in its own process (nextest), so a
//! test may set environment variables and call `init()` once.
#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex};

/// A log writer whose output the test can read.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>, Option<&'static str>);

impl Captured {
    /// Keeps only the lines that contain `needle` (for floods that would fill the memory).
    pub fn only(needle: &'static str) -> Self {
        Captured(Arc::default(), Some(needle))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
    pub fn lines_containing(&self, needle: &str) -> Vec<String> {
        self.text()
            .lines()
            .filter(|l| l.contains(needle))
            .map(str::to_owned)
            .collect()
    }
}

pub struct CapturedWriter(Arc<Mutex<Vec<u8>>>, Option<&'static str>);

impl Write for CapturedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(needle) = self.1
            && !String::from_utf8_lossy(buf).contains(needle)
        {
            return Ok(buf.len());
        }
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = CapturedWriter;
    fn make_writer(&'a self) -> Self::Writer {
        CapturedWriter(self.0.clone(), self.1)
    }
}

/// Sets environment variables for this test process.
pub fn set_env(vars: &[(&str, &str)]) {
    for (key, value) in vars {
        // SAFETY: each test runs in its own process (nextest) and sets its variables before
        // any thread of its own reads the environment.
        unsafe { std::env::set_var(key, value) };
    }
}

/// Names of this process's threads (Linux).
pub fn thread_names() -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            if let Ok(name) = std::fs::read_to_string(task.path().join("comm")) {
                names.push(name.trim().to_owned());
            }
        }
    }
    names
}

/// Sockets this process has open (Linux): the count of `socket:` links in /proc/self/fd.
pub fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|fds| {
            fds.flatten()
                .filter(|fd| {
                    std::fs::read_link(fd.path())
                        .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"))
                })
                .count()
        })
        .unwrap_or(0)
}

/// A loopback port nothing listens on.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Every byte a receiver got (the re-encoded protobuf of the traces, logs and metrics
/// requests), to search for strings that must or must not have been exported.
pub fn exported_bytes(receiver: &otlp_receiver::Receiver) -> Vec<u8> {
    use prost::Message as _;
    let mut bytes = Vec::new();
    for r in receiver.trace_requests() {
        bytes.extend(r.encode_to_vec());
    }
    for r in receiver.log_requests() {
        bytes.extend(r.encode_to_vec());
    }
    for r in receiver.metric_requests() {
        bytes.extend(r.encode_to_vec());
    }
    bytes
}

/// How often `needle` stands in `haystack`.
pub fn occurrences(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

/// The attribute names the registries declare, as this repository keeps them: the
/// OpenTelemetry names the toolkit uses (`semconv/facts.tsv`, which CI checks against the
/// v1.41.0 model), the toolkit's registry, and `registries` (the YAML of an example's own).
pub fn declared_names(registries: &[&str]) -> std::collections::HashSet<String> {
    let mut names: std::collections::HashSet<String> =
        include_str!("../../telemetry-runtime/semconv/facts.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split('\t').next())
            .map(str::to_owned)
            .collect();
    let pipeline = include_str!("../../telemetry-runtime/semconv/registry/pipeline.yaml");
    for registry in std::iter::once(&pipeline).chain(registries) {
        names.extend(
            registry
                .lines()
                .filter_map(|l| l.trim().strip_prefix("- id: "))
                .map(str::to_owned),
        );
    }
    names
}

/// Every attribute key of the spans, events, log records, metric points and resources the
/// receiver got that [`declared_names`]`(registries)` lacks (`what: key`, sorted, once each),
/// and every key seen.
pub fn undeclared_names(
    receiver: &otlp_receiver::Receiver,
    registries: &[&str],
) -> (Vec<String>, std::collections::HashSet<String>) {
    let declared = declared_names(registries);
    let mut undeclared: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut check = |what: &str, key: &str| {
        seen.insert(key.to_owned());
        if !declared.contains(key) {
            undeclared.push(format!("{what}: {key}"));
        }
    };
    for span in receiver.spans() {
        for (key, _) in span.attributes.iter().chain(&span.resource) {
            check(&format!("span {}", span.name), key);
        }
        for event in &span.events {
            for (key, _) in &event.attributes {
                check(&format!("event {} of {}", event.name, span.name), key);
            }
        }
    }
    for log in receiver.logs() {
        for (key, _) in log.attributes.iter().chain(&log.resource) {
            check(&format!("log {:?}", log.body_str()), key);
        }
    }
    for metric in receiver.metrics() {
        for point in &metric.data_points {
            for (key, _) in &point.attributes {
                check(&format!("metric {}", metric.name), key);
            }
        }
    }
    undeclared.sort();
    undeclared.dedup();
    (undeclared, seen)
}

/// A global allocator that counts the bytes allocated now and the high-water mark: a test
/// declares `#[global_allocator] static A: support::CountingAllocator = support::CountingAllocator;`
/// and reads [`heap_now`] and [`heap_peak`].
pub struct CountingAllocator;

static HEAP_NOW: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static HEAP_PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn heap_grew(by: usize) {
    use std::sync::atomic::Ordering;
    let now = HEAP_NOW.fetch_add(by, Ordering::Relaxed) + by;
    HEAP_PEAK.fetch_max(now, Ordering::Relaxed);
}

/// Bytes allocated now.
pub fn heap_now() -> usize {
    HEAP_NOW.load(std::sync::atomic::Ordering::Relaxed)
}

/// The high-water mark since the last [`reset_heap_peak`].
pub fn heap_peak() -> usize {
    HEAP_PEAK.load(std::sync::atomic::Ordering::Relaxed)
}

/// Starts a new high-water mark at the current size; returns it.
pub fn reset_heap_peak() -> usize {
    let now = heap_now();
    HEAP_PEAK.store(now, std::sync::atomic::Ordering::Relaxed);
    now
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are kept.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        heap_grew(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        HEAP_NOW.fetch_sub(layout.size(), std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            heap_grew(new_size - layout.size());
        } else {
            HEAP_NOW.fetch_sub(
                layout.size() - new_size,
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}
