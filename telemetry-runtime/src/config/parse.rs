//! Parsers of single variable values. Each takes the variable name (for the error message)
//! and the value, already trimmed and non-empty (see [`Env::get`](super::env::Env::get)).

use std::time::Duration;

use super::env::{OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG};
use super::{ConfigError, ContentCapture, ExporterKind, LogFormat, Protocol, SamplerConfig};
use crate::percent::{DecodeError, percent_decode};
use crate::redaction_rules::KeyPattern;

/// Expected text of the exporter variables.
pub(crate) const EXPECTED_EXPORTER: &str = "one of otlp, console, none";
/// Expected text of the protocol variables.
pub(crate) const EXPECTED_PROTOCOL: &str = "one of grpc, http/protobuf";
/// Expected text of millisecond durations.
pub(crate) const EXPECTED_MILLIS: &str = "a positive whole number of milliseconds, e.g. 10000";
/// Expected text of sizes and counts.
pub(crate) const EXPECTED_POSITIVE: &str = "a positive whole number, e.g. 2048";
/// Expected text of the sampler variable.
pub(crate) const EXPECTED_SAMPLER: &str = "one of always_on, always_off, traceidratio, \
     parentbased_always_on, parentbased_always_off, parentbased_traceidratio";
/// Expected text of the sampler ratio.
pub(crate) const EXPECTED_RATIO: &str = "a number from 0 to 1, e.g. 0.25";
/// Expected text of booleans.
pub(crate) const EXPECTED_BOOL: &str = "true or false";
/// Expected text of the log format.
pub(crate) const EXPECTED_LOG_FORMAT: &str = "one of human, json";
/// Expected text of the content capture variable.
pub(crate) const EXPECTED_CONTENT_CAPTURE: &str =
    "one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true, false";
/// Expected text of the redaction key lists.
pub(crate) const EXPECTED_KEYS: &str = "comma-separated key fragments without spaces, such as \
     `prompt,body` (a leading `+` adds them to the default list instead of replacing it)";
/// Example shown for malformed headers.
pub(crate) const HEADERS_EXAMPLE: &str = "api-key=secret,tenant=acme";
/// Example shown for malformed resource attributes.
pub(crate) const RESOURCE_ATTRIBUTES_EXAMPLE: &str =
    "service.version=1.2.0,deployment.environment.name=prod";

/// Builds [`ConfigError::InvalidValue`].
pub(crate) fn invalid(variable: &str, value: &str, expected: impl Into<String>) -> ConfigError {
    ConfigError::InvalidValue {
        variable: variable.to_owned(),
        // An endpoint's `user:password@` never enters an error message.
        value: crate::redaction_rules::scrub_userinfo(value).into_owned(),
        expected: expected.into(),
    }
}

/// `true` or `false`, case-insensitive.
pub(crate) fn parse_bool(variable: &str, value: &str) -> Result<bool, ConfigError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(variable, value, EXPECTED_BOOL))
    }
}

/// `otlp`, `console` or `none`, case-insensitive. A list (`otlp,console`) is refused:
/// one exporter per signal.
pub(crate) fn parse_exporter(variable: &str, value: &str) -> Result<ExporterKind, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "otlp" => Ok(ExporterKind::Otlp),
        "console" => Ok(ExporterKind::Console),
        "none" => Ok(ExporterKind::None),
        _ => Err(invalid(variable, value, EXPECTED_EXPORTER)),
    }
}

/// `grpc` or `http/protobuf`, case-insensitive; `http/json` is refused with its own message.
pub(crate) fn parse_protocol(variable: &str, value: &str) -> Result<Protocol, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "grpc" => Ok(Protocol::Grpc),
        "http/protobuf" => Ok(Protocol::HttpProtobuf),
        "http/json" => Err(invalid(
            variable,
            value,
            format!("{EXPECTED_PROTOCOL} (http/json is not supported)"),
        )),
        _ => Err(invalid(variable, value, EXPECTED_PROTOCOL)),
    }
}

