//! Non-fatal configuration warnings: the configuration works, but probably not as meant.

use std::fmt;

use super::env::exporter_var;
use super::{Config, ContentCapture, ExporterKind, SamplerConfig, Signal};

/// Stable identifier of a [`ConfigWarning`], for documentation and log searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// `TR-W001`: the sampling ratio is 0, so no new trace is sampled.
    SamplingRatioZero,
    /// `TR-W002`: prompts and completions are captured into telemetry.
    ContentCaptureEnabled,
    /// `TR-W003`: a console exporter is active in production.
    ConsoleInProduction,
    /// `TR-W004`: an `https://` endpoint, but the crate was built without the `tls` feature.
    HttpsWithoutTls,
    /// `TR-W005`: OTLP export requested, but the crate was built without the `otlp` feature.
    OtlpFeatureMissing,
    /// `TR-W006`: an OTLP exporter could not be built at startup, so its signal is not
    /// exported (reported by `init()`, not by configuration resolution).
    ExporterUnavailable,
    /// `TR-W007`: `TRACEPARENT`, `TRACESTATE` or `BAGGAGE` in the environment is invalid and
    /// ignored (see [`process`](crate::process)); the process starts its own traces.
    InvalidInheritedContext,
    /// `TR-W008`: TLS files (`OTEL_EXPORTER_OTLP_CERTIFICATE`, `..._CLIENT_CERTIFICATE`,
    /// `..._CLIENT_KEY`) are set for a signal whose endpoint is not `https://`, so they are not
    /// used.
    TlsFilesUnused,
}

impl WarningCode {
    /// The stable code, e.g. `TR-W001`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::SamplingRatioZero => "TR-W001",
            WarningCode::ContentCaptureEnabled => "TR-W002",
            WarningCode::ConsoleInProduction => "TR-W003",
            WarningCode::HttpsWithoutTls => "TR-W004",
            WarningCode::OtlpFeatureMissing => "TR-W005",
            WarningCode::ExporterUnavailable => "TR-W006",
            WarningCode::InvalidInheritedContext => "TR-W007",
            WarningCode::TlsFilesUnused => "TR-W008",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configuration that resolves, but likely not as intended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// Stable code.
    pub code: WarningCode,
    /// What happens and how to change it.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The cargo features this crate was built with (a parameter, so tests cover every build).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Features {
    /// The `otlp` feature: OTLP exporters are compiled in.
    pub otlp: bool,
    /// The `tls` feature: `https://` endpoints work.
    pub tls: bool,
}

impl Features {
    /// The features of this build.
    pub(crate) const COMPILED: Features = Features {
        otlp: cfg!(feature = "otlp"),
        tls: cfg!(feature = "tls"),
    };
}

const SIGNALS: [Signal; 3] = [Signal::Traces, Signal::Logs, Signal::Metrics];

