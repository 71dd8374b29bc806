//! The context a process inherited from its parent through `TRACEPARENT`, `TRACESTATE` and
//! `BAGGAGE`: read once by `init()`, then the parent of the process's root spans.

use std::borrow::Cow;
use std::ops::ControlFlow;

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::TraceContextExt;

use super::{BAGGAGE_ENV, TRACEPARENT_ENV, TRACESTATE_ENV};
use crate::config::{ConfigWarning, WarningCode};
use crate::propagation::{
    BAGGAGE_HEADER, Baggage, Carrier, Extract, NotText, TRACEPARENT_HEADER, TRACESTATE_HEADER,
    TraceParent, TraceState, ValueSource, strict_w3c_propagators,
};

/// The environment read as a carrier: header names map to the upper-case variables; empty
/// values count as unset.
struct EnvCarrier([Option<String>; 3]);

impl EnvCarrier {
    fn new(lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| lookup(name).filter(|v| !v.is_empty());
        EnvCarrier([
            read(TRACEPARENT_ENV),
            read(TRACESTATE_ENV),
            read(BAGGAGE_ENV),
        ])
    }

    fn index(key: &str) -> Option<usize> {
        [TRACEPARENT_HEADER, TRACESTATE_HEADER, BAGGAGE_HEADER]
            .iter()
            .position(|h| h.eq_ignore_ascii_case(key))
    }
}

impl ValueSource for EnvCarrier {
    const CARRIER: Carrier = Carrier::Header;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        if let Some(value) = Self::index(key).and_then(|i| self.0[i].as_deref()) {
            let _ = each(Ok(Cow::Borrowed(value)));
        }
    }

    fn keys(&self) -> Vec<&str> {
        [TRACEPARENT_HEADER, TRACESTATE_HEADER, BAGGAGE_HEADER]
            .into_iter()
            .zip(&self.0)
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k)
            .collect()
    }
}

/// Reads the inherited context from `lookup` (the environment), strictly; `None` when there
/// is nothing valid. Every value present but invalid adds a `TR-W007` warning.
pub(crate) fn from_env(
    lookup: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<ConfigWarning>,
) -> Option<Context> {
    let carrier = EnvCarrier::new(lookup);
    let [traceparent, tracestate, baggage] = &carrier.0;
    let mut warn = |variable: &str, value: &str, why: String| {
        warnings.push(ConfigWarning {
            code: WarningCode::InvalidInheritedContext,
            message: format!(
                "{variable} in the environment is ignored: {why} (value {}); this process's \
                 root spans start their own trace",
                shown(value)
            ),
        })
    };
    let valid_parent = match traceparent {
        Some(value) => match TraceParent::parse(value) {
            Ok(_) => true,
            Err(e) => {
                warn(TRACEPARENT_ENV, value, e.to_string());
                false
            }
        },
        None => false,
    };
    if valid_parent
        && let Some(value) = tracestate
        && let Err(e) = TraceState::parse(value)
    {
        warn(TRACESTATE_ENV, value, e.to_string());
    }
    if let Some(value) = baggage {
        let given = value.split(',').filter(|m| !m.trim().is_empty()).count();
        let kept = Baggage::parse(value).len();
        if kept < given {
            warnings.push(ConfigWarning {
                code: WarningCode::InvalidInheritedContext,
                message: format!(
                    "{BAGGAGE_ENV} in the environment: {} of {given} members are invalid or over \
                     the limits and are ignored",
                    given - kept,
                ),
            });
        }
    }
    let cx = strict_w3c_propagators().extract_with_context(&Context::new(), &Extract(&carrier));
    (cx.has_active_span() || !cx.baggage().is_empty()).then_some(cx)
}

