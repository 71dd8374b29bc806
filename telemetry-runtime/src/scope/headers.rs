//! Reading and writing identifier values in HTTP headers, with the validation every
//! [`CommonAttributes`](super::CommonAttributes) implementation shares.

use http::HeaderMap;

use super::error::{CommonAttributesError, CommonAttributesErrorKind};

/// The longest value accepted by default, in bytes.
pub const DEFAULT_MAX_VALUE_LEN: usize = 256;

/// Checks one identifier value: not empty (after trimming spaces and tabs), at most `max_len`
/// bytes, no control character. `header` names it in the error.
///
/// ```
/// use telemetry_runtime::scope::{CommonAttributesErrorKind, validate_value};
///
/// assert!(validate_value("x-user-id", "u-42", 64).is_ok());
/// let err = validate_value("x-user-id", "u\u{7f}42", 64).unwrap_err();
/// assert_eq!(err.kind(), &CommonAttributesErrorKind::ControlCharacter { index: 1 });
/// ```
pub fn validate_value(
    header: &'static str,
    value: &str,
    max_len: usize,
) -> Result<(), CommonAttributesError> {
    if value.trim_matches([' ', '\t']).is_empty() {
        return Err(CommonAttributesError::new(
            header,
            CommonAttributesErrorKind::Empty,
        ));
    }
    if value.len() > max_len {
        return Err(CommonAttributesError::new(
            header,
            CommonAttributesErrorKind::TooLong {
                len: value.len(),
                max: max_len,
            },
        ));
    }
    if let Some((index, _)) = value.char_indices().find(|(_, c)| c.is_control()) {
        return Err(CommonAttributesError::new(
            header,
            CommonAttributesErrorKind::ControlCharacter { index },
        ));
    }
    Ok(())
}

/// The value of `header`, or `None` when it is absent; an error when it is sent more than
/// once, is not UTF-8, or fails [`validate_value`].
pub fn optional_header(
    headers: &HeaderMap,
    header: &'static str,
    max_len: usize,
) -> Result<Option<String>, CommonAttributesError> {
    super::carrier::optional(headers, header, max_len)
}

/// The value of `header`; [`CommonAttributesErrorKind::Missing`] when it is absent, else as
/// [`optional_header`].
pub fn required_header(
    headers: &HeaderMap,
    header: &'static str,
    max_len: usize,
) -> Result<String, CommonAttributesError> {
    super::carrier::required(headers, header, max_len)
}

/// Sets `header` to `value` in `headers`, replacing earlier values. A name or value HTTP
/// cannot carry (an upper-case or invalid name, a line break) is skipped: never a panic.
pub fn insert_header(headers: &mut HeaderMap, header: &'static str, value: &str) {
    super::carrier::insert(headers, header, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn map(values: &[(&'static str, &[u8])]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in values {
            headers.append(*name, HeaderValue::from_bytes(value).unwrap());
        }
        headers
    }

    #[test]
    fn reads_and_validates() {
        let h = map(&[("x-a", b"one"), ("x-b", b"two"), ("x-b", b"three")]);
        assert_eq!(required_header(&h, "x-a", 8).unwrap(), "one");
        assert_eq!(optional_header(&h, "x-none", 8).unwrap(), None);
        assert_eq!(
            required_header(&h, "x-none", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::Missing
        );
        assert_eq!(
            required_header(&h, "x-b", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::Repeated
        );
        assert_eq!(
            required_header(&h, "x-a", 2).unwrap_err().kind(),
            &CommonAttributesErrorKind::TooLong { len: 3, max: 2 }
        );
        let h = map(&[
            ("x-tab", b"a\tb"),
            ("x-empty", b" "),
            ("x-bytes", b"\xff"),
            ("x-utf8", "é".as_bytes()),
        ]);
        assert_eq!(
            required_header(&h, "x-tab", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::ControlCharacter { index: 1 }
        );
        assert_eq!(
            required_header(&h, "x-empty", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::Empty
        );
        assert_eq!(
            required_header(&h, "x-bytes", 8).unwrap_err().kind(),
            &CommonAttributesErrorKind::NotUtf8
        );
        assert_eq!(required_header(&h, "x-utf8", 8).unwrap(), "é");
        // C1 controls are control characters too.
        assert!(validate_value("x", "a\u{85}", 8).is_err());
    }

    #[test]
    fn messages_name_the_header() {
        let h = HeaderMap::new();
        assert_eq!(
            required_header(&h, "x-assistant-id", 8)
                .unwrap_err()
                .to_string(),
            "missing required header `x-assistant-id`"
        );
        assert_eq!(
            validate_value("x-user-id", "abcdef", 4)
                .unwrap_err()
                .to_string(),
            "header `x-user-id` is too long: 6 bytes, at most 4 allowed"
        );
    }

    #[test]
    fn insert_never_panics() {
        let mut h = HeaderMap::new();
        insert_header(&mut h, "x-ok", "v");
        insert_header(&mut h, "X-Upper", "v");
        insert_header(&mut h, "bad name", "v");
        insert_header(&mut h, "x-line", "a\nb");
        assert_eq!(h.len(), 2);
        assert_eq!(h["x-ok"], "v");
        assert_eq!(h["x-upper"], "v");
    }
}
