//! [`CommandExt`]: the trace context into a child process's environment.

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;

use super::{BAGGAGE_ENV, TRACEPARENT_ENV, TRACESTATE_ENV, inherited};
use crate::propagation::{Baggage, TraceContextMap};

/// Puts the trace context into a child process's environment: `TRACEPARENT` and
/// `TRACESTATE` of the current span, and `BAGGAGE`, written by the strict propagators.
///
/// A variable with nothing to carry is removed from the child's environment, so that a child
/// never inherits a stale value this process received from its own parent. Outside any span,
/// a process that inherited a parent passes that one on (its root spans would be children of
/// it too); with no baggage in the context, the inherited baggage is passed on.
///
/// Implemented for [`std::process::Command`] and, with the `tokio-process` feature, for
/// `tokio::process::Command`.
///
/// ```
/// use std::process::Command;
/// use telemetry_runtime::process::CommandExt;
///
/// let mut command = Command::new("env");
/// command.with_trace_context(); // outside any span: the variables are removed
/// # let _ = command;
/// ```
pub trait CommandExt {
    /// Sets the child's `TRACEPARENT`, `TRACESTATE` and `BAGGAGE` from the current context
    /// ([`Context::current`]).
    fn with_trace_context(&mut self) -> &mut Self {
        let cx = Context::current();
        self.with_trace_context_from(&cx)
    }

    /// Sets the child's `TRACEPARENT`, `TRACESTATE` and `BAGGAGE` from `cx`.
    fn with_trace_context_from(&mut self, cx: &Context) -> &mut Self;
}

/// The three variables for `cx`: `Some(value)` to set, `None` to remove.
pub(crate) fn env_values(cx: &Context) -> [(&'static str, Option<String>); 3] {
    let cx = crate::propagation::process_parent::parent_for(cx, None).unwrap_or_else(|| cx.clone());
    let map = TraceContextMap::from_context(&cx);
    // Baggage only when forwarding is on (the map's already follows the same switch).
    let baggage = match map.baggage() {
        Some(baggage) => Some(baggage.to_owned()),
        None => inherited()
            .filter(|_| crate::propagation::forwards_baggage())
            .map(|inherited| Baggage::from_otel(inherited.baggage()).to_header())
            .filter(|header| !header.is_empty()),
    };
    [
        (TRACEPARENT_ENV, map.traceparent().map(str::to_owned)),
        (TRACESTATE_ENV, map.tracestate().map(str::to_owned)),
        (BAGGAGE_ENV, baggage),
    ]
}

impl CommandExt for std::process::Command {
    fn with_trace_context_from(&mut self, cx: &Context) -> &mut Self {
        for (name, value) in env_values(cx) {
            match value {
                Some(value) => self.env(name, value),
                None => self.env_remove(name),
            };
        }
        self
    }
}

#[cfg(feature = "tokio-process")]
impl CommandExt for tokio::process::Command {
    fn with_trace_context_from(&mut self, cx: &Context) -> &mut Self {
        self.as_std_mut().with_trace_context_from(cx);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::KeyValue;
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
    };
    use std::collections::HashMap;
    use std::ffi::OsStr;

    fn context() -> Context {
        Context::new()
            .with_remote_span_context(SpanContext::new(
                TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
                SpanId::from_hex("00f067aa0ba902b7").unwrap(),
                TraceFlags::new(0xff),
                false,
                TraceState::from_key_value([("rojo", "1")]).unwrap(),
            ))
            .with_baggage([KeyValue::new("tenant", "a b")])
    }

    fn envs(command: &std::process::Command) -> HashMap<String, Option<String>> {
        command
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.map(|v| v.to_string_lossy().into_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn sets_the_three_variables_strictly() {
        let mut command = std::process::Command::new("true");
        command.with_trace_context_from(&context());
        let envs = envs(&command);
        assert_eq!(
            envs["TRACEPARENT"].as_deref(),
            // Reserved flag bits are not sent.
            Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03")
        );
        assert_eq!(envs["TRACESTATE"].as_deref(), Some("rojo=1"));
        // Baggage only once forwarding is on (off by default).
        assert_eq!(envs["BAGGAGE"], None);
        crate::propagation::set_forward_baggage(true);
        let mut command = std::process::Command::new("true");
        command.with_trace_context_from(&context());
        assert_eq!(
            self::envs(&command)["BAGGAGE"].as_deref(),
            Some("tenant=a%20b")
        );
        crate::propagation::set_forward_baggage(false);
    }

    #[test]
    fn nothing_to_carry_removes_the_variables() {
        let mut command = std::process::Command::new("true");
        command.env("TRACEPARENT", "stale").env("KEEP", "1");
        command.with_trace_context_from(&Context::new());
        let envs = envs(&command);
        for name in ["TRACEPARENT", "TRACESTATE", "BAGGAGE"] {
            assert_eq!(envs[name], None, "{name} is removed");
        }
        assert_eq!(envs["KEEP"].as_deref(), Some("1"));
        assert!(
            command
                .get_envs()
                .any(|(k, _)| k == OsStr::new("TRACEPARENT"))
        );
    }

    #[test]
    fn current_context_is_the_default() {
        let _attached = context().attach();
        let mut command = std::process::Command::new("true");
        command.with_trace_context();
        assert!(envs(&command)["TRACEPARENT"].is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_child_sees_them() {
        let mut command = std::process::Command::new("sh");
        command
            .args([
                "-c",
                "printf '%s|%s|%s' \"$TRACEPARENT\" \"$TRACESTATE\" \"$BAGGAGE\"",
            ])
            .env("BAGGAGE", "stale=1")
            .with_trace_context_from(&context().with_baggage(Vec::<KeyValue>::new()));
        let out = command.output().unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03|rojo=1|"
        );
    }

    #[cfg(all(unix, feature = "tokio-process"))]
    #[tokio::test]
    async fn tokio_command() {
        let mut command = tokio::process::Command::new("sh");
        command
            .args(["-c", "printf '%s' \"$TRACEPARENT\""])
            .with_trace_context_from(&context());
        let out = command.output().await.unwrap();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"
        );
    }
}
