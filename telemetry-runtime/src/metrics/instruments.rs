//! [`Instruments`]: the histograms the toolkit records into, and their installation.

use opentelemetry::metrics::{Histogram, Meter};

use crate::global_slot::GlobalSlot;

/// `http.server.request.duration`: explicit bucket boundaries advised by the HTTP metrics
/// conventions (seconds).
pub(crate) const HTTP_SERVER_DURATION_BOUNDARIES: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// `gen_ai.client.token.usage` (tokens): powers of 4 from 1 to 4^13.
pub(crate) const GENAI_TOKEN_USAGE_BOUNDARIES: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// `gen_ai.client.operation.duration` and `gen_ai.server.request.duration` (seconds).
pub(crate) const GENAI_DURATION_BOUNDARIES: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// `gen_ai.server.time_to_first_token` (seconds).
pub(crate) const GENAI_TIME_TO_FIRST_TOKEN_BOUNDARIES: [f64; 16] = [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// `gen_ai.server.time_per_output_token` (seconds).
pub(crate) const GENAI_TIME_PER_OUTPUT_TOKEN_BOUNDARIES: [f64; 13] = [
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
];

/// Name, unit, description and bucket boundaries of one histogram.
struct Spec {
    name: &'static str,
    unit: &'static str,
    description: &'static str,
    boundaries: &'static [f64],
}

/// Every histogram the toolkit creates, in the order of `semconv/metrics.tsv`.
const SPECS: [Spec; 6] = [
    Spec {
        name: "http.server.request.duration",
        unit: "s",
        description: "Duration of HTTP server requests.",
        boundaries: &HTTP_SERVER_DURATION_BOUNDARIES,
    },
    Spec {
        name: "gen_ai.client.token.usage",
        unit: "{token}",
        description: "Number of input and output tokens used.",
        boundaries: &GENAI_TOKEN_USAGE_BOUNDARIES,
    },
    Spec {
        name: "gen_ai.client.operation.duration",
        unit: "s",
        description: "GenAI operation duration.",
        boundaries: &GENAI_DURATION_BOUNDARIES,
    },
    Spec {
        name: "gen_ai.server.request.duration",
        unit: "s",
        description: "Generative AI server request duration such as time-to-last byte or last output token.",
        boundaries: &GENAI_DURATION_BOUNDARIES,
    },
    Spec {
        name: "gen_ai.server.time_to_first_token",
        unit: "s",
        description: "Time to generate first token for successful responses.",
        boundaries: &GENAI_TIME_TO_FIRST_TOKEN_BOUNDARIES,
    },
    Spec {
        name: "gen_ai.server.time_per_output_token",
        unit: "s",
        description: "Time per output token generated after the first token for successful responses.",
        boundaries: &GENAI_TIME_PER_OUTPUT_TOKEN_BOUNDARIES,
    },
];

/// The instruments of one meter provider.
#[derive(Debug)]
pub(crate) struct Instruments {
    /// `http.server.request.duration` (histogram, `s`), recorded by the axum layer.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) http_server_request_duration: Histogram<f64>,
    /// `gen_ai.client.token.usage` (histogram, `{token}`).
    pub(crate) genai_client_token_usage: Histogram<u64>,
    /// `gen_ai.client.operation.duration` (histogram, `s`).
    pub(crate) genai_client_operation_duration: Histogram<f64>,
    /// `gen_ai.server.request.duration` (histogram, `s`).
    pub(crate) genai_server_request_duration: Histogram<f64>,
    /// `gen_ai.server.time_to_first_token` (histogram, `s`).
    pub(crate) genai_server_time_to_first_token: Histogram<f64>,
    /// `gen_ai.server.time_per_output_token` (histogram, `s`).
    pub(crate) genai_server_time_per_output_token: Histogram<f64>,
}

fn f64_histogram(meter: &Meter, spec: &Spec) -> Histogram<f64> {
    meter
        .f64_histogram(spec.name)
        .with_unit(spec.unit)
        .with_description(spec.description)
        .with_boundaries(spec.boundaries.to_vec())
        .build()
}

impl Instruments {
    pub(crate) fn new(meter: &Meter) -> Self {
        let [http, usage, client_duration, server_duration, ttft, tpot] = &SPECS;
        Instruments {
            http_server_request_duration: f64_histogram(meter, http),
            genai_client_token_usage: meter
                .u64_histogram(usage.name)
                .with_unit(usage.unit)
                .with_description(usage.description)
                .with_boundaries(usage.boundaries.to_vec())
                .build(),
            genai_client_operation_duration: f64_histogram(meter, client_duration),
            genai_server_request_duration: f64_histogram(meter, server_duration),
            genai_server_time_to_first_token: f64_histogram(meter, ttft),
            genai_server_time_per_output_token: f64_histogram(meter, tpot),
        }
    }
}

static INSTRUMENTS: GlobalSlot<Instruments> = GlobalSlot::new();

/// The installed instruments, if metrics are on.
#[inline]
pub(crate) fn current() -> Option<&'static Instruments> {
    INSTRUMENTS.get()
}

