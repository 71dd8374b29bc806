//! OpenTelemetry for LLM services.
//!
//! One call sets up traces, logs and metrics from the standard `OTEL_*` variables:
//!
//! ```no_run
//! # fn main() -> Result<(), telemetry_runtime::InitError> {
//! let _guard = telemetry_runtime::init()?; // no endpoint configured: nothing is exported
//! let span = tracing::info_span!("llm.decode");
//! let _entered = span.enter();
//! tracing::info!(tokens = 42, "decoded"); // this line carries trace_id and span_id
//! # Ok(()) }
//! ```
//!
//! With no endpoint configured, spans still get real trace ids (log lines and request ids
//! need them) but nothing is exported and no export thread or socket exists. With an
//! endpoint, spans and log records go through bounded queues to a dedicated export thread:
//! a collector that is down or hangs costs counted drops, never a blocked application.
#![deny(missing_docs)]
// Every `unsafe` block says why it is sound; the list, and what each one buys, is in
// BENCHMARKS.md ("Unsafe code").
#![warn(clippy::undocumented_unsafe_blocks)]
// docs.rs: a badge with its feature on every feature-gated item.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Without the SDK (a library that only instruments) no tracer can be installed: the
// configuration, the helpers only installation uses, and the code after an SDK span starts
// are unreachable by design. Builds with the SDK are held to every lint.
#![cfg_attr(
    not(feature = "sdk"),
    allow(dead_code, unused_imports, unreachable_code, unused_variables)
)]

pub mod attribute_limits;
#[cfg(feature = "sdk")]
mod builder;
#[cfg(feature = "cloudevents")]
pub mod cloudevents;
pub mod config;
#[cfg(feature = "sdk")]
pub mod console;
mod constants;
pub mod contracts;
#[cfg(feature = "sdk")]
mod export;
pub mod genai;
mod global_slot;
#[cfg(feature = "axum")]
pub mod http;
#[cfg(any(feature = "axum", feature = "reqwest"))]
mod http_semconv;
#[cfg(feature = "sdk")]
mod install;
#[cfg(feature = "sdk")]
mod logs;
mod metrics;
#[cfg(feature = "async-openai")]
pub mod openai;
#[cfg(feature = "reqwest")]
pub mod outbound;
mod percent;
pub mod process;
#[cfg(feature = "prometheus")]
pub mod prometheus;
pub mod propagation;
pub mod redaction;
mod redaction_rules;
#[cfg(feature = "sdk")]
mod resource;
#[cfg(feature = "sdk")]
mod sampler;
pub mod scope;
pub mod semconv;
pub mod span;
#[cfg(feature = "sdk")]
mod status;
pub mod task;

#[cfg(feature = "sdk")]
pub use builder::TelemetryBuilder;
pub use config::{
    ConfigError, ConfigWarning, ContentCapture, ExporterKind, LogFormat, Protocol, SamplerConfig,
    Signal, WarningCode,
};
#[cfg(feature = "sdk")]
pub use install::{
    BaseSubscriber, BoxedLayer, InitError, LogLineFormat, TelemetryGuard, TelemetryLayers, init,
    init_layers, status,
};
#[cfg(feature = "sdk")]
pub use status::{SignalStatus, Status};

/// The versions of the OpenTelemetry and tracing crates this toolkit is built on, so your
/// code uses exactly these.
pub use opentelemetry;
#[cfg(feature = "sdk")]
pub use opentelemetry_sdk;
pub use tracing;

/// A builder to set values in code; they win over the environment.
#[cfg(feature = "sdk")]
pub fn builder() -> TelemetryBuilder {
    TelemetryBuilder::new()
}

/// The crate's internal parsers, for the fuzz targets in `fuzz/` (built with
/// `--cfg fuzzing`, see `scripts/fuzz`). Not a public API: it does not exist otherwise.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    /// The configuration resolved from `vars` alone (the last value of a name wins), as
    /// `init()` resolves it from the environment.
    pub fn resolve_config(
        vars: &[(String, String)],
    ) -> Result<crate::config::Config, crate::config::ConfigError> {
        crate::config::Config::resolve(
            |name| {
                vars.iter()
                    .rev()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
            },
            &crate::config::Overrides::default(),
        )
    }

    /// Percent decoding of `OTEL_RESOURCE_ATTRIBUTES` and header values.
    pub fn percent_decode(value: &str) -> Option<String> {
        crate::percent::percent_decode(value).ok()
    }

    /// `url.query` as recorded: credential values replaced.
    #[cfg(any(feature = "axum", feature = "reqwest"))]
    pub fn redact_query(query: &str) -> String {
        crate::http_semconv::redact_query(query)
    }
}

/// Paths used by the code the macros generate. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "cloudevents")]
    pub use crate::cloudevents::__private as cloudevents;
    pub use crate::genai::capture::for_event as content_for_event;
    pub use crate::genai::capture::for_span as content_for_span;
    pub use crate::genai::content::ContentValue;
    /// What `#[llm_span(request = ...)]` generates code with.
    pub mod genai {
        pub use crate::genai::{client, probe, request};
    }
    pub use crate::span;
    pub use opentelemetry;

    /// A required attribute that has been given (typestate of the start builders).
    #[derive(Debug)]
    pub enum Set {}
    /// A required attribute not given yet.
    #[derive(Debug)]
    pub enum Unset {}
    pub use crate::contracts;

    #[cfg(feature = "sdk")]
    pub use crate::logs::bench;

    /// What `#[derive(CommonAttributes)]` generates code with.
    pub mod common {
        pub use crate::propagation::Baggage;
        pub use crate::scope::{
            CommonAttributes, CommonAttributesError, DEFAULT_MAX_VALUE_LEN, ExtensionSink,
            ExtensionSource, HeaderMap, insert, optional, required,
        };
        pub use opentelemetry::KeyValue;
        pub use std::string::String;
        pub use std::vec::Vec;
    }
}

