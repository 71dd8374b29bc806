//! Identifier values over the one carrier abstraction ([`ValueSource`] / [`ValueSink`], in
//! `propagation`): [`optional`], [`required`] and [`insert`] validate a value the same way
//! whatever carries it, and the readers and writers of `CommonAttributes` (the derive's and
//! hand-written ones) go through them. W3C baggage and CloudEvents extension attributes are
//! carriers here; HTTP headers and the message transports are in `propagation` and beside
//! their integrations.

use std::borrow::Cow;
use std::ops::ControlFlow;

use super::error::{CommonAttributesError, CommonAttributesErrorKind};
use super::extensions::{ExtensionSink, ExtensionSource};
use super::headers::validate_value;
use crate::propagation::{Baggage, BaggageMember};
pub use crate::propagation::{Carrier, NotText, ValueSink, ValueSource};

/// The value of `key`, validated (not empty, at most `max_len` bytes, no control character);
/// `None` when absent; an error when it is given twice or is invalid.
pub fn optional<C: ValueSource + ?Sized>(
    carrier: &C,
    key: &'static str,
    max_len: usize,
) -> Result<Option<String>, CommonAttributesError> {
    let error = |kind| CommonAttributesError::new(key, kind).in_carrier(C::CARRIER);
    let mut first = None;
    let mut repeated = false;
    carrier.for_each_value(key, &mut |value| {
        if first.is_some() {
            repeated = true;
            return ControlFlow::Break(());
        }
        first = Some(value);
        ControlFlow::Continue(())
    });
    if repeated {
        return Err(error(CommonAttributesErrorKind::Repeated));
    }
    let Some(value) = first else {
        return Ok(None);
    };
    let value = value.map_err(|NotText| error(CommonAttributesErrorKind::NotUtf8))?;
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

impl ValueSource for Baggage {
    const CARRIER: Carrier = Carrier::Baggage;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        let _ = (self.members().iter())
            .filter(|m| m.key() == key)
            .map(|m| Ok(Cow::Borrowed(m.value())))
            .try_for_each(each);
    }

    fn keys(&self) -> Vec<&str> {
        self.members().iter().map(BaggageMember::key).collect()
    }
}

impl ValueSink for Baggage {
    fn insert_value(&mut self, key: &str, value: &str) {
        if let Ok(member) = BaggageMember::new(key, value) {
            let _ = self.insert(member);
        }
    }
}

impl ValueSource for dyn ExtensionSource + '_ {
    const CARRIER: Carrier = Carrier::Extension;

    fn for_each_value<'a>(
        &'a self,
        key: &str,
        each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
    ) {
        if let Some(value) = self.extension_value(key) {
            let _ = each(Ok(value));
        }
    }
}

impl ValueSink for dyn ExtensionSink + '_ {
    fn insert_value(&mut self, key: &str, value: &str) {
        self.set_extension_value(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue};

    /// A carrier of the application's own: message headers as pairs.
    struct Pairs(Vec<(&'static str, &'static str)>);

    impl ValueSource for Pairs {
        const CARRIER: Carrier = Carrier::Header;
        fn for_each_value<'a>(
            &'a self,
            key: &str,
            each: &mut dyn FnMut(Result<Cow<'a, str>, NotText>) -> ControlFlow<()>,
        ) {
            let _ = (self.0.iter())
                .filter(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| Ok(Cow::Borrowed(*v)))
                .try_for_each(each);
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
