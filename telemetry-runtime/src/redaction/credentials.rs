//! Credentials in URLs: `user:password@` in an endpoint stays out of `status()`, errors and
//! warnings.

use std::borrow::Cow;

/// `text` with the user information of every URL in it (`https://user:secret@host/`)
/// replaced by `REDACTED@`. Text without any is returned as it is.
pub(crate) fn scrub_userinfo(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let authority_start = at + 3;
        let authority_len = rest[authority_start..]
            .find(|c: char| {
                matches!(c, '/' | '?' | '#') || c.is_whitespace() || c == '\'' || c == '"'
            })
            .unwrap_or(rest.len() - authority_start);
        let authority = &rest[authority_start..authority_start + authority_len];
        out.push_str(&rest[..authority_start]);
        match authority.rfind('@') {
            Some(user_end) => {
                out.push_str("REDACTED");
                out.push_str(&authority[user_end..]);
                changed = true;
            }
            None => out.push_str(authority),
        }
        rest = &rest[authority_start + authority_len..];
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(rest);
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
    }
}
