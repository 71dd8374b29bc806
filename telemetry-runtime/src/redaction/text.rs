//! Text as it may enter telemetry: truncated on a character boundary.

/// `text` cut to at most `max` bytes, on a UTF-8 character boundary.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// [`truncate`] in place.
pub(crate) fn truncate_owned(text: &mut String, max: usize) {
    let len = truncate(text, max).len();
    text.truncate(len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
        assert_eq!(truncate("abc", 10), "abc");
        assert_eq!(truncate("abc", 0), "");
        let mut s = String::from("日本語");
        truncate_owned(&mut s, 4);
        assert_eq!(s, "日");
    }
}
