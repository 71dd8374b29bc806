//! Reading and writing identifier values as W3C baggage members, with the same validation as
//! headers ([`validate_value`](super::validate_value)).

use super::error::CommonAttributesError;
use crate::propagation::{Baggage, BaggageMember};

/// The value of the baggage member `key` (percent-decoded), or `None` when there is none; an
/// error ([`Carrier::Baggage`](super::Carrier::Baggage)) when the key is there more than once or the value fails
/// [`validate_value`](super::validate_value).
///
/// ```
/// use telemetry_runtime::propagation::Baggage;
/// use telemetry_runtime::scope::optional_member;
///
/// let baggage = Baggage::parse("user_id=u%2042");
/// assert_eq!(optional_member(&baggage, "user_id", 64).unwrap().as_deref(), Some("u 42"));
/// assert_eq!(optional_member(&baggage, "session_id", 64).unwrap(), None);
/// ```
pub fn optional_member(
    baggage: &Baggage,
    key: &'static str,
    max_len: usize,
) -> Result<Option<String>, CommonAttributesError> {
    super::carrier::optional(baggage, key, max_len)
}

/// The value of the baggage member `key`; [`CommonAttributesErrorKind::Missing`](super::CommonAttributesErrorKind::Missing) when it is
/// absent, else as [`optional_member`].
pub fn required_member(
    baggage: &Baggage,
    key: &'static str,
    max_len: usize,
) -> Result<String, CommonAttributesError> {
    super::carrier::required(baggage, key, max_len)
}

/// Sets the baggage member `key` to `value`, replacing members with that key. A key that is
/// not a baggage token, or a member that would pass the baggage limits, is skipped: never a
/// panic. Returns whether the member was set.
pub fn insert_member(baggage: &mut Baggage, key: &'static str, value: &str) -> bool {
    BaggageMember::new(key, value)
        .and_then(|member| baggage.insert(member))
        .is_ok()
}
