//! Percent decoding of `%XX` escapes, as W3C baggage and URL queries use them (`+` stays a
//! `+`). A foundation: config, propagation and the HTTP attributes read it.

/// Why a percent-encoded value cannot be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

/// Decodes `%XX` escapes (W3C baggage style: `+` stays a `+`).
pub(crate) fn percent_decode(value: &str) -> Result<String, DecodeError> {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                _ => return Err(DecodeError::BadEscape),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b%2Cc%3d"), Ok("a b,c=".to_owned()));
        assert_eq!(percent_decode("a+b"), Ok("a+b".to_owned()));
        assert_eq!(percent_decode("caf%C3%A9"), Ok("café".to_owned()));
        assert_eq!(percent_decode("100%"), Err(DecodeError::BadEscape));
        assert_eq!(percent_decode("%4"), Err(DecodeError::BadEscape));
        assert_eq!(percent_decode("%zz"), Err(DecodeError::BadEscape));
        assert_eq!(percent_decode("%FF"), Err(DecodeError::NotUtf8));
    }
}
