//! One carrier abstraction for identifier values: every value of a key, and insert. HTTP
//! headers, W3C baggage and CloudEvents extension attributes implement it, and the readers and
//! writers of `CommonAttributes` (the derive's and hand-written ones) go through it, so each
//! value is validated the same way whatever carries it.

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue};

use super::error::{Carrier, CommonAttributesError, CommonAttributesErrorKind};
use super::extensions::{ExtensionSink, ExtensionSource};
use super::headers::{single, validate_value};
use crate::propagation::{Baggage, BaggageMember};

/// A value a carrier holds that is not text (a header value that is not UTF-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotText;

/// Where identifier values are read from.
pub trait ValueSource {
    /// Which carrier this is, for the errors.
    const CARRIER: Carrier;

    /// Every value of `key`, in order.
    fn values(&self, key: &str) -> Vec<Result<Cow<'_, str>, NotText>>;
}

/// Where identifier values are written to.
pub trait ValueSink {
    /// Sets `key` to `value`, replacing what was there; a key or value the carrier cannot hold
    /// is skipped, never a panic.
    fn insert_value(&mut self, key: &'static str, value: &str);
}

/// The value of `key`, validated (not empty, at most `max_len` bytes, no control character);
/// `None` when absent; an error when it is given twice or is invalid.
pub fn optional<C: ValueSource + ?Sized>(
    carrier: &C,
    key: &'static str,
    max_len: usize,
) -> Result<Option<String>, CommonAttributesError> {
    let Some(value) = single(carrier.values(key).into_iter(), key, C::CARRIER)? else {
        return Ok(None);
    };
    let value = value.map_err(|NotText| {
        CommonAttributesError::new(key, CommonAttributesErrorKind::NotUtf8).in_carrier(C::CARRIER)
    })?;
    validate_value(key, &value, max_len).map_err(|e| e.in_carrier(C::CARRIER))?;
    Ok(Some(value.into_owned()))
}

/// [`optional`], with an absent value an error.
pub fn required<C: ValueSource + ?Sized>(
    carrier: &C,
    key: &'static str,
    max_len: usize,
) -> Result<String, CommonAttributesError> {
    optional(carrier, key, max_len)?
        .ok_or_else(|| CommonAttributesError::missing(key).in_carrier(C::CARRIER))
}

/// Writes `value` under `key`.
pub fn insert<C: ValueSink + ?Sized>(carrier: &mut C, key: &'static str, value: &str) {
    carrier.insert_value(key, value);
}

impl ValueSource for HeaderMap {
    const CARRIER: Carrier = Carrier::Header;

    fn values(&self, key: &str) -> Vec<Result<Cow<'_, str>, NotText>> {
        self.get_all(key)
            .iter()
            .map(|v| {
                std::str::from_utf8(v.as_bytes())
                    .map(Cow::Borrowed)
                    .map_err(|_| NotText)
            })
            .collect()
    }
}

impl ValueSink for HeaderMap {
    fn insert_value(&mut self, key: &'static str, value: &str) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.insert(name, value);
        }
    }
}

impl ValueSource for Baggage {
    const CARRIER: Carrier = Carrier::Baggage;

    fn values(&self, key: &str) -> Vec<Result<Cow<'_, str>, NotText>> {
        self.members()
            .iter()
            .filter(|m| m.key() == key)
            .map(|m| Ok(Cow::Borrowed(m.value())))
            .collect()
    }
}

impl ValueSink for Baggage {
    fn insert_value(&mut self, key: &'static str, value: &str) {
        if let Ok(member) = BaggageMember::new(key, value) {
            let _ = self.insert(member);
        }
    }
}

impl ValueSource for dyn ExtensionSource + '_ {
    const CARRIER: Carrier = Carrier::Extension;

    fn values(&self, key: &str) -> Vec<Result<Cow<'_, str>, NotText>> {
        self.extension_value(key).map(Ok).into_iter().collect()
    }
}

impl ValueSink for dyn ExtensionSink + '_ {
    fn insert_value(&mut self, key: &'static str, value: &str) {
        self.set_extension_value(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A carrier of the application's own: message headers as pairs.
    struct Pairs(Vec<(&'static str, &'static str)>);

    impl ValueSource for Pairs {
        const CARRIER: Carrier = Carrier::Header;
        fn values(&self, key: &str) -> Vec<Result<Cow<'_, str>, NotText>> {
            self.0
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| Ok(Cow::Borrowed(*v)))
                .collect()
        }
    }

    #[test]
    fn every_carrier_validates_the_same_way() {
        let pairs = Pairs(vec![("x-id", "a"), ("x-twice", "1"), ("x-twice", "2")]);
        assert_eq!(optional(&pairs, "x-id", 8).unwrap().as_deref(), Some("a"));
        assert_eq!(optional(&pairs, "x-none", 8).unwrap(), None);
        assert_eq!(
            optional(&pairs, "x-twice", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::Repeated
        );
        let baggage = Baggage::parse("k=%20,long=abcdefghij");
        let empty = required(&baggage, "k", 8).unwrap_err();
        assert_eq!(empty.kind(), &CommonAttributesErrorKind::Empty);
        assert_eq!(empty.carrier(), Carrier::Baggage);
        let long = required(&baggage, "long", 8).unwrap_err();
        assert!(matches!(
            long.kind(),
            CommonAttributesErrorKind::TooLong { len: 10, max: 8 }
        ));
        let mut headers = HeaderMap::new();
        insert(&mut headers, "x-id", "v");
        insert(&mut headers, "x-id", "w");
        insert(&mut headers, "x-bad", "line\nbreak");
        assert_eq!(required(&headers, "x-id", 8).unwrap(), "w");
        assert_eq!(optional(&headers, "x-bad", 8).unwrap(), None);
        headers.append("x-bin", HeaderValue::from_bytes(b"\xff").unwrap());
        assert_eq!(
            optional(&headers, "x-bin", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::NotUtf8
        );
    }
}