/// Longest duration any variable takes, in milliseconds: a day. Deadlines computed from a
/// larger one could overflow the clock.
pub(crate) const MAX_MILLIS: u64 = 86_400_000;
/// Largest queue of a batch processor (`OTEL_BSP_MAX_QUEUE_SIZE`, `OTEL_BLRP_MAX_QUEUE_SIZE`):
/// 128 times the default.
pub(crate) const MAX_QUEUE_SIZE: usize = 262_144;
/// Largest export batch (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`):
/// each export holds a buffer of this many items.
pub(crate) const MAX_EXPORT_BATCH_SIZE: usize = 8_192;
/// Largest byte bound of a queue (`TELEMETRY_BSP_MAX_QUEUE_BYTES`, ...): 4 GiB.
pub(crate) const MAX_QUEUE_BYTES: usize = 4 << 30;
/// Largest attribute count limit (`OTEL_*_COUNT_LIMIT`).
pub(crate) const MAX_COUNT_LIMIT: usize = 65_536;
/// Largest attribute value length limit (`OTEL_*_VALUE_LENGTH_LIMIT`): 16 MiB.
pub(crate) const MAX_LENGTH_LIMIT: usize = 16 << 20;

/// A whole number of milliseconds greater than zero, at most [`MAX_MILLIS`].
pub(crate) fn parse_millis(variable: &str, value: &str) -> Result<Duration, ConfigError> {
    match value.parse::<u64>() {
        Ok(ms) if ms > MAX_MILLIS => Err(invalid(
            variable,
            value,
            format!("{EXPECTED_MILLIS}, at most {MAX_MILLIS} (a day)"),
        )),
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(invalid(variable, value, EXPECTED_MILLIS)),
    }
}

/// A whole number greater than zero.
pub(crate) fn parse_positive(variable: &str, value: &str) -> Result<usize, ConfigError> {
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(invalid(variable, value, EXPECTED_POSITIVE)),
    }
}

/// A whole number greater than zero and at most `max`; the error names the maximum.
pub(crate) fn parse_positive_at_most(
    variable: &str,
    value: &str,
    max: usize,
) -> Result<usize, ConfigError> {
    let n = parse_positive(variable, value)?;
    if n > max {
        return Err(invalid(
            variable,
            value,
            format!("a positive whole number no greater than {max}"),
        ));
    }
    Ok(n)
}

/// A whole number (zero included) at most `max`; the error names the maximum.
pub(crate) fn parse_count_at_most(
    variable: &str,
    value: &str,
    max: usize,
) -> Result<usize, ConfigError> {
    match value.parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(invalid(
            variable,
            value,
            format!("a whole number from 0 to {max}"),
        )),
    }
}

/// A finite number in `[0, 1]`.
pub(crate) fn parse_ratio(variable: &str, value: &str) -> Result<f64, ConfigError> {
    match value.parse::<f64>() {
        // `+ 0.0` turns `-0` into `0`.
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r + 0.0),
        _ => Err(invalid(variable, value, EXPECTED_RATIO)),
    }
}

/// `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. The argument is read only by the
/// ratio samplers (default 1.0); the other samplers ignore it, as the specification says.
pub(crate) fn parse_sampler(value: &str, arg: Option<&str>) -> Result<SamplerConfig, ConfigError> {
    let ratio = || match arg {
        Some(arg) => parse_ratio(OTEL_TRACES_SAMPLER_ARG, arg),
        None => Ok(super::env::DEFAULT_SAMPLER_RATIO),
    };
    match value.to_ascii_lowercase().as_str() {
        "always_on" => Ok(SamplerConfig::AlwaysOn),
        "always_off" => Ok(SamplerConfig::AlwaysOff),
        "traceidratio" => Ok(SamplerConfig::TraceIdRatio(ratio()?)),
        "parentbased_always_on" => Ok(SamplerConfig::ParentBasedAlwaysOn),
        "parentbased_always_off" => Ok(SamplerConfig::ParentBasedAlwaysOff),
        "parentbased_traceidratio" => Ok(SamplerConfig::ParentBasedTraceIdRatio(ratio()?)),
        _ => Err(invalid(OTEL_TRACES_SAMPLER, value, EXPECTED_SAMPLER)),
    }
}

