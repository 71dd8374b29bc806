//! Credentials in URLs: `user:password@` in an endpoint stays out of `status()`, errors and
//! warnings.

use std::borrow::Cow;

/// `text` with the user information of every URL in it (`https://user:secret@host/`, and a
/// value without a scheme such as `user:secret@host:4318`) replaced by `REDACTED`, up to the
/// last `@` of each word: a password with `#`, `?` or `/` in it is covered too. Text without
/// any `@` is returned as it is.
pub(crate) fn scrub_userinfo(text: &str) -> Cow<'_, str> {
    if !text.contains('@') {
        return Cow::Borrowed(text);
    }
    let is_delimiter =
        |c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '`' | '(' | ')' | '<' | '>' | ',');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(is_delimiter).unwrap_or(rest.len());
        let word = &rest[..word_end];
        match word.rfind('@') {
            Some(at) => {
                let start = word.find("://").map_or(0, |i| i + 3).min(at);
                out.push_str(&word[..start]);
                out.push_str("REDACTED");
                out.push_str(&word[at..]);
            }
            None => out.push_str(word),
        }
        let delimiter_len = rest[word_end..].chars().next().map_or(0, char::len_utf8);
        out.push_str(&rest[word_end..word_end + delimiter_len]);
        rest = &rest[word_end + delimiter_len..];
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_information_is_replaced_wherever_a_url_stands() {
        assert_eq!(
            scrub_userinfo("https://alice:s3cret@collector:4318/v1/traces"),
            "https://REDACTED@collector:4318/v1/traces"
        );
        assert_eq!(
            scrub_userinfo("invalid endpoint 'http://tok@h' and http://u:p@x/y?z"),
            "invalid endpoint 'http://REDACTED@h' and http://REDACTED@x/y?z"
        );
        assert_eq!(scrub_userinfo("http://h:4317"), "http://h:4317");
        assert!(matches!(scrub_userinfo("no url"), Cow::Borrowed(_)));
        assert_eq!(scrub_userinfo("://@"), "://REDACTED@");
        // No scheme, and passwords with URL delimiters in them.
        assert_eq!(
            scrub_userinfo("`alice:s3cret@collector:4318` is not a URL"),
            "`REDACTED@collector:4318` is not a URL"
        );
        assert_eq!(scrub_userinfo("https://u:p#ss@h/x"), "https://REDACTED@h/x");
        assert_eq!(scrub_userinfo("https://u:p/q?s@h"), "https://REDACTED@h");
        assert_eq!(scrub_userinfo("héllo wörld@x"), "héllo REDACTED@x");
    }
}
