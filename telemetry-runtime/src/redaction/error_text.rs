//! Error text: an error's `Display` often quotes what it failed on (a prompt, a body, a
//! URL), so it is content. It enters telemetry only when content capture allows it; what is
//! recorded otherwise is the error's type.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};

/// The text of an error for a span (`exception.message`, the status description): its
/// `Display`, truncated to the content size limit, when content may enter spans; `None`
/// otherwise.
pub(crate) fn span_error_message(error: &dyn Display) -> Option<String> {
    error_text(
        error,
        crate::redaction::content_policy::spans_carry_content(),
        crate::redaction::content_policy::max_bytes(),
    )
}

/// The text of an error: its `Display` when `pass` (content may enter where it goes),
/// truncated to `max_bytes`.
pub(crate) fn error_text(error: &dyn Display, pass: bool, max_bytes: usize) -> Option<String> {
    pass.then(|| {
        let mut text = error.to_string();
        super::text::truncate_owned(&mut text, max_bytes);
        text
    })
}

/// `exception.type` of an error known only as `dyn Error`: `std::io::Error` and the other
/// standard errors by name; otherwise the type name that a derived `Debug` starts with
/// (`Timeout`, `ProviderError`), or `_OTHER`. Only that leading name is read from `Debug`:
/// the rest, which may quote content, is never formatted into memory.
pub(crate) fn error_type_name(error: &(dyn std::error::Error + 'static)) -> Cow<'static, str> {
    macro_rules! std_errors {
        ($($ty:ty => $name:literal),* $(,)?) => {
            $(if error.is::<$ty>() { return Cow::Borrowed($name); })*
        };
    }
    std_errors! {
        std::io::Error => "std::io::Error",
        std::fmt::Error => "std::fmt::Error",
        std::num::ParseIntError => "std::num::ParseIntError",
        std::num::ParseFloatError => "std::num::ParseFloatError",
        std::str::Utf8Error => "std::str::Utf8Error",
        std::string::FromUtf8Error => "std::string::FromUtf8Error",
        serde_json::Error => "serde_json::Error",
    }
    let mut name = LeadingName::default();
    let _ = write!(name, "{error:?}");
    // A derived `Debug` is `Name`, `Name(..)` or `Name { .. }`: anything else (a `Debug` that
    // writes the message) gives no name, so no word of the message becomes the type.
    let derived = matches!(name.after.as_str(), "" | "(" | " {") && !name.overflow;
    if derived
        && name
            .name
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    {
        Cow::Owned(name.name)
    } else {
        Cow::Borrowed("_OTHER")
    }
}

/// Keeps the identifier (with `::` paths) a text starts with and the two characters after
/// it, then stops the formatting.
#[derive(Default)]
struct LeadingName {
    name: String,
    after: String,
    overflow: bool,
}

/// The longest type name kept.
const MAX_NAME: usize = 128;

impl fmt::Write for LeadingName {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let ident = c.is_ascii_alphanumeric() || c == '_' || c == ':';
            if self.after.is_empty() && ident {
                if self.name.len() == MAX_NAME {
                    self.overflow = true;
                    return Err(fmt::Error);
                }
                self.name.push(c);
            } else {
                self.after.push(c);
                if self.after.len() >= 2 || c == '(' {
                    return Err(fmt::Error);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct ProviderError {
        #[allow(dead_code)]
        body: String,
    }
    impl Display for ProviderError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "rejected: {}", self.body)
        }
    }
    impl std::error::Error for ProviderError {}

    #[test]
    fn error_types_are_named_without_their_text() {
        let e = ProviderError {
            body: "CANARY".into(),
        };
        assert_eq!(error_type_name(&e), "ProviderError");
        // A `Debug` that writes the message names no type.
        struct Plain;
        impl fmt::Debug for Plain {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("sk_live_abc123 rejected")
            }
        }
        impl Display for Plain {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("x")
            }
        }
        impl std::error::Error for Plain {}
        assert_eq!(error_type_name(&Plain), "_OTHER");
        #[derive(Debug)]
        struct Tuple(#[allow(dead_code)] u8);
        impl Display for Tuple {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("x")
            }
        }
        impl std::error::Error for Tuple {}
        assert_eq!(error_type_name(&Tuple(1)), "Tuple");
        assert_eq!(
            error_type_name(&std::io::Error::other("CANARY")),
            "std::io::Error"
        );
        let boxed: Box<dyn std::error::Error> = "CANARY".into();
        assert_eq!(error_type_name(boxed.as_ref()), "_OTHER");
    }

    #[test]
    fn error_text_only_when_content_passes() {
        let e = ProviderError {
            body: "CANARY".into(),
        };
        assert_eq!(error_text(&e, false, 100), None);
        assert_eq!(
            error_text(&e, true, 100).as_deref(),
            Some("rejected: CANARY")
        );
        assert_eq!(error_text(&e, true, 4).as_deref(), Some("reje"));
    }
}
