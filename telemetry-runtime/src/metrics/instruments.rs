//! [`Instruments`]: the histograms the toolkit records into, and their installation.

use opentelemetry::metrics::{Histogram, Meter};

use crate::global_slot::GlobalSlot;

/// `http.server.request.duration`: explicit bucket boundaries advised by the HTTP metrics
/// conventions (seconds).
pub(crate) const HTTP_SERVER_DURATION_BOUNDARIES: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// The instruments of one meter provider.
#[derive(Debug)]
pub(crate) struct Instruments {
    /// `http.server.request.duration` (histogram, `s`), recorded by the axum layer.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) http_server_request_duration: Histogram<f64>,
}

impl Instruments {
    pub(crate) fn new(meter: &Meter) -> Self {
        Instruments {
            http_server_request_duration: meter
                .f64_histogram("http.server.request.duration")
                .with_unit("s")
                .with_description("Duration of HTTP server requests.")
                .with_boundaries(HTTP_SERVER_DURATION_BOUNDARIES.to_vec())
                .build(),
        }
    }
}

static INSTRUMENTS: GlobalSlot<Instruments> = GlobalSlot::new();

/// The installed instruments, if metrics are on.
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
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
    #[test]
    fn boundaries_increase() {
        let b = super::HTTP_SERVER_DURATION_BOUNDARIES;
        assert!(b.windows(2).all(|w| w[0] < w[1]));
    }
}