/// Turns off the OTLP exporters this build cannot run (`TR-W005`), then appends the other
/// warnings to `config.warnings`.
pub(crate) fn apply(config: &mut Config, features: Features) {
    let mut warnings = Vec::new();

    if !features.otlp {
        for signal in SIGNALS {
            let signal_config = config.signal_mut(signal);
            if signal_config.exporter == ExporterKind::Otlp {
                signal_config.exporter = ExporterKind::None;
                signal_config.endpoint = None;
                let name = signal.as_str();
                warnings.push(ConfigWarning {
                    code: WarningCode::OtlpFeatureMissing,
                    message: format!(
                        "OTLP export of {name} was requested but telemetry-runtime was built \
                         without the `otlp` feature: {name} export is off; build it with \
                         features = [\"otlp\"]"
                    ),
                });
            }
        }
    }

    match config.sampler {
        SamplerConfig::TraceIdRatio(r) | SamplerConfig::ParentBasedTraceIdRatio(r) if r == 0.0 => {
            let parent_note = if matches!(config.sampler, SamplerConfig::ParentBasedTraceIdRatio(_))
            {
                " (only traces whose parent was sampled upstream are recorded)"
            } else {
                ""
            };
            warnings.push(ConfigWarning {
                code: WarningCode::SamplingRatioZero,
                message: format!(
                    "the sampler is {} with ratio 0: no new trace will be sampled{parent_note}; \
                     raise the ratio (OTEL_TRACES_SAMPLER_ARG) above 0",
                    config.sampler
                ),
            });
        }
        _ => {}
    }

    if config.content_capture.is_enabled() {
        warnings.push(ConfigWarning {
            code: WarningCode::ContentCaptureEnabled,
            message: format!(
                "message content capture is {}: prompts and completions will enter telemetry; \
                 make sure the telemetry backend may store them",
                content_capture_name(config.content_capture)
            ),
        });
    }

    if let Some((key, environment)) = production_environment(&config.resource_attributes) {
        let console: Vec<Signal> = SIGNALS
            .into_iter()
            .filter(|s| config.signal(*s).exporter == ExporterKind::Console)
            .collect();
        if !console.is_empty() {
            let names: Vec<&str> = console.iter().map(|s| s.as_str()).collect();
            let variables: Vec<&str> = console.iter().map(|s| exporter_var(*s)).collect();
            warnings.push(ConfigWarning {
                code: WarningCode::ConsoleInProduction,
                message: format!(
                    "the console exporter is active for {} while {key} is `{environment}`: \
                     telemetry is printed on stdout instead of being exported; configure an \
                     OTLP endpoint or set {} to otlp or none",
                    names.join(" and "),
                    variables.join(", ")
                ),
            });
        }
    }

    if !features.tls {
        for signal in SIGNALS {
            let signal_config = config.signal(signal);
            if signal_config.exporter != ExporterKind::Otlp {
                continue;
            }
            if let Some(endpoint) = &signal_config.endpoint
                && super::is_https(endpoint)
            {
                warnings.push(ConfigWarning {
                    code: WarningCode::HttpsWithoutTls,
                    message: format!(
                        "the {} endpoint {endpoint} uses https but telemetry-runtime was built \
                         without the `tls` feature: export will fail; build it with \
                         features = [\"tls\"]",
                        signal.as_str()
                    ),
                });
            }
        }
    }

    for signal in SIGNALS {
        let signal_config = config.signal(signal);
        if signal_config.exporter != ExporterKind::Otlp || !signal_config.tls.is_set() {
            continue;
        }
        let endpoint = signal_config.endpoint.as_deref().unwrap_or_default();
        if !super::is_https(endpoint) {
            let shown = if endpoint.is_empty() {
                "the default endpoint".to_owned()
            } else {
                crate::redaction_rules::scrub_userinfo(endpoint).into_owned()
            };
            warnings.push(ConfigWarning {
                code: WarningCode::TlsFilesUnused,
                message: format!(
                    "TLS files are set for {} but its endpoint ({shown}) is not https: the \
                     connection is plain and the files are not used; use an https:// endpoint",
                    signal.as_str()
                ),
            });
        }
    }

    config.warnings.extend(warnings);
}

/// `deployment.environment.name` (or the older `deployment.environment`) when it says
/// production (`production` or `prod`, case-insensitive).
fn production_environment(attributes: &[(String, String)]) -> Option<(&str, &str)> {
    attributes
        .iter()
        .filter(|(k, _)| k == "deployment.environment.name" || k == "deployment.environment")
        .find(|(_, v)| {
            let v = v.trim();
            v.eq_ignore_ascii_case("production") || v.eq_ignore_ascii_case("prod")
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

fn content_capture_name(capture: ContentCapture) -> &'static str {
    match capture {
        ContentCapture::NoContent => "NO_CONTENT",
        ContentCapture::SpanOnly => "SPAN_ONLY",
        ContentCapture::EventOnly => "EVENT_ONLY",
        ContentCapture::SpanAndEvent => "SPAN_AND_EVENT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(WarningCode::SamplingRatioZero.as_str(), "TR-W001");
        assert_eq!(WarningCode::ContentCaptureEnabled.as_str(), "TR-W002");
        assert_eq!(WarningCode::ConsoleInProduction.as_str(), "TR-W003");
        assert_eq!(WarningCode::HttpsWithoutTls.as_str(), "TR-W004");
        assert_eq!(WarningCode::OtlpFeatureMissing.to_string(), "TR-W005");
        assert_eq!(WarningCode::ExporterUnavailable.as_str(), "TR-W006");
        assert_eq!(WarningCode::InvalidInheritedContext.as_str(), "TR-W007");
        assert_eq!(WarningCode::TlsFilesUnused.as_str(), "TR-W008");
    }

    #[test]
    fn warning_display_starts_with_the_code() {
        let w = ConfigWarning {
            code: WarningCode::SamplingRatioZero,
            message: "no new trace will be sampled".into(),
        };
        assert_eq!(w.to_string(), "TR-W001: no new trace will be sampled");
    }

    #[test]
    fn production_detection() {
        let attrs = |k: &str, v: &str| vec![(k.to_owned(), v.to_owned())];
        assert!(production_environment(&attrs("deployment.environment.name", "prod")).is_some());
        assert!(
            production_environment(&attrs("deployment.environment.name", "Production")).is_some()
        );
        assert!(production_environment(&attrs("deployment.environment", "production")).is_some());
        assert!(production_environment(&attrs("deployment.environment.name", "staging")).is_none());
        assert!(production_environment(&attrs("env", "prod")).is_none());
    }
}
