//! Property tests: the parsers never panic, valid values round-trip, and a one-character
//! mutation of a valid `traceparent` is either rejected or still valid.

use proptest::prelude::*;

use opentelemetry::trace::{SpanId, TraceId};

use super::{Baggage, BaggageMember, BaggageProperty, TraceParent, TraceState, extract};

fn trace_parent() -> impl Strategy<Value = TraceParent> {
    (
        any::<[u8; 16]>().prop_filter("non-zero trace id", |b| b.iter().any(|&x| x != 0)),
        any::<[u8; 8]>().prop_filter("non-zero parent id", |b| b.iter().any(|&x| x != 0)),
        any::<u8>(),
    )
        .prop_map(|(trace_id, parent_id, flags)| TraceParent {
            trace_id: TraceId::from_bytes(trace_id),
            parent_id: SpanId::from_bytes(parent_id),
            flags,
        })
}

/// Strings close to a traceparent: the right alphabet and lengths around 55.
fn traceparent_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-F \t-]{0,70}",
        "[0-9a-f]{2}-[0-9a-fA-F-]{30,34}-[0-9a-f-]{14,18}-[0-9a-f]{1,3}(-.{0,10})?",
        "(00|01|cc|ff)-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}.{0,4}",
    ]
}

/// Level 2 keys: `@` anywhere but first, any number of times, up to 256 characters.
fn tracestate_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9][a-z0-9_*/-]{0,20}",
        "[a-z0-9][a-z0-9_*/@-]{0,20}",
        "[a-z0-9][a-z0-9_*/@-]{0,255}",
        "[a-z0-9][a-z0-9_*/-]{0,240}@[a-z0-9_*/@-]{0,14}",
    ]
}

/// Keys opentelemetry 0.33's `TraceState` accepts too (at most one `@`, followed by at most
/// 13 characters starting with a letter or digit).
fn otel_tracestate_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9][a-z0-9_*/-]{0,255}",
        "[a-z0-9][a-z0-9_*/-]{0,12}@[a-z][a-z0-9_*/-]{0,12}",
    ]
}

fn tracestate_value() -> impl Strategy<Value = String> {
    "[\\x20-\\x2B\\x2D-\\x3C\\x3E-\\x7E]{0,40}[\\x21-\\x2B\\x2D-\\x3C\\x3E-\\x7E]"
}

fn trace_state<K: Strategy<Value = String>>(key: K) -> impl Strategy<Value = TraceState> {
    prop::collection::vec((key, tracestate_value()), 0..=32).prop_map(|mut members| {
        let mut seen = std::collections::HashSet::new();
        members.retain(|(k, _)| seen.insert(k.clone()));
        TraceState::from_members(members).expect("generated members are valid")
    })
}

fn token() -> impl Strategy<Value = String> {
    "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}"
}

fn baggage() -> impl Strategy<Value = Baggage> {
    let property = (
        token(),
        prop::option::of("[\\x21\\x23-\\x2B\\x2D-\\x3A\\x3C-\\x5B\\x5D-\\x7E]{0,8}"),
    )
        .prop_map(|(k, v)| BaggageProperty::new(k, v).expect("generated property is valid"));
    let member = (
        token(),
        prop::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
        prop::collection::vec(property, 0..3),
    )
        .prop_map(|(key, value, properties)| {
            properties.into_iter().fold(
                BaggageMember::new(key, value).expect("generated key is a token"),
                BaggageMember::with_property,
            )
        });
    prop::collection::vec(member, 0..20).prop_map(|members| {
        let mut baggage = Baggage::new();
        for member in members {
            let _ = baggage.push(member);
        }
        baggage
    })
}

