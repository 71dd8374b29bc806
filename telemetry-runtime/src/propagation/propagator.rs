//! [`TextMapPropagator`]s built on the strict parsers: [`StrictW3cPropagator`] for
//! `traceparent` + `tracestate`, [`StrictBaggagePropagator`] for `baggage`.
//!
//! They are two propagators, as in the OpenTelemetry SDK (`TraceContextPropagator`,
//! `BaggagePropagator`), so either can be used alone or swapped for the SDK's;
//! [`strict_w3c_propagators`] combines both.

use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::Context;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::propagation::text_map_propagator::FieldIter;
use opentelemetry::propagation::{
    Extractor, Injector, TextMapCompositePropagator, TextMapPropagator,
};
use opentelemetry::trace::{SpanContext, TraceContextExt, TraceId, TraceState as OtelTraceState};

use super::{
    BAGGAGE_HEADER, Baggage, TRACEPARENT_HEADER, TRACESTATE_HEADER, TraceParent, TraceState,
};

/// What a [`StrictW3cPropagator`] does with the 6 `trace-flags` bits the spec reserves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceFlagsPolicy {
    /// Keep all 8 bits as received and send them as held: for a proxy that must forward
    /// flags it does not understand.
    Preserve,
    /// Keep only `sampled` and `random` ([`TraceParent::KNOWN_FLAGS`]) on extract and on
    /// inject, as Level 2 §3.2.2.5.3 ("Vendors MUST set those to zero") asks (the default).
    #[default]
    KnownOnly,
}

impl TraceFlagsPolicy {
    fn apply(self, flags: u8) -> u8 {
        match self {
            Self::Preserve => flags,
            Self::KnownOnly => flags & TraceParent::KNOWN_FLAGS,
        }
    }
}

/// W3C Trace Context (Level 2) propagator for `traceparent` and `tracestate`, with the
/// strict rules of [`TraceParent::parse`] and [`TraceState::parse_values`].
///
/// Extract: exactly one valid `traceparent` gives a remote span context carrying its flags
/// as the [`TraceFlagsPolicy`] says (by default `sampled` and the Level 2 `random` flag, which
/// survive to [`inject`](TextMapPropagator::inject)); a
/// missing, invalid or repeated `traceparent` leaves the context unchanged (a new trace
/// starts). `tracestate` is read only with a valid `traceparent`; an invalid one is dropped
/// whole and the `traceparent` kept.
///
/// Inject: a valid span context is written as a version-`00` `traceparent`, flags as the
/// policy says;
/// its trace state is written if non-empty, without the entries that are invalid under the
/// strict grammar (see [`TraceState::from_otel`]).
#[derive(Clone, Debug)]
pub struct StrictW3cPropagator {
    fields: [String; 2],
    flags_policy: TraceFlagsPolicy,
}

impl Default for StrictW3cPropagator {
    fn default() -> Self {
        Self::new()
    }
}

impl StrictW3cPropagator {
    /// A propagator that keeps the `sampled` and `random` flags and clears the reserved bits
    /// ([`TraceFlagsPolicy::KnownOnly`]).
    pub fn new() -> Self {
        Self {
            fields: [TRACEPARENT_HEADER.to_owned(), TRACESTATE_HEADER.to_owned()],
            flags_policy: TraceFlagsPolicy::KnownOnly,
        }
    }

    /// This propagator with another policy for the reserved flag bits.
    pub fn with_flags_policy(mut self, policy: TraceFlagsPolicy) -> Self {
        self.flags_policy = policy;
        self
    }

    /// The remote span context in `extractor`, if it has exactly one valid `traceparent`.
    pub fn extract_span_context(&self, extractor: &dyn Extractor) -> Option<SpanContext> {
        self.extract_parts(extractor)
            .map(|(span_context, _)| span_context)
    }

    /// The remote span context, and the received trace state when OpenTelemetry's cannot
    /// hold all of it.
    fn extract_parts(
        &self,
        extractor: &dyn Extractor,
    ) -> Option<(SpanContext, Option<ReceivedTraceState>)> {
        let mut traceparent =
            TraceParent::parse_values(extractor.get_all(TRACEPARENT_HEADER)?).ok()?;
        traceparent.flags = self.flags_policy.apply(traceparent.flags);
        let trace_state = extractor
            .get_all(TRACESTATE_HEADER)
            .and_then(|values| TraceState::parse_values(values).ok())
            .unwrap_or_default();
        let (otel, kept) = trace_state.to_otel_counted();
        if kept == trace_state.len() {
            return Some((traceparent.to_span_context(otel), None));
        }
        let span_context = traceparent.to_span_context(otel.clone());
        let received = ReceivedTraceState {
            trace_id: span_context.trace_id(),
            otel,
            strict: trace_state,
        };
        Some((span_context, Some(received)))
    }
}

