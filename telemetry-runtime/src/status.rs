//! What `init()` made active, as reported by [`status()`](crate::status()).

use std::fmt;

use crate::config::{
    ConfigWarning, ContentCapture, ExporterKind, LogFormat, Protocol, SamplerConfig,
};

/// One signal's state.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SignalStatus {
    /// Where the signal goes.
    pub exporter: ExporterKind,
    /// The OTLP endpoint, when exporting OTLP.
    pub endpoint: Option<String>,
    /// The OTLP transport, when exporting OTLP.
    pub protocol: Option<Protocol>,
    /// Items the collector acknowledged (spans, log records; for metrics, export requests).
    pub exported: u64,
    /// Items lost: dropped because the queue was full, in an export that failed or timed
    /// out (for metrics, export requests that failed), or after the export worker stopped.
    pub dropped: u64,
    /// The export worker stopped without being shut down (its runtime was dropped, or it
    /// panicked): nothing of this signal is exported any more. Warned about once; flush and
    /// shutdown return an error that says so.
    pub worker_stopped: bool,
    /// Of `dropped`, the items dropped because the worker had stopped.
    pub dropped_worker_stopped: u64,
    /// Traces: spans the OTLP JSON file could not keep (100 000 spans or 64 MiB reached).
    pub dropped_file: u64,
    /// Metrics: the instruments past their cardinality limit at the last export (their
    /// further attribute sets aggregated into the overflow series,
    /// `otel.metric.overflow=true`). Zero for the other signals.
    pub overflowed_instruments: u64,
}

impl SignalStatus {
    /// Whether the signal goes anywhere.
    pub fn is_active(&self) -> bool {
        self.exporter != ExporterKind::None
    }
}

/// What is active, and what went wrong so far.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Status {
    /// Whether `init()` has run and installed the toolkit.
    pub initialized: bool,
    /// `OTEL_SDK_DISABLED=true`: no provider is active.
    pub sdk_disabled: bool,
    /// `service.name`.
    pub service_name: String,
    /// Spans.
    pub traces: SignalStatus,
    /// Log records.
    pub logs: SignalStatus,
    /// Metrics.
    pub metrics: SignalStatus,
    /// The trace sampler.
    pub sampler: SamplerConfig,
    /// Format of the stdout log lines.
    pub log_format: LogFormat,
    /// Whether prompts and completions may enter telemetry.
    pub content_capture: ContentCapture,
    /// Content values replaced by [`MARKER`](crate::redaction::MARKER) so far (log fields,
    /// span and log attributes, error texts; see [`redaction`](crate::redaction)).
    pub redacted: u64,
    /// Non-fatal misconfigurations found at init, each also logged once.
    pub warnings: Vec<ConfigWarning>,
}

impl Status {
    pub(crate) fn not_initialized() -> Self {
        let off = SignalStatus {
            exporter: ExporterKind::None,
            endpoint: None,
            protocol: None,
            exported: 0,
            dropped: 0,
            worker_stopped: false,
            dropped_worker_stopped: 0,
            dropped_file: 0,
            overflowed_instruments: 0,
        };
        Status {
            initialized: false,
            sdk_disabled: false,
            service_name: String::new(),
            traces: off.clone(),
            logs: off.clone(),
            metrics: off,
            sampler: SamplerConfig::ParentBasedAlwaysOn,
            log_format: LogFormat::Human,
            content_capture: ContentCapture::NoContent,
            redacted: 0,
            warnings: Vec::new(),
        }
    }
}

impl fmt::Display for SignalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.exporter.as_str())?;
        if let (Some(endpoint), Some(protocol)) = (&self.endpoint, self.protocol) {
            write!(f, " {endpoint} ({})", protocol.as_str())?;
        }
        if self.exporter == ExporterKind::Otlp {
            write!(f, ", {} exported, {} dropped", self.exported, self.dropped)?;
        }
        if self.dropped_file > 0 {
            write!(f, ", {} not kept in the JSON file", self.dropped_file)?;
        }
        if self.overflowed_instruments > 0 {
            write!(
                f,
                ", {} instruments past their cardinality limit",
                self.overflowed_instruments
            )?;
        }
        if self.worker_stopped {
            write!(
                f,
                ", export worker stopped ({} dropped since)",
                self.dropped_worker_stopped
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.initialized {
            return f.write_str("telemetry: not initialized");
        }
        if self.sdk_disabled {
            return f.write_str("telemetry: disabled (OTEL_SDK_DISABLED=true)");
        }
        writeln!(f, "telemetry for service `{}`", self.service_name)?;
        writeln!(f, "  traces:  {} (sampler {})", self.traces, self.sampler)?;
        writeln!(f, "  logs:    {}", self.logs)?;
        writeln!(f, "  metrics: {}", self.metrics)?;
        write!(
            f,
            "  content: capture {}, {} values redacted",
            self.content_capture.as_str(),
            self.redacted
        )?;
        for warning in &self.warnings {
            write!(f, "\n  warning {warning}")?;
        }
        Ok(())
    }
}
