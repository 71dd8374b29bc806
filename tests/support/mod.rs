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
