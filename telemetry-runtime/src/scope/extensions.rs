//! Reading and writing identifier values as CloudEvents extension attributes, with the same
//! validation as headers ([`validate_value`](super::validate_value)).
//!
//! The traits abstract over the event type, so that [`CommonAttributes`](super::CommonAttributes)
//! does not depend on a CloudEvents crate; with the `cloudevents` feature,
//! `cloudevents::Event` implements both.

use std::borrow::Cow;

use super::error::CommonAttributesError;

/// Something extension attributes can be read from (a CloudEvent).
pub trait ExtensionSource {
    /// The value of the extension attribute `name` as a string (integers and booleans in
    /// their canonical string form), or `None`.
    fn extension_value(&self, name: &str) -> Option<Cow<'_, str>>;
}

/// Something extension attributes can be written to (a CloudEvent).
pub trait ExtensionSink {
    /// Sets the extension attribute `name` to the string `value`, replacing an earlier value.
    fn set_extension_value(&mut self, name: &str, value: &str);
}

/// The value of the extension attribute `name`, or `None` when there is none; an error
/// ([`Carrier::Extension`](super::Carrier::Extension)) when the value fails [`validate_value`](super::validate_value).
///
/// ```
/// use std::borrow::Cow;
/// use telemetry_runtime::scope::{ExtensionSource, optional_extension};
///
/// struct One(&'static str, &'static str);
/// impl ExtensionSource for One {
///     fn extension_value(&self, name: &str) -> Option<Cow<'_, str>> {
///         (name == self.0).then_some(Cow::Borrowed(self.1))
///     }
/// }
/// let event = One("userid", "u-42");
/// assert_eq!(optional_extension(&event, "userid", 64).unwrap().as_deref(), Some("u-42"));
/// assert_eq!(optional_extension(&event, "sessionid", 64).unwrap(), None);
/// ```
pub fn optional_extension(
    source: &dyn ExtensionSource,
    name: &'static str,
    max_len: usize,
) -> Result<Option<String>, CommonAttributesError> {
    super::carrier::optional(source, name, max_len)
}

/// The value of the extension attribute `name`;
/// [`CommonAttributesErrorKind::Missing`](super::CommonAttributesErrorKind::Missing) when it is
/// absent, else as [`optional_extension`].
pub fn required_extension(
    source: &dyn ExtensionSource,
    name: &'static str,
    max_len: usize,
) -> Result<String, CommonAttributesError> {
    super::carrier::required(source, name, max_len)
}

/// Sets the extension attribute `name` to `value`.
pub fn insert_extension(sink: &mut dyn ExtensionSink, name: &'static str, value: &str) {
    super::carrier::insert(sink, name, value);
}
