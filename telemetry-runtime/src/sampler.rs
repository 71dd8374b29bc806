//! The SDK sampler for a [`SamplerConfig`].

use opentelemetry_sdk::trace::Sampler;

use crate::config::SamplerConfig;

pub(crate) fn build(config: SamplerConfig) -> Sampler {
    match config {
        SamplerConfig::AlwaysOn => Sampler::AlwaysOn,
        SamplerConfig::AlwaysOff => Sampler::AlwaysOff,
        SamplerConfig::TraceIdRatio(ratio) => Sampler::TraceIdRatioBased(ratio),
        SamplerConfig::ParentBasedAlwaysOn => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        SamplerConfig::ParentBasedAlwaysOff => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
        SamplerConfig::ParentBasedTraceIdRatio(ratio) => {
            Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(ratio)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use opentelemetry::Context;
    use opentelemetry::trace::{
        SpanContext, SpanId, SpanKind, TraceContextExt, TraceFlags, TraceId, TraceState,
    };
    use opentelemetry_sdk::trace::{SamplingDecision, ShouldSample};

    /// The sampler `init()` builds for these variables.
    fn from_env(vars: &[(&str, &str)]) -> Sampler {
        let vars: std::collections::HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let config = Config::resolve(|name| vars.get(name).cloned(), &Overrides::default())
            .expect("valid variables");
        build(config.sampler)
    }

    /// Trace ids spread over the whole range (xorshift), the same in every run.
    fn trace_ids(n: usize) -> Vec<TraceId> {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..n)
            .map(|_| TraceId::from(((next() as u128) << 64) | next() as u128))
            .collect()
    }

    fn sampled(sampler: &Sampler, parent: Option<&Context>, trace_id: TraceId) -> bool {
        sampler
            .should_sample(parent, trace_id, "s", &SpanKind::Internal, &[], &[])
            .decision
            == SamplingDecision::RecordAndSample
    }

    fn parent(remote: bool, sampled: bool) -> Context {
        let sc = SpanContext::new(
            TraceId::from(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736_u128),
            SpanId::from(0x00f0_67aa_0ba9_02b7_u64),
            if sampled {
                TraceFlags::SAMPLED
            } else {
                TraceFlags::default()
            },
            remote,
            TraceState::NONE,
        );
        Context::new().with_remote_span_context(sc)
    }

    #[test]
    fn traceidratio_decides_from_the_trace_id_alone_at_the_ratio_asked() {
        let ids = trace_ids(20_000);
        for ratio in ["0.1", "0.25", "0.5", "0.9"] {
            let vars = [
                ("OTEL_TRACES_SAMPLER", "traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", ratio),
            ];
            // Two processes of the same trace: two samplers built from the same variables.
            let (a, b) = (from_env(&vars), from_env(&vars));
            let decisions: Vec<bool> = ids.iter().map(|id| sampled(&a, None, *id)).collect();
            let again: Vec<bool> = ids.iter().map(|id| sampled(&b, None, *id)).collect();
            assert_eq!(
                decisions, again,
                "ratio {ratio}: same trace id, same decision"
            );
            let observed = decisions.iter().filter(|d| **d).count() as f64 / ids.len() as f64;
            let expected: f64 = ratio.parse().unwrap();
            assert!(
                (observed - expected).abs() < 0.02,
                "ratio {ratio}: observed {observed}"
            );
        }
        // A trace sampled at a lower ratio is sampled at every higher one (one threshold on
        // the trace id), so services with different ratios keep nested subsets of traces.
        let low = from_env(&[
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.1"),
        ]);
        let high = from_env(&[
            ("OTEL_TRACES_SAMPLER", "traceidratio"),
            ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
        ]);
        for id in &ids {
            assert!(!sampled(&low, None, *id) || sampled(&high, None, *id));
        }
    }

    #[test]
    fn parent_based_rules_follow_each_kind_of_parent() {
        let ids = trace_ids(2_000);
        for (name, arg) in [
            ("parentbased_traceidratio", Some("0.5")),
            ("parentbased_always_on", None),
            ("parentbased_always_off", None),
        ] {
            let mut vars = vec![("OTEL_TRACES_SAMPLER", name)];
            if let Some(arg) = arg {
                vars.push(("OTEL_TRACES_SAMPLER_ARG", arg));
            }
            let sampler = from_env(&vars);
            for (remote, parent_sampled) in
                [(true, true), (true, false), (false, true), (false, false)]
            {
                let cx = parent(remote, parent_sampled);
                for id in &ids {
                    assert_eq!(
                        sampled(&sampler, Some(&cx), *id),
                        parent_sampled,
                        "{name}: remote {remote}, parent sampled {parent_sampled}"
                    );
                }
            }
            // No parent: the root sampler decides.
            let roots = ids
                .iter()
                .filter(|id| sampled(&sampler, None, **id))
                .count();
            match name {
                "parentbased_always_on" => assert_eq!(roots, ids.len()),
                "parentbased_always_off" => assert_eq!(roots, 0),
                _ => {
                    let observed = roots as f64 / ids.len() as f64;
                    assert!((observed - 0.5).abs() < 0.05, "{observed}");
                    let plain = from_env(&[
                        ("OTEL_TRACES_SAMPLER", "traceidratio"),
                        ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
                    ]);
                    for id in &ids {
                        assert_eq!(sampled(&sampler, None, *id), sampled(&plain, None, *id));
                    }
                }
            }
        }
    }
}
