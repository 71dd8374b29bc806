//! `error.type` of a failed span: low-cardinality, never the error's message.

use std::borrow::Cow;

/// Gives an error a stable, low-cardinality `error.type` (e.g. `rate_limited`, `timeout`).
/// Errors that do not implement it are reported by their type's name.
pub trait ErrorType {
    /// The value of `error.type`.
    fn error_type(&self) -> Cow<'static, str>;
}

/// Wraps an error for the probes below (autoref specialisation: the generated code calls
/// `(&&ErrorProbe(e)).error_type_of()` and gets the most specific implementation).
#[doc(hidden)]
pub struct ErrorProbe<'a, E: ?Sized>(pub &'a E);

#[doc(hidden)]
pub trait ViaErrorType {
    fn error_type_of(&self) -> Cow<'static, str>;
}
impl<E: ErrorType + ?Sized> ViaErrorType for &ErrorProbe<'_, E> {
    fn error_type_of(&self) -> Cow<'static, str> {
        self.0.error_type()
    }
}

#[doc(hidden)]
pub trait ViaTypeName {
    fn error_type_of(&self) -> Cow<'static, str>;
}
impl<E: ?Sized> ViaTypeName for ErrorProbe<'_, E> {
    fn error_type_of(&self) -> Cow<'static, str> {
        Cow::Borrowed(short_type_name(std::any::type_name::<E>()))
    }
}

#[doc(hidden)]
pub trait ViaDisplay {
    fn message_of(&self) -> Option<String>;
}
impl<E: std::fmt::Display + ?Sized> ViaDisplay for &ErrorProbe<'_, E> {
    fn message_of(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

#[doc(hidden)]
pub trait ViaNothing {
    fn message_of(&self) -> Option<String>;
}
impl<E: ?Sized> ViaNothing for ErrorProbe<'_, E> {
    fn message_of(&self) -> Option<String> {
        None
    }
}

/// `my_crate::errors::LlmError<T>` -> `LlmError`.
fn short_type_name(full: &'static str) -> &'static str {
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

#[cfg(test)]
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Timeout;
    impl std::fmt::Display for Timeout {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("timed out after 30 s talking to https://api.example.com")
        }
    }
    impl ErrorType for Timeout {
        fn error_type(&self) -> Cow<'static, str> {
            "timeout".into()
        }
    }
    struct Opaque;

    #[test]
    fn error_type_prefers_the_trait_and_falls_back_to_the_type_name() {
        assert_eq!((&&ErrorProbe(&Timeout)).error_type_of(), "timeout");
        assert_eq!((&&ErrorProbe(&Opaque)).error_type_of(), "Opaque");
        assert_eq!(
            (&&ErrorProbe(&std::io::Error::other("x"))).error_type_of(),
            "Error"
        );
        assert_eq!(short_type_name("a::b::C<d::E>"), "C");
    }

    #[test]
    fn message_uses_display_when_there_is_one() {
        assert!(
            (&&ErrorProbe(&Timeout))
                .message_of()
                .unwrap()
                .starts_with("timed out")
        );
        assert_eq!((&&ErrorProbe(&Opaque)).message_of(), None);
    }
}