#[doc = include_str!("../docs/llm_span.md")]
pub use telemetry_macros::llm_span;

#[doc = include_str!("../docs/span_contract.md")]
pub use telemetry_macros::SpanContract;

/// Turns an `async fn` that takes a CloudEvent into a CONSUMER span that covers the whole
/// handler (feature `cloudevents`); see the [`cloudevents`] module for the span's parent,
/// links and attributes.
///
/// ```
/// use telemetry_runtime::{CommonAttributes, cloudevent_handler};
/// use telemetry_runtime::cloudevents::Event;
///
/// #[derive(Clone, Debug, CommonAttributes)]
/// struct Ids {
///     #[attr(key = "gen_ai.agent.id")]
///     assistant_id: String, // read from the extension `assistantid`
/// }
///
/// #[derive(Debug)]
/// struct Rejected;
/// impl std::fmt::Display for Rejected {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         f.write_str("rejected")
///     }
/// }
///
/// #[cloudevent_handler(common = Ids, system = "nats", destination = subject.to_owned())]
/// async fn on_order(event: Event, subject: &str) -> Result<(), Rejected> {
///     // `scope::current::<Ids>()` is the event's identifiers here; log lines carry them.
///     Ok(())
/// }
/// ```
///
/// Arguments, all optional:
/// - `event = param`: the parameter holding the event (default: the one whose type is
///   `Event`, `&Event` or `cloudevents::Event`, else the first);
/// - `common = Type`: a [`CommonAttributes`] type read from the event's extensions
///   ([`CommonAttributes::from_extensions`]); the handler runs in its scope, its attributes go
///   on the span; when the event lacks them the handler runs without the scope and the span
///   gets an `app.common_attributes.error` event;
/// - `system = "nats"`: `messaging.system`;
/// - `destination = expr`: `messaging.destination.name`, an expression over the parameters,
///   evaluated once at span start and only when telemetry is on;
/// - `crate = path`: where `telemetry_runtime` is.
///
/// An `Err` return sets status ERROR and `error.type` (the error's
/// [`ErrorType`](span::ErrorType), else its type name); a panic ends the span with
/// `error.type = panic`.
///
/// A mistake is a compile error on the argument, saying what to write:
///
/// ```compile_fail
/// use telemetry_runtime::cloudevent_handler;
/// use telemetry_runtime::cloudevents::Event;
///
/// // `system` is a lower-case `messaging.system` value: `kafka`, `rabbitmq`, ...
/// #[cloudevent_handler(system = "NATS Server")]
/// async fn on_order(event: Event) {
///     let _ = event;
/// }
/// ```
#[cfg(feature = "cloudevents")]
pub use telemetry_macros::cloudevent_handler;

/// The request identifiers trait, [`scope::CommonAttributes`], and its derive (a trait and a
/// derive macro live in different namespaces, as serde's `Serialize`).
///
/// `#[derive(CommonAttributes)]` implements the trait for a struct of named fields, each a
/// `String` (a required header) or an `Option<String>` (an optional one):
///
/// ```
/// use telemetry_runtime::CommonAttributes;
/// use telemetry_runtime::scope::HeaderMap;
///
/// #[derive(Clone, Debug, CommonAttributes)]
/// #[common_attributes(prefix = "x-", namespace = "acme")] // `x-` is the default prefix
/// struct Ids {
///     assistant_id: String,               // header `x-assistant-id`, key `acme.assistant_id`
///     #[attr(header = "x-sess", key = "session.id")]
///     session_id: Option<String>,         // optional
///     #[attr(metric)]
///     channel_id: String,                 // low-cardinality: a metric dimension
/// }
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-assistant-id", "a-1".parse().unwrap());
/// headers.insert("x-channel-id", "web".parse().unwrap());
/// let ids = Ids::from_headers(&headers).unwrap();
/// assert_eq!(ids.session_id, None);
/// assert_eq!(ids.attributes()[0].key.as_str(), "acme.assistant_id");
/// assert_eq!(ids.metric_dimensions().len(), 1);
/// ```
///
/// Options: on the struct, `#[common_attributes(prefix = "...", namespace = "...", crate =
/// path)]`; on a field, `#[attr(header = "...", key = "...", extension = "...", metric)]`.
/// Header names are derived as prefix + the field name with `_` as `-`; an overridden
/// `header` is the whole name (no prefix). Log field names are the field names. Values are
/// read with [`scope::required_header`] / [`scope::optional_header`] (at most
/// [`scope::DEFAULT_MAX_VALUE_LEN`] bytes, no control character).
///
/// Every attribute key has a namespace: the span attribute, the metric dimension and the
/// baggage member cross services, where a bare `user_id` of one team collides with another's.
/// A key is the field's `key`, else `namespace.field_name`; a key without a `.` is a compile
/// error that suggests the registry's name where the field has one (`session_id` ->
/// `session.id`, `user_id` -> `user.id`, `assistant_id` -> `gen_ai.agent.id`):
///
/// ```compile_fail
/// #[derive(Clone, telemetry_runtime::CommonAttributes)]
/// struct Ids {
///     user_id: String, // error: attribute key `user_id` (the field name) has no namespace
/// }
/// ```
pub use scope::CommonAttributes;
pub use telemetry_macros::CommonAttributes;

// Lets the macros' generated code name `::telemetry_runtime` inside this crate too.
extern crate self as telemetry_runtime;

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The crate README's example, compiled as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct CrateReadmeDoctests;