/// `human` or `json`, case-insensitive.
pub(crate) fn parse_log_format(variable: &str, value: &str) -> Result<LogFormat, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "human" => Ok(LogFormat::Human),
        "json" => Ok(LogFormat::Json),
        _ => Err(invalid(variable, value, EXPECTED_LOG_FORMAT)),
    }
}

/// `NO_CONTENT`, `SPAN_ONLY`, `EVENT_ONLY`, `SPAN_AND_EVENT` (case-insensitive), or the
/// older boolean form: `false` is `NO_CONTENT`, `true` is `SPAN_AND_EVENT`.
pub(crate) fn parse_content_capture(
    variable: &str,
    value: &str,
) -> Result<ContentCapture, ConfigError> {
    match value.to_ascii_uppercase().as_str() {
        "NO_CONTENT" | "FALSE" => Ok(ContentCapture::NoContent),
        "SPAN_ONLY" => Ok(ContentCapture::SpanOnly),
        "EVENT_ONLY" => Ok(ContentCapture::EventOnly),
        "SPAN_AND_EVENT" | "TRUE" => Ok(ContentCapture::SpanAndEvent),
        _ => Err(invalid(variable, value, EXPECTED_CONTENT_CAPTURE)),
    }
}

/// A key list (`TELEMETRY_REDACT_KEYS`, `TELEMETRY_REDACT_QUERY_KEYS`): comma-separated
/// fragments that replace `default`, or with a leading `+` are added to it.
pub(crate) fn parse_keys(
    variable: &str,
    value: &str,
    default: KeyPattern,
) -> Result<KeyPattern, ConfigError> {
    let (base, list) = match value.strip_prefix('+') {
        Some(list) => (default, list),
        None => (KeyPattern::default(), value),
    };
    let fragments: Vec<&str> = list.split(',').map(str::trim).collect();
    if fragments.iter().any(|f| {
        f.chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '+')
    }) {
        return Err(invalid(variable, value, EXPECTED_KEYS));
    }
    Ok(base.with(fragments))
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `value` may be sent as an HTTP header value (no control character but tab).
pub(crate) fn is_header_value(value: &str) -> bool {
    !value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
}

/// What is wrong with a header set in code, if anything.
pub(crate) fn header_problem(name: &str, value: &str) -> Option<String> {
    if !is_header_name(name) {
        Some(format!("`{name}` is not a valid header name"))
    } else if !is_header_value(value) {
        Some(format!(
            "the value of `{name}` contains a control character"
        ))
    } else {
        None
    }
}

/// Parses `OTEL_RESOURCE_ATTRIBUTES`: `k=v,k2=v2`, keys and values trimmed, values
/// percent-decoded. Blank entries (`a=1,,b=2`, a trailing comma) are skipped; an entry
/// without `=`, with an empty key or with a bad escape makes the whole value invalid.
/// Duplicate keys: the later value wins, at the position of the first.
pub(crate) fn parse_resource_attributes(
    variable: &str,
    value: &str,
) -> Result<Vec<(String, String)>, ConfigError> {
    parse_pairs(variable, value, PairsKind::ResourceAttributes)
}

