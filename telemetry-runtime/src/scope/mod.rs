//! The request scope: a request's business identifiers (assistant, session, user, channel,
//! ...) carried for the whole request, on its server span and on every log line.
//!
//! A type implements [`CommonAttributes`] (by hand, or with `#[derive(CommonAttributes)]`)
//! to say how its values are read from and written to headers, which span attributes and log
//! fields they become, and which of them are low-cardinality enough for metric dimensions.
//! [`with`] runs a future in the scope of a value; [`current`] reads it back anywhere inside;
//! the log lines written while the future is polled carry the value's
//! [`log_fields`](CommonAttributes::log_fields) (`key=value` in human lines, keys of the
//! object in JSON lines). The axum layer (`http::TelemetryLayer`, feature `axum`) opens the
//! scope for each request from its headers.
//!
//! The scope is task-local (a `tokio` task-local, set only while the scoped future is
//! polled): it cannot leak into another request polled on the same thread or connection, and
//! ends with the future. A `tokio::spawn`ed task does not inherit it: wrap its future with
//! [`in_current_scope`], or spawn it with [`task::spawn`](crate::task::spawn), which carries
//! the trace context too.

mod baggage;
mod carrier;
mod error;
mod extensions;
mod headers;
mod task_local;

pub use baggage::{insert_member, optional_member, required_member};
pub use carrier::{NotText, ValueSink, ValueSource, insert, optional, required};
pub use error::{Carrier, CommonAttributesError, CommonAttributesErrorKind};
pub use extensions::{
    ExtensionSink, ExtensionSource, insert_extension, optional_extension, required_extension,
};
pub use headers::{
    DEFAULT_MAX_VALUE_LEN, insert_header, optional_header, required_header, validate_value,
};
pub use http::HeaderMap;
pub(crate) use task_local::{Frame, current_frame, in_frame};
#[cfg(feature = "cloudevents")]
pub(crate) use task_local::{Level, with_level};
pub use task_local::{Scoped, current, in_current_scope, with, with_current, with_sync};
pub(crate) use task_local::{for_each_attribute, for_each_log_field};

use opentelemetry::{KeyValue, Value};

use crate::propagation::Baggage;