/// `to` with the received trace state `from` carries, if any (see [`ReceivedTraceState`]): for
/// a context built from a span context alone, such as the process parent.
pub(crate) fn with_received_trace_state(from: &Context, to: Context) -> Context {
    match from.get::<ReceivedTraceState>() {
        Some(received) => to.with_value(received.clone()),
        None => to,
    }
}

/// A received `tracestate` with members OpenTelemetry's `TraceState` refuses although the
/// Level 2 grammar allows them (opentelemetry 0.33 takes at most 13 characters after an
/// `@`, and one `@`: `t…t@vvvvvvvvvvvvvv` is lost). Kept in the context beside the remote
/// span context, so that every span of this trace that has not changed its trace state
/// forwards the header whole.
#[derive(Clone, Debug)]
struct ReceivedTraceState {
    trace_id: TraceId,
    /// What OpenTelemetry holds of it: a span whose trace state still equals this one has not
    /// changed it.
    otel: OtelTraceState,
    strict: TraceState,
}

impl TextMapPropagator for StrictW3cPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        let span_context = span.span_context();
        let Some(mut traceparent) = TraceParent::from_span_context(span_context) else {
            return;
        };
        traceparent.flags = self.flags_policy.apply(traceparent.flags);
        injector.set(TRACEPARENT_HEADER, traceparent.to_header());
        let header = match cx.get::<ReceivedTraceState>() {
            Some(received)
                if received.trace_id == span_context.trace_id()
                    && received.otel == *span_context.trace_state() =>
            {
                received.strict.to_header()
            }
            _ => TraceState::from_otel(span_context.trace_state()).to_header(),
        };
        if !header.is_empty() {
            injector.set(TRACESTATE_HEADER, header);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        match self.extract_parts(extractor) {
            Some((span_context, None)) => cx.with_remote_span_context(span_context),
            Some((span_context, Some(received))) => cx
                .with_remote_span_context(span_context)
                .with_value(received),
            None => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

/// W3C Baggage propagator with the rules of [`Baggage::parse_values`]: invalid members are
/// skipped, the rest kept, within the limits.
///
/// Extract: all `baggage` values are read; if at least one member is valid, the context's
/// baggage is replaced by them (OpenTelemetry's map keeps the last of a repeated key and at
/// most 64 entries); otherwise the context is returned unchanged.
///
/// Inject: the context's baggage, sorted by key, values percent-encoded, within the limits;
/// nothing is written for empty baggage.
#[derive(Clone, Debug)]
pub struct StrictBaggagePropagator {
    fields: [String; 1],
}

impl Default for StrictBaggagePropagator {
    fn default() -> Self {
        Self::new()
    }
}

impl StrictBaggagePropagator {
    /// A baggage propagator.
    pub fn new() -> Self {
        Self {
            fields: [BAGGAGE_HEADER.to_owned()],
        }
    }
}

impl TextMapPropagator for StrictBaggagePropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let baggage = cx.baggage();
        if baggage.is_empty() {
            return;
        }
        let header = Baggage::from_otel(baggage).to_header();
        if !header.is_empty() {
            injector.set(BAGGAGE_HEADER, header);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let Some(values) = extractor.get_all(BAGGAGE_HEADER) else {
            return cx.clone();
        };
        let baggage = Baggage::parse_values(values);
        if baggage.is_empty() {
            return cx.clone();
        }
        cx.with_baggage(baggage.to_otel())
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

static FORWARD_BAGGAGE: AtomicBool = AtomicBool::new(false);

/// Whether the toolkit's carriers forward baggage: CloudEvents, Kafka and NATS headers,
/// message envelopes ([`TraceContextMap`](super::TraceContextMap)), child processes
/// (`BAGGAGE`) and the global propagator `init()` installs. Off by default: baggage a client
/// sent may hold what it should not pass on (user ids, tokens), so it is read (for
/// [`CommonAttributes`](crate::scope::CommonAttributes)) but sent on only when you opt in
/// ([`TelemetryBuilder::forward_baggage`](crate::TelemetryBuilder::forward_baggage)).
/// Outbound HTTP has its own switch, `outbound::TracingMiddleware::forward_baggage`.
pub fn forwards_baggage() -> bool {
    FORWARD_BAGGAGE.load(Ordering::Relaxed)
}

/// Sets [`forwards_baggage`] from now on (`init()` sets it from the builder).
pub fn set_forward_baggage(forward: bool) {
    FORWARD_BAGGAGE.store(forward, Ordering::Relaxed);
}

/// The propagator of the toolkit's carriers: extracts trace context and baggage, injects
/// trace context, and baggage only when [`forwards_baggage`].
#[derive(Clone, Debug)]
pub struct CarrierPropagator {
    trace: StrictW3cPropagator,
    baggage: StrictBaggagePropagator,
    fields: [String; 3],
}

impl CarrierPropagator {
    /// The propagator.
    pub fn new() -> Self {
        CarrierPropagator {
            trace: StrictW3cPropagator::new(),
            baggage: StrictBaggagePropagator::new(),
            fields: [
                TRACEPARENT_HEADER.to_owned(),
                TRACESTATE_HEADER.to_owned(),
                BAGGAGE_HEADER.to_owned(),
            ],
        }
    }
}

impl Default for CarrierPropagator {
    fn default() -> Self {
        Self::new()
    }
}

impl TextMapPropagator for CarrierPropagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        self.trace.inject_context(cx, injector);
        if forwards_baggage() {
            self.baggage.inject_context(cx, injector);
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let cx = self.trace.extract_with_context(cx, extractor);
        self.baggage.extract_with_context(&cx, extractor)
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

/// [`StrictW3cPropagator`] and [`StrictBaggagePropagator`] together, e.g. for
/// `opentelemetry::global::set_text_map_propagator`.
pub fn strict_w3c_propagators() -> TextMapCompositePropagator {
    TextMapCompositePropagator::new(vec![
        Box::new(StrictW3cPropagator::new()),
        Box::new(StrictBaggagePropagator::new()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::StringValue;
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState as OtelTraceState};
    use std::collections::HashMap;

    const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// A carrier that can hold a header more than once, like an HTTP header map.
    #[derive(Default)]
    struct MultiMap(Vec<(String, String)>);

    impl MultiMap {
        fn with(mut self, key: &str, value: &str) -> Self {
            self.0.push((key.to_owned(), value.to_owned()));
            self
        }
    }

    impl Extractor for MultiMap {
        fn get(&self, key: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        }

        fn keys(&self) -> Vec<&str> {
            self.0.iter().map(|(k, _)| k.as_str()).collect()
        }

        fn get_all(&self, key: &str) -> Option<Vec<&str>> {
            let values: Vec<&str> = self
                .0
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
                .collect();
            (!values.is_empty()).then_some(values)
        }
    }

    fn extract(carrier: &dyn Extractor) -> SpanContext {
        StrictW3cPropagator::new()
            .extract_with_context(&Context::new(), carrier)
            .span()
            .span_context()
            .clone()
    }

    fn inject(propagator: &dyn TextMapPropagator, cx: &Context) -> HashMap<String, String> {
        let mut carrier = HashMap::new();
        propagator.inject_context(cx, &mut carrier);
        carrier
    }

    #[test]
    fn extracts_traceparent_and_tracestate() {
        let carrier = MultiMap::default()
            .with("TraceParent", TRACEPARENT)
            .with("tracestate", "rojo=00f067aa0ba902b7")
            .with("TRACESTATE", "congo=t61rcWkgMzE");
        let sc = extract(&carrier);
        assert!(sc.is_valid());
        assert!(sc.is_remote());
        assert!(sc.is_sampled());
        assert_eq!(
            sc.trace_id(),
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
        );
        assert_eq!(sc.span_id(), SpanId::from_hex("00f067aa0ba902b7").unwrap());
        assert_eq!(
            sc.trace_state().header(),
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
        );
    }

    #[test]
    fn two_traceparent_headers_start_a_new_trace() {
        let carrier = MultiMap::default()
            .with("traceparent", TRACEPARENT)
            .with("traceparent", TRACEPARENT)
            .with("tracestate", "rojo=1");
        let cx = StrictW3cPropagator::new().extract_with_context(&Context::new(), &carrier);
        assert!(!cx.has_active_span());
        assert!(!cx.span().span_context().is_valid());
    }

    #[test]
    fn tracestate_needs_a_valid_traceparent() {
        for traceparent in [
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "",
        ] {
            let carrier = MultiMap::default()
                .with("traceparent", traceparent)
                .with("tracestate", "rojo=1");
            assert!(!extract(&carrier).is_valid(), "{traceparent:?}");
        }
        let carrier = MultiMap::default().with("tracestate", "rojo=1");
        assert!(!extract(&carrier).is_valid());
    }

    #[test]
    fn invalid_tracestate_is_dropped_traceparent_kept() {
        for tracestate in [
            "rojo=1,BAD=2",
            "rojo=1,r o=2",
            &(0..33)
                .map(|i| format!("k{i}=v"))
                .collect::<Vec<_>>()
                .join(","),
        ] {
            let carrier = MultiMap::default()
                .with("traceparent", TRACEPARENT)
                .with("tracestate", tracestate);
            let sc = extract(&carrier);
            assert!(sc.is_valid());
            assert_eq!(sc.trace_state(), &OtelTraceState::NONE);
        }
        // An invalid part in a second tracestate header discards the combined value.
        let carrier = MultiMap::default()
            .with("traceparent", TRACEPARENT)
            .with("tracestate", "rojo=1")
            .with("tracestate", "Rojo=2");
        assert_eq!(extract(&carrier).trace_state(), &OtelTraceState::NONE);
        // A key repeated across the two keeps its first entry and the rest of the header.
        let carrier = MultiMap::default()
            .with("traceparent", TRACEPARENT)
            .with("tracestate", "rojo=1,congo=2")
            .with("tracestate", "rojo=3");
        assert_eq!(extract(&carrier).trace_state().header(), "rojo=1,congo=2");
    }

    #[test]
    fn level_2_keys_opentelemetry_refuses_are_still_forwarded() {
        let propagator = StrictW3cPropagator::new();
        let long_key = format!("{}@{}", "t".repeat(241), "v".repeat(14));
        let state = format!("foo@=1,{long_key}=2,a@b@c=3");
        let carrier = MultiMap::default()
            .with("traceparent", TRACEPARENT)
            .with("tracestate", &state);
        let cx = propagator.extract(&carrier);
        let inject = |cx: &Context| {
            let mut out = HashMap::new();
            propagator.inject_context(cx, &mut out);
            out.get("tracestate").cloned()
        };
        assert_eq!(inject(&cx).as_deref(), Some(state.as_str()));
        // A span of this process under it (same trace, same trace state): forwarded whole.
        let parent = cx.span().span_context().clone();
        let child = SpanContext::new(
            parent.trace_id(),
            SpanId::from_hex("1111111111111111").unwrap(),
            parent.trace_flags(),
            false,
            parent.trace_state().clone(),
        );
        assert_eq!(
            inject(&cx.with_remote_span_context(child.clone())).as_deref(),
            Some(state.as_str())
        );
        // A context built from the span context alone (the process parent) gets it back.
        let bare = Context::new().with_remote_span_context(child.clone());
        assert_eq!(
            inject(&bare).as_deref(),
            Some("foo@=1"),
            "what OpenTelemetry holds"
        );
        let restored = with_received_trace_state(&cx, bare);
        assert_eq!(inject(&restored).as_deref(), Some(state.as_str()));
        // A trace state changed here: what OpenTelemetry holds, with the change.
        let changed = child.trace_state().insert("mine", "1").unwrap();
        let changed = SpanContext::new(
            child.trace_id(),
            child.span_id(),
            child.trace_flags(),
            false,
            changed,
        );
        let header = inject(&cx.with_remote_span_context(changed)).unwrap();
        assert!(header.starts_with("mine=1,"), "{header}");
    }

    #[test]
    fn random_flag_survives_extract_then_inject() {
        let propagator = StrictW3cPropagator::new();
        for flags in ["00", "01", "02", "03"] {
            let value = format!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-{flags}");
            let mut carrier = HashMap::new();
            carrier.insert("traceparent".to_owned(), value.clone());
            carrier.insert("tracestate".to_owned(), "congo=t61rcWkgMzE".to_owned());
            let cx = propagator.extract(&carrier);
            assert_eq!(
                cx.span().span_context().trace_flags().to_u8(),
                u8::from_str_radix(flags, 16).unwrap()
            );
            let out = inject(&propagator, &cx);
            assert_eq!(out.get("traceparent"), Some(&value));
            assert_eq!(
                out.get("tracestate").map(String::as_str),
                Some("congo=t61rcWkgMzE")
            );
        }
    }

    #[test]
    fn reserved_bits_are_cleared_by_default_and_kept_when_preserved() {
        let preserve = StrictW3cPropagator::new().with_flags_policy(TraceFlagsPolicy::Preserve);
        let mut carrier = HashMap::new();
        let value = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff";
        carrier.insert("traceparent".to_owned(), value.to_owned());
        let cx = preserve.extract(&carrier);
        assert_eq!(cx.span().span_context().trace_flags().to_u8(), 0xff);
        assert_eq!(inject(&preserve, &cx)["traceparent"], value);

        let propagator = StrictW3cPropagator::new();
        let mut carrier = HashMap::new();
        carrier.insert(
            "traceparent".to_owned(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff".to_owned(),
        );
        let cx = propagator.extract(&carrier);
        assert_eq!(cx.span().span_context().trace_flags().to_u8(), 0x03);

        let sc = SpanContext::new(
            TraceId::from(1),
            SpanId::from(2),
            TraceFlags::new(0xfe),
            false,
            OtelTraceState::NONE,
        );
        let out = inject(&propagator, &Context::new().with_remote_span_context(sc));
        assert_eq!(
            out["traceparent"],
            "00-00000000000000000000000000000001-0000000000000002-02"
        );
    }

    #[test]
    fn inject_writes_version_00_and_only_valid_tracestate() {
        let trace_state =
            OtelTraceState::from_key_value([("rojo", "1"), ("bad", "tab\there"), ("congo", "2")])
                .unwrap();
        let sc = SpanContext::new(
            TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736),
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            TraceFlags::SAMPLED,
            false,
            trace_state,
        );
        let out = inject(
            &StrictW3cPropagator::new(),
            &Context::new().with_remote_span_context(sc),
        );
        assert_eq!(out["traceparent"], TRACEPARENT);
        assert_eq!(out["tracestate"], "rojo=1,congo=2");

        // No valid span: nothing written.
        assert!(inject(&StrictW3cPropagator::new(), &Context::new()).is_empty());
        // Empty trace state: no tracestate header.
        let sc = SpanContext::new(
            TraceId::from(1),
            SpanId::from(1),
            TraceFlags::default(),
            true,
            OtelTraceState::NONE,
        );
        let out = inject(
            &StrictW3cPropagator::new(),
            &Context::new().with_remote_span_context(sc),
        );
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn future_version_is_downgraded_on_inject() {
        let mut carrier = HashMap::new();
        carrier.insert(
            "traceparent".to_owned(),
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be"
                .to_owned(),
        );
        let propagator = StrictW3cPropagator::new();
        let out = inject(&propagator, &propagator.extract(&carrier));
        assert_eq!(out["traceparent"], TRACEPARENT);
    }

    #[test]
    fn fields_are_the_lower_case_header_names() {
        assert_eq!(
            StrictW3cPropagator::new().fields().collect::<Vec<_>>(),
            ["traceparent", "tracestate"]
        );
        assert_eq!(
            StrictBaggagePropagator::new().fields().collect::<Vec<_>>(),
            ["baggage"]
        );
        // The composite keeps its fields in a set: no order.
        let composite = strict_w3c_propagators();
        let mut fields = composite.fields().collect::<Vec<_>>();
        fields.sort_unstable();
        assert_eq!(fields, ["baggage", "traceparent", "tracestate"]);
    }

    #[test]
    fn baggage_extract_and_inject() {
        let carrier = MultiMap::default()
            .with("baggage", "userId=alice,bad key=1")
            .with("Baggage", "serverNode=DF%2028;p=1");
        let propagator = StrictBaggagePropagator::new();
        let cx = propagator.extract_with_context(&Context::new(), &carrier);
        assert_eq!(cx.baggage().len(), 2);
        assert_eq!(
            cx.baggage().get("serverNode"),
            Some(&StringValue::from("DF 28"))
        );
        let out = inject(&propagator, &cx);
        assert_eq!(out["baggage"], "serverNode=DF%2028;p=1,userId=alice");

        // Nothing valid: the context is returned unchanged.
        let cx = Context::new().with_baggage([opentelemetry::KeyValue::new("keep", "me")]);
        let carrier = MultiMap::default().with("baggage", "bad key=1");
        let cx = propagator.extract_with_context(&cx, &carrier);
        assert_eq!(cx.baggage().get("keep"), Some(&StringValue::from("me")));

        // Empty baggage: nothing written.
        assert!(inject(&propagator, &Context::new()).is_empty());
    }

    #[test]
    fn composite_round_trip() {
        let propagator = strict_w3c_propagators();
        let mut carrier = HashMap::new();
        carrier.insert(
            "traceparent".to_owned(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03".to_owned(),
        );
        carrier.insert("tracestate".to_owned(), "rojo=1".to_owned());
        carrier.insert("baggage".to_owned(), "k=v%2C1".to_owned());
        let cx = propagator.extract(&carrier);
        let out = inject(&propagator, &cx);
        assert_eq!(out, carrier);
    }
}