/// A value for a warning: quoted and escaped, at most 64 characters.
fn shown(value: &str) -> String {
    let mut out: String = value.chars().take(64).collect();
    if out.len() < value.len() {
        out.push('…');
    }
    format!("{out:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::process_parent::{parent_for, under as parent_under};
    use opentelemetry::StringValue;
    use opentelemetry::trace::{SpanContext, SpanId, SpanKind, TraceId};
    use std::collections::HashMap;

    const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn read(vars: &[(&str, &str)]) -> (Option<Context>, Vec<ConfigWarning>) {
        let env: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut warnings = Vec::new();
        let cx = from_env(&|name| env.get(name).cloned(), &mut warnings);
        (cx, warnings)
    }

    #[test]
    fn valid_values_give_the_parent_state_and_baggage() {
        let (cx, warnings) = read(&[
            ("TRACEPARENT", TRACEPARENT),
            ("TRACESTATE", "rojo=00f067aa0ba902b7"),
            ("BAGGAGE", "tenant=acme,job=reindex"),
        ]);
        assert!(warnings.is_empty(), "{warnings:?}");
        let cx = cx.unwrap();
        let sc = cx.span().span_context().clone();
        assert!(sc.is_remote() && sc.is_sampled());
        assert_eq!(
            sc.trace_id(),
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
        );
        assert_eq!(sc.span_id(), SpanId::from_hex("00f067aa0ba902b7").unwrap());
        assert_eq!(sc.trace_state().header(), "rojo=00f067aa0ba902b7");
        assert_eq!(cx.baggage().get("tenant"), Some(&StringValue::from("acme")));
    }

    #[test]
    fn nothing_set_or_empty_values_is_nothing_and_no_warning() {
        assert_eq!(read(&[]).1.len(), 0);
        assert!(read(&[]).0.is_none());
        let (cx, warnings) = read(&[("TRACEPARENT", ""), ("TRACESTATE", ""), ("BAGGAGE", "")]);
        assert!(cx.is_none());
        assert!(warnings.is_empty());
    }

    #[test]
    fn hostile_traceparent_is_ignored_with_a_warning() {
        let long = "0".repeat(10_000);
        for value in [
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",
            "\u{0}\u{1b}[31m",
            "ü",
            long.as_str(),
        ] {
            let (cx, warnings) = read(&[("TRACEPARENT", value), ("TRACESTATE", "rojo=1")]);
            assert!(cx.is_none(), "{value:?}");
            assert_eq!(warnings.len(), 1, "{value:?}");
            assert_eq!(warnings[0].code.as_str(), "TR-W007");
            assert!(warnings[0].message.contains("TRACEPARENT"));
            // The value is shown escaped and bounded.
            assert!(warnings[0].message.len() < 400, "{}", warnings[0].message);
            assert!(!warnings[0].message.contains('\n'));
            assert!(!warnings[0].message.contains('\u{1b}'));
        }
    }

    #[test]
    fn invalid_tracestate_keeps_the_parent() {
        let (cx, warnings) = read(&[
            ("TRACEPARENT", TRACEPARENT),
            ("TRACESTATE", "rojo=1,Rojo=2"),
        ]);
        let cx = cx.unwrap();
        assert!(cx.span().span_context().is_valid());
        assert!(cx.span().span_context().trace_state().header().is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].message.contains("TRACESTATE"));
    }

    #[test]
    fn reserved_flags_are_cleared() {
        let (cx, _) = read(&[(
            "TRACEPARENT",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff",
        )]);
        let flags = cx.unwrap().span().span_context().trace_flags().to_u8();
        assert_eq!(flags, 0x03);
    }

    #[test]
    fn baggage_alone_and_invalid_members() {
        let (cx, warnings) = read(&[("BAGGAGE", "good=1,bad key=2,,")]);
        let cx = cx.unwrap();
        assert!(!cx.has_active_span());
        assert_eq!(cx.baggage().len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].message.contains("1 of 2"),
            "{}",
            warnings[0].message
        );
        let (cx, warnings) = read(&[("BAGGAGE", "bad key=2")]);
        assert!(cx.is_none());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn process_parent_only_for_contexts_without_a_valid_span() {
        // Nothing installed (the global is not touched by unit tests).
        assert!(parent_for(&Context::new(), None).is_none());
        let (cx, _) = read(&[("TRACEPARENT", TRACEPARENT)]);
        let process_parent = cx.unwrap().span().span_context().clone();
        // Requests and messages that bring no context start their own trace.
        for kind in [SpanKind::Server, SpanKind::Consumer] {
            assert!(parent_under(&process_parent, &Context::new(), Some(&kind)).is_none());
        }
        for kind in [SpanKind::Internal, SpanKind::Client, SpanKind::Producer] {
            assert!(parent_under(&process_parent, &Context::new(), Some(&kind)).is_some());
        }
        let under = |cx: &Context| parent_under(&process_parent, cx, None);
        let parent = under(&Context::new()).expect("the process parent");
        assert_eq!(
            parent.span().span_context().span_id(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap()
        );
        // A context's other values stay.
        let with_baggage = Context::new().with_baggage([opentelemetry::KeyValue::new("k", "v")]);
        let parent = under(&with_baggage).unwrap();
        assert_eq!(parent.baggage().get("k"), Some(&StringValue::from("v")));
        // A span of its own: kept.
        let own = Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(7),
            SpanId::from(9),
            Default::default(),
            true,
            Default::default(),
        ));
        assert!(under(&own).is_none());
    }
}