/// A set of request identifiers that travels with a request: parsed from its headers, put on
/// its server span and on every log line inside it, forwarded to outgoing requests.
///
/// `#[derive(CommonAttributes)]` implements it for a struct of identifier fields; a hand
/// implementation uses [`required_header`] / [`optional_header`] (validation: not empty, a
/// length cap, no control characters) and [`insert_header`]:
///
/// ```
/// use telemetry_runtime::opentelemetry::KeyValue;
/// use telemetry_runtime::scope::{
///     CommonAttributes, CommonAttributesError, DEFAULT_MAX_VALUE_LEN, HeaderMap,
///     insert_header, optional_header, required_header,
/// };
///
/// #[derive(Clone, Debug)]
/// struct Ctx {
///     assistant_id: String,
///     session_id: Option<String>,
///     channel_id: String, // low-cardinality: a metric dimension
/// }
///
/// impl CommonAttributes for Ctx {
///     fn from_headers(headers: &HeaderMap) -> Result<Self, CommonAttributesError> {
///         Ok(Ctx {
///             assistant_id: required_header(headers, "x-assistant-id", DEFAULT_MAX_VALUE_LEN)?,
///             session_id: optional_header(headers, "x-session-id", DEFAULT_MAX_VALUE_LEN)?,
///             channel_id: required_header(headers, "x-channel-id", DEFAULT_MAX_VALUE_LEN)?,
///         })
///     }
///     fn to_headers(&self, headers: &mut HeaderMap) {
///         insert_header(headers, "x-assistant-id", &self.assistant_id);
///         if let Some(session_id) = &self.session_id {
///             insert_header(headers, "x-session-id", session_id);
///         }
///         insert_header(headers, "x-channel-id", &self.channel_id);
///     }
///     fn attributes(&self) -> Vec<KeyValue> {
///         let mut attributes = vec![
///             KeyValue::new("app.assistant.id", self.assistant_id.clone()),
///             KeyValue::new("app.channel.id", self.channel_id.clone()),
///         ];
///         if let Some(session_id) = &self.session_id {
///             attributes.push(KeyValue::new("session.id", session_id.clone()));
///         }
///         attributes
///     }
///     fn log_fields(&self) -> Vec<(&'static str, String)> {
///         let mut fields = vec![
///             ("assistant_id", self.assistant_id.clone()),
///             ("channel_id", self.channel_id.clone()),
///         ];
///         if let Some(session_id) = &self.session_id {
///             fields.push(("session_id", session_id.clone()));
///         }
///         fields
///     }
///     fn metric_dimensions(&self) -> Vec<KeyValue> {
///         vec![KeyValue::new("app.channel.id", self.channel_id.clone())]
///     }
/// }
/// ```
pub trait CommonAttributes: Clone + Send + Sync + 'static {
    /// Reads the values from request headers. A required value that is missing, or any value
    /// that is invalid, is an error naming the header: never a panic.
    fn from_headers(headers: &HeaderMap) -> Result<Self, CommonAttributesError>;

    /// Writes the values into the headers of an outgoing request (the inverse of
    /// [`from_headers`](Self::from_headers)); absent optional values are not written.
    fn to_headers(&self, headers: &mut HeaderMap);

    /// The span attributes of the values (set on the request's server span).
    fn attributes(&self) -> Vec<KeyValue>;

    /// The fields every log line inside the scope carries, as `(key, value)`.
    fn log_fields(&self) -> Vec<(&'static str, String)>;

    /// The attributes that may be metric dimensions: only the low-cardinality values (a user
    /// or session id is not one). None by default.
    fn metric_dimensions(&self) -> Vec<KeyValue> {
        Vec::new()
    }

    /// Writes the values as W3C baggage members (replacing members with the same keys), for
    /// a peer that reads its identifiers from `baggage` rather than from headers.
    ///
    /// `#[derive(CommonAttributes)]` writes each present field under its attribute key. The
    /// default writes the string values of [`attributes`](Self::attributes) under their keys.
    fn to_baggage(&self, baggage: &mut Baggage) {
        for attribute in self.attributes() {
            if let Value::String(value) = &attribute.value
                && let Ok(member) =
                    crate::propagation::BaggageMember::new(attribute.key.as_str(), value.as_str())
            {
                let _ = baggage.insert(member);
            }
        }
    }

    /// Reads the values from W3C baggage members (the inverse of
    /// [`to_baggage`](Self::to_baggage)), with the validation of
    /// [`from_headers`](Self::from_headers); errors name the member
    /// ([`Carrier::Baggage`]).
    ///
    /// `#[derive(CommonAttributes)]` reads each field from the member of its attribute key
    /// ([`required_member`] / [`optional_member`]). The default returns an error: a hand
    /// implementation that wants it writes it with those helpers.
    fn from_baggage(baggage: &Baggage) -> Result<Self, CommonAttributesError> {
        let _ = baggage;
        Err(CommonAttributesError::invalid(
            std::any::type_name::<Self>(),
            "this type does not implement `CommonAttributes::from_baggage`",
        )
        .in_carrier(Carrier::Baggage))
    }

    /// Writes the values as CloudEvents extension attributes of an event being produced.
    ///
    /// `#[derive(CommonAttributes)]` writes each present field under its extension name (the
    /// field name without `_`, e.g. `assistantid`, or `#[attr(extension = "...")]`). The
    /// default writes nothing.
    fn to_extensions(&self, event: &mut dyn ExtensionSink) {
        let _ = event;
    }

    /// Reads the values from a CloudEvent's extension attributes (the inverse of
    /// [`to_extensions`](Self::to_extensions)), with the validation of
    /// [`from_headers`](Self::from_headers); errors name the extension
    /// ([`Carrier::Extension`]).
    ///
    /// The default returns an error: `#[derive(CommonAttributes)]` implements it
    /// ([`required_extension`] / [`optional_extension`]).
    fn from_extensions(event: &dyn ExtensionSource) -> Result<Self, CommonAttributesError> {
        let _ = event;
        Err(CommonAttributesError::invalid(
            std::any::type_name::<Self>(),
            "this type does not implement `CommonAttributes::from_extensions`",
        )
        .in_carrier(Carrier::Extension))
    }
}

#[cfg(test)]
mod tests;