proptest! {
    #[test]
    fn traceparent_parse_never_panics(s in any::<String>()) {
        let _ = TraceParent::parse(&s);
    }

    #[test]
    fn traceparent_parse_never_panics_near_valid(s in traceparent_like()) {
        if let Ok(tp) = TraceParent::parse(&s) {
            prop_assert_ne!(tp.trace_id, TraceId::INVALID);
            prop_assert_ne!(tp.parent_id, SpanId::INVALID);
            prop_assert_eq!(TraceParent::parse(&tp.to_header()), Ok(tp));
        }
    }

    #[test]
    fn traceparent_round_trips(tp in trace_parent()) {
        let header = tp.to_header();
        prop_assert_eq!(header.len(), 55);
        prop_assert_eq!(TraceParent::parse(&header), Ok(tp));
        prop_assert_eq!(TraceParent::parse(&format!(" \t{header}\t ")), Ok(tp));
    }

    #[test]
    fn traceparent_one_char_mutation_is_rejected_or_valid(
        tp in trace_parent(),
        index in 0usize..55,
        replacement in any::<char>(),
    ) {
        let original = tp.to_header();
        let mut chars: Vec<char> = original.chars().collect();
        let replaced = chars[index];
        chars[index] = replacement;
        let mutated: String = chars.into_iter().collect();

        match TraceParent::parse(&mutated) {
            Ok(parsed) => {
                prop_assert_ne!(parsed.trace_id, TraceId::INVALID);
                prop_assert_ne!(parsed.parent_id, SpanId::INVALID);
                prop_assert_eq!(TraceParent::parse(&parsed.to_header()), Ok(parsed));
                // Only lower-case hex can replace a hex digit, and a dash stays a dash.
                prop_assert!(
                    replacement == replaced
                        || (replacement.is_ascii_hexdigit() && !replacement.is_ascii_uppercase())
                );
                if mutated.starts_with("00-") {
                    // Version 00 is canonical: the value is exactly what was parsed.
                    prop_assert_eq!(parsed.to_header(), mutated);
                } else {
                    // A future version keeps ids and flags and is sent as version 00.
                    prop_assert!(index < 2);
                    prop_assert_eq!(parsed, tp);
                }
            }
            Err(_) => prop_assert_ne!(replacement, replaced),
        }
    }

    #[test]
    fn tracestate_parse_never_panics(s in any::<String>()) {
        let _ = TraceState::parse(&s);
    }

    #[test]
    fn tracestate_parse_never_panics_near_valid(
        values in prop::collection::vec("[a-z0-9=,@ \t*/_A-Z-]{0,80}", 0..4),
    ) {
        if let Ok(ts) = TraceState::parse_values(&values) {
            prop_assert!(ts.len() <= 32);
            prop_assert_eq!(TraceState::parse(&ts.to_header()), Ok(ts));
        }
    }

    #[test]
    fn tracestate_round_trips(ts in trace_state(tracestate_key())) {
        prop_assert_eq!(TraceState::parse(&ts.to_header()), Ok(ts.clone()));
        // Split over several header values, with optional whitespace and empty members.
        let spread: Vec<String> = ts
            .iter()
            .map(|(k, v)| format!(" \t{k}={v}\t ,, "))
            .collect();
        prop_assert_eq!(TraceState::parse_values(&spread), Ok(ts));
    }

    #[test]
    fn tracestate_round_trips_through_opentelemetry(ts in trace_state(otel_tracestate_key())) {
        prop_assert_eq!(TraceState::from_otel(&ts.to_otel()), ts);
    }

    #[test]
    fn tracestate_repeated_keys_keep_the_first_entry_and_the_rest(
        members in prop::collection::vec(
            (prop_oneof!["[a-c]", "[a-z0-9][a-z0-9_*/@-]{0,8}"], tracestate_value()),
            0..=32,
        ),
    ) {
        let header: Vec<String> = members.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let parsed = TraceState::parse(&header.join(",")).expect("valid members, at most 32");
        let mut seen = std::collections::HashSet::new();
        let first: Vec<(&str, &str)> = members
            .iter()
            .filter(|(k, _)| seen.insert(k.clone()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        prop_assert_eq!(parsed.iter().collect::<Vec<_>>(), first);
    }

    #[test]
    fn baggage_parse_never_panics(s in any::<String>()) {
        let baggage = Baggage::parse(&s);
        prop_assert!(baggage.len() <= super::BAGGAGE_MAX_MEMBERS);
        prop_assert!(baggage.to_header().len() <= super::BAGGAGE_MAX_BYTES);
    }

    #[test]
    fn baggage_parse_never_panics_near_valid(
        values in prop::collection::vec("[a-zA-Z0-9=,;% \t\"\\\\%ü]{0,80}", 0..4),
    ) {
        let baggage = Baggage::parse_values(&values);
        prop_assert_eq!(Baggage::parse(&baggage.to_header()), baggage);
    }

    #[test]
    fn baggage_round_trips(baggage in baggage()) {
        prop_assert_eq!(Baggage::parse(&baggage.to_header()), baggage);
    }

    #[test]
    fn extract_never_panics(
        traceparents in prop::collection::vec(traceparent_like(), 0..3),
        tracestates in prop::collection::vec(any::<String>(), 0..3),
    ) {
        let span_context = extract(|name| match name {
            "traceparent" => traceparents.clone(),
            "tracestate" => tracestates.clone(),
            _ => Vec::new(),
        });
        if let Some(span_context) = span_context {
            prop_assert_eq!(traceparents.len(), 1);
            prop_assert!(span_context.is_valid());
            prop_assert!(span_context.is_remote());
        }
    }
}