/// Parses `OTEL_EXPORTER_OTLP_*HEADERS`: like [`parse_resource_attributes`], plus header
/// names must be valid and values free of control characters. Duplicate names (compared
/// case-insensitively) are merged, the later value winning.
///
/// Header values often hold secrets, so the value shown in an error has them masked:
/// `a=b,c` is shown as `a=***,***` and the problem is named in the expected text.
pub(crate) fn parse_headers(
    variable: &str,
    value: &str,
) -> Result<Vec<(String, String)>, ConfigError> {
    parse_pairs(variable, value, PairsKind::Headers)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PairsKind {
    ResourceAttributes,
    Headers,
}

fn parse_pairs(
    variable: &str,
    value: &str,
    kind: PairsKind,
) -> Result<Vec<(String, String)>, ConfigError> {
    let headers = kind == PairsKind::Headers;
    let fail = |problem: String| {
        let (shown, example) = match kind {
            PairsKind::Headers => (mask_pairs(value), HEADERS_EXAMPLE),
            PairsKind::ResourceAttributes => (value.to_owned(), RESOURCE_ATTRIBUTES_EXAMPLE),
        };
        invalid(
            variable,
            &shown,
            format!("comma-separated key=value pairs, e.g. {example} ({problem})"),
        )
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (index, entry) in value.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        // Headers: an entry without `=` may be a whole secret (`Authorization: Bearer x`),
        // so it is named by position only.
        let name_entry = || {
            if headers {
                format!("entry {}", index + 1)
            } else {
                format!("entry `{entry}`")
            }
        };
        let Some((key, raw)) = entry.split_once('=') else {
            return Err(fail(format!("{} has no `=`", name_entry())));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(fail(format!("{} has an empty key", name_entry())));
        }
        let decoded = match percent_decode(raw.trim()) {
            Ok(v) => v,
            Err(DecodeError::BadEscape) => {
                return Err(fail(format!(
                    "the value of `{key}` has a bad percent escape: `%` must be followed by \
                     two hex digits"
                )));
            }
            Err(DecodeError::NotUtf8) => {
                return Err(fail(format!(
                    "the value of `{key}` is not UTF-8 once percent-decoded"
                )));
            }
        };
        if headers && let Some(problem) = header_problem(key, &decoded) {
            return Err(fail(problem));
        }
        let same = |k: &str| {
            if headers {
                k.eq_ignore_ascii_case(key)
            } else {
                k == key
            }
        };
        match pairs.iter_mut().find(|(k, _)| same(k)) {
            Some(existing) => existing.1 = decoded,
            None => pairs.push((key.to_owned(), decoded)),
        }
    }
    Ok(pairs)
}

/// `a=b, c` -> `a=***,***`: keys kept, everything else masked.
fn mask_pairs(value: &str) -> String {
    value
        .split(',')
        .map(|entry| match entry.split_once('=') {
            Some((key, _)) => format!("{}=***", key.trim()),
            None if entry.trim().is_empty() => String::new(),
            None => "***".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(err: ConfigError) -> String {
        err.to_string()
    }

    #[test]
    fn bool_values() {
        assert_eq!(parse_bool("V", "true"), Ok(true));
        assert_eq!(parse_bool("V", "TRUE"), Ok(true));
        assert_eq!(parse_bool("V", "False"), Ok(false));
        assert_eq!(
            message(parse_bool("OTEL_SDK_DISABLED", "yes").unwrap_err()),
            "invalid value `yes` for OTEL_SDK_DISABLED: expected true or false"
        );
        assert!(parse_bool("V", "1").is_err());
    }

    #[test]
    fn exporter_values() {
        assert_eq!(parse_exporter("V", "otlp"), Ok(ExporterKind::Otlp));
        assert_eq!(parse_exporter("V", "OTLP"), Ok(ExporterKind::Otlp));
        assert_eq!(parse_exporter("V", "Console"), Ok(ExporterKind::Console));
        assert_eq!(parse_exporter("V", "none"), Ok(ExporterKind::None));
        assert_eq!(
            message(parse_exporter("OTEL_TRACES_EXPORTER", "zipkin").unwrap_err()),
            "invalid value `zipkin` for OTEL_TRACES_EXPORTER: expected one of otlp, console, none"
        );
        assert_eq!(
            message(parse_exporter("OTEL_LOGS_EXPORTER", "otlp,console").unwrap_err()),
            "invalid value `otlp,console` for OTEL_LOGS_EXPORTER: \
             expected one of otlp, console, none"
        );
    }

    #[test]
    fn protocol_values() {
        assert_eq!(parse_protocol("V", "grpc"), Ok(Protocol::Grpc));
        assert_eq!(
            parse_protocol("V", "http/protobuf"),
            Ok(Protocol::HttpProtobuf)
        );
        assert_eq!(
            parse_protocol("V", "HTTP/Protobuf"),
            Ok(Protocol::HttpProtobuf)
        );
        assert_eq!(
            message(parse_protocol("OTEL_EXPORTER_OTLP_PROTOCOL", "grpcc").unwrap_err()),
            "invalid value `grpcc` for OTEL_EXPORTER_OTLP_PROTOCOL: \
             expected one of grpc, http/protobuf"
        );
        assert_eq!(
            message(parse_protocol("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json").unwrap_err()),
            "invalid value `http/json` for OTEL_EXPORTER_OTLP_PROTOCOL: \
             expected one of grpc, http/protobuf (http/json is not supported)"
        );
    }

    #[test]
    fn millisecond_values() {
        assert_eq!(
            parse_millis("V", "10000"),
            Ok(Duration::from_millis(10_000))
        );
        assert_eq!(parse_millis("V", "1"), Ok(Duration::from_millis(1)));
        assert_eq!(
            message(parse_millis("OTEL_EXPORTER_OTLP_TIMEOUT", "-1").unwrap_err()),
            "invalid value `-1` for OTEL_EXPORTER_OTLP_TIMEOUT: \
             expected a positive whole number of milliseconds, e.g. 10000"
        );
        for bad in ["0", "abc", "1.5", "10s", "-0"] {
            assert!(parse_millis("V", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn positive_values() {
        assert_eq!(parse_positive("V", "512"), Ok(512));
        assert_eq!(
            message(parse_positive("OTEL_BSP_MAX_QUEUE_SIZE", "0").unwrap_err()),
            "invalid value `0` for OTEL_BSP_MAX_QUEUE_SIZE: expected a positive whole number, \
             e.g. 2048"
        );
        for bad in ["-5", "abc", "2.5"] {
            assert!(parse_positive("V", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ratio_values() {
        assert_eq!(parse_ratio("V", "0"), Ok(0.0));
        assert_eq!(parse_ratio("V", "0.25"), Ok(0.25));
        assert_eq!(parse_ratio("V", "1"), Ok(1.0));
        assert_eq!(parse_ratio("V", "1e-1"), Ok(0.1));
        assert!(parse_ratio("V", "-0").unwrap().is_sign_positive());
        assert_eq!(
            message(parse_ratio("OTEL_TRACES_SAMPLER_ARG", "1.5").unwrap_err()),
            "invalid value `1.5` for OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1, \
             e.g. 0.25"
        );
        assert_eq!(
            message(parse_ratio("OTEL_TRACES_SAMPLER_ARG", "abc").unwrap_err()),
            "invalid value `abc` for OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1, \
             e.g. 0.25"
        );
        for bad in ["-0.1", "NaN", "inf", "-inf", "1.0000001"] {
            assert!(parse_ratio("V", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sampler_values() {
        assert_eq!(
            parse_sampler("always_on", None),
            Ok(SamplerConfig::AlwaysOn)
        );
        assert_eq!(
            parse_sampler("always_off", Some("abc")),
            Ok(SamplerConfig::AlwaysOff)
        );
        assert_eq!(
            parse_sampler("traceidratio", None),
            Ok(SamplerConfig::TraceIdRatio(1.0))
        );
        assert_eq!(
            parse_sampler("traceidratio", Some("0.5")),
            Ok(SamplerConfig::TraceIdRatio(0.5))
        );
        assert_eq!(
            parse_sampler("parentbased_always_on", Some("2")),
            Ok(SamplerConfig::ParentBasedAlwaysOn)
        );
        assert_eq!(
            parse_sampler("parentbased_always_off", None),
            Ok(SamplerConfig::ParentBasedAlwaysOff)
        );
        assert_eq!(
            parse_sampler("parentbased_traceidratio", Some("0.1")),
            Ok(SamplerConfig::ParentBasedTraceIdRatio(0.1))
        );
        assert_eq!(
            message(parse_sampler("parentbased_traceidratio", Some("1.5")).unwrap_err()),
            "invalid value `1.5` for OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1, \
             e.g. 0.25"
        );
        assert_eq!(
            message(parse_sampler("jaeger_remote", None).unwrap_err()),
            "invalid value `jaeger_remote` for OTEL_TRACES_SAMPLER: expected one of always_on, \
             always_off, traceidratio, parentbased_always_on, parentbased_always_off, \
             parentbased_traceidratio"
        );
        assert!(parse_sampler("xray", None).is_err());
    }

    #[test]
    fn log_format_values() {
        assert_eq!(parse_log_format("V", "human"), Ok(LogFormat::Human));
        assert_eq!(parse_log_format("V", "JSON"), Ok(LogFormat::Json));
        assert_eq!(
            message(parse_log_format("TELEMETRY_LOG_FORMAT", "xml").unwrap_err()),
            "invalid value `xml` for TELEMETRY_LOG_FORMAT: expected one of human, json"
        );
    }

    #[test]
    fn content_capture_values() {
        let p = |v| parse_content_capture("V", v);
        assert_eq!(p("NO_CONTENT"), Ok(ContentCapture::NoContent));
        assert_eq!(p("span_only"), Ok(ContentCapture::SpanOnly));
        assert_eq!(p("EVENT_ONLY"), Ok(ContentCapture::EventOnly));
        assert_eq!(p("SPAN_AND_EVENT"), Ok(ContentCapture::SpanAndEvent));
        assert_eq!(p("true"), Ok(ContentCapture::SpanAndEvent));
        assert_eq!(p("False"), Ok(ContentCapture::NoContent));
        assert_eq!(
            message(
                parse_content_capture("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "all")
                    .unwrap_err()
            ),
            "invalid value `all` for OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: \
             expected one of NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT, true, false"
        );
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn resource_attributes_are_trimmed_decoded_and_deduplicated() {
        assert_eq!(
            parse_resource_attributes("V", " a = 1 , b=x%2Cy,, c=, a=2,d=k=v,"),
            Ok(pairs(&[("a", "2"), ("b", "x,y"), ("c", ""), ("d", "k=v")]))
        );
    }

    #[test]
    fn bad_resource_attributes_name_the_variable_and_the_entry() {
        let err =
            |v| message(parse_resource_attributes("OTEL_RESOURCE_ATTRIBUTES", v).unwrap_err());
        assert_eq!(
            err("team=search,oops"),
            "invalid value `team=search,oops` for OTEL_RESOURCE_ATTRIBUTES: expected \
             comma-separated key=value pairs, e.g. \
             service.version=1.2.0,deployment.environment.name=prod (entry `oops` has no `=`)"
        );
        assert_eq!(
            err("=x"),
            "invalid value `=x` for OTEL_RESOURCE_ATTRIBUTES: expected comma-separated \
             key=value pairs, e.g. service.version=1.2.0,deployment.environment.name=prod \
             (entry `=x` has an empty key)"
        );
        assert_eq!(
            err("team=100%"),
            "invalid value `team=100%` for OTEL_RESOURCE_ATTRIBUTES: expected comma-separated \
             key=value pairs, e.g. service.version=1.2.0,deployment.environment.name=prod \
             (the value of `team` has a bad percent escape: `%` must be followed by two hex \
             digits)"
        );
        assert!(err("k=%FF").contains("not UTF-8"));
    }

    #[test]
    fn headers_are_parsed_and_merged_case_insensitively() {
        assert_eq!(
            parse_headers("V", "api-key=s%3Dcret, Tenant=acme,tenant=beta"),
            Ok(pairs(&[("api-key", "s=cret"), ("Tenant", "beta")]))
        );
    }

    #[test]
    fn bad_headers_mask_the_values() {
        let err = |v| message(parse_headers("OTEL_EXPORTER_OTLP_HEADERS", v).unwrap_err());
        assert_eq!(
            err("a=b,c"),
            "invalid value `a=***,***` for OTEL_EXPORTER_OTLP_HEADERS: expected \
             comma-separated key=value pairs, e.g. api-key=secret,tenant=acme \
             (entry 2 has no `=`)"
        );
        let leaked = err("Authorization: Bearer s3cr3t");
        assert!(!leaked.contains("s3cr3t"), "{leaked}");
        let bad_escape = err("api-key=s3cr3t%");
        assert!(!bad_escape.contains("s3cr3t"), "{bad_escape}");
        assert!(bad_escape.contains("the value of `api-key` has a bad percent escape"));
        assert!(err("bad name=1").contains("`bad name` is not a valid header name"));
        assert!(err("k=a%0Ab").contains("the value of `k` contains a control character"));
    }

    #[test]
    fn header_checks() {
        assert!(is_header_name("x-api-key"));
        assert!(!is_header_name("x api"));
        assert!(!is_header_name(""));
        assert!(is_header_value("Bearer a\tb"));
        assert!(!is_header_value("a\r\nb"));
        assert_eq!(header_problem("k", "v"), None);
    }
}