/// Installs the instruments recorded into from now on.
pub(crate) fn install(instruments: Instruments) {
    INSTRUMENTS.install(instruments);
}

#[cfg(test)]
mod tests {
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
    use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};

    use super::{Instruments, SPECS};

    /// The table CI checks against the registry: metric, instrument, unit, boundaries.
    const TABLE: &str = include_str!("../../semconv/metrics.tsv");

    fn table() -> Vec<(String, String, String, Vec<f64>)> {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                let bounds = cols[3]
                    .split(',')
                    .map(|b| b.parse::<f64>().expect("a number"))
                    .collect();
                (cols[0].into(), cols[1].into(), cols[2].into(), bounds)
            })
            .collect()
    }

    #[test]
    fn boundaries_increase() {
        for spec in &SPECS {
            assert!(
                spec.boundaries.windows(2).all(|w| w[0] < w[1]),
                "{}",
                spec.name
            );
        }
    }

    #[test]
    fn the_specs_are_the_table() {
        let table = table();
        assert_eq!(table.len(), SPECS.len());
        for (row, spec) in table.iter().zip(&SPECS) {
            assert_eq!(row.0, spec.name);
            assert_eq!(row.1, "histogram", "{}", spec.name);
            assert_eq!(row.2, spec.unit, "{}", spec.name);
            assert_eq!(row.3, spec.boundaries, "{}", spec.name);
        }
    }

    /// What the SDK exports for each instrument: name, unit and bucket boundaries of the table.
    #[test]
    fn exported_histograms_follow_the_table() {
        let exporter = InMemoryMetricExporter::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exporter.clone()).build())
            .build();
        let i = Instruments::new(&provider.meter("test"));
        i.http_server_request_duration.record(0.1, &[]);
        i.genai_client_token_usage.record(10, &[]);
        i.genai_client_operation_duration.record(0.1, &[]);
        i.genai_server_request_duration.record(0.1, &[]);
        i.genai_server_time_to_first_token.record(0.1, &[]);
        i.genai_server_time_per_output_token.record(0.1, &[]);
        provider.force_flush().unwrap();
        let exported = exporter.get_finished_metrics().unwrap();
        let metrics: Vec<_> = exported
            .iter()
            .flat_map(|rm| rm.scope_metrics())
            .flat_map(|sm| sm.metrics())
            .collect();
        let table = table();
        assert_eq!(metrics.len(), table.len());
        for (name, _, unit, bounds) in &table {
            let metric = metrics
                .iter()
                .find(|m| m.name() == name)
                .unwrap_or_else(|| panic!("{name} not exported"));
            assert_eq!(metric.unit(), unit, "{name}");
            let exported: Vec<f64> = match metric.data() {
                AggregatedMetrics::F64(MetricData::Histogram(h)) => {
                    h.data_points().next().unwrap().bounds().collect()
                }
                AggregatedMetrics::U64(MetricData::Histogram(h)) => {
                    h.data_points().next().unwrap().bounds().collect()
                }
                other => panic!("{name} is not a histogram: {other:?}"),
            };
            assert_eq!(&exported, bounds, "{name}");
        }
    }
}
