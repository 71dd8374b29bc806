//! `error.type` of a failed span: low-cardinality, never the error's message.

use std::borrow::Cow;

/// Gives an error a stable, low-cardinality `error.type` (e.g. `rate_limited`, `timeout`).
/// Errors that do not implement it are reported by their type's name.
///
/// # What a failed span records
///
/// An error's `Display` text often quotes what failed: a prompt in a content-policy
/// rejection, a body in "invalid JSON in ...", a request echoed by a 400. So it is content,
/// and enters a span only when content capture includes spans
/// (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY` or `SPAN_AND_EVENT`),
/// truncated to the content size limit. Otherwise a failed `#[llm_span]`,
/// `#[cloudevent_handler]`, CloudEvents producer or outbound HTTP span carries:
///
/// - `error.type`: [`error_type`](Self::error_type), or the error type's name;
/// - an `exception` event with `exception.type` (the same value) and `exception.message`
///   only when [`safe_message`](Self::safe_message) gives one;
/// - status `ERROR` with that safe message as its description, or none.
///
/// ```
/// use std::borrow::Cow;
/// use telemetry_runtime::span::ErrorType;
///
/// #[derive(Debug)]
/// enum ProviderError { RateLimited { retry_after_s: u32 }, Rejected(String) }
///
/// impl ErrorType for ProviderError {
///     fn error_type(&self) -> Cow<'static, str> {
///         match self {
///             ProviderError::RateLimited { .. } => "rate_limited".into(),
///             ProviderError::Rejected(_) => "content_filter".into(),
///         }
///     }
///     // Known to hold no content: recorded even with capture off.
///     fn safe_message(&self) -> Option<Cow<'static, str>> {
///         match self {
///             ProviderError::RateLimited { retry_after_s } => {
///                 Some(format!("rate limited, retry after {retry_after_s} s").into())
///             }
///             ProviderError::Rejected(_) => None, // quotes the prompt
///         }
///     }
/// }
/// ```
pub trait ErrorType {
    /// The value of `error.type`.
    fn error_type(&self) -> Cow<'static, str>;

    /// A message known to carry no content (no prompt, completion, body or credential),
    /// recorded as `exception.message` and the status description even when content capture
    /// is off. Default: none.
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        None
    }
}

impl<E: ErrorType + ?Sized> ErrorType for &E {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        (**self).safe_message()
    }
}
impl<E: ErrorType + ?Sized> ErrorType for Box<E> {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        (**self).safe_message()
    }
}
impl<E: ErrorType + ?Sized> ErrorType for std::sync::Arc<E> {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        (**self).safe_message()
    }
}
impl<E: ErrorType + ?Sized> ErrorType for std::rc::Rc<E> {
    fn error_type(&self) -> Cow<'static, str> {
        (**self).error_type()
    }
    fn safe_message(&self) -> Option<Cow<'static, str>> {
        (**self).safe_message()
    }
}

/// Wraps an error for the probes below (autoref specialisation: the generated code calls
/// `(&&ErrorProbe(e)).error_type_of()` and gets the most specific implementation).
#[doc(hidden)]
pub struct ErrorProbe<'a, E: ?Sized>(pub &'a E);

#[doc(hidden)]
pub trait ViaErrorType {
    fn error_type_of(&self) -> Cow<'static, str>;
    fn safe_message_of(&self) -> Option<Cow<'static, str>>;
}
impl<E: ErrorType + ?Sized> ViaErrorType for &ErrorProbe<'_, E> {
    fn error_type_of(&self) -> Cow<'static, str> {
        self.0.error_type()
    }
    fn safe_message_of(&self) -> Option<Cow<'static, str>> {
        self.0.safe_message()
    }
}

#[doc(hidden)]
pub trait ViaTypeName {
    fn error_type_of(&self) -> Cow<'static, str>;
    fn safe_message_of(&self) -> Option<Cow<'static, str>>;
}
impl<E: ?Sized> ViaTypeName for ErrorProbe<'_, E> {
    fn error_type_of(&self) -> Cow<'static, str> {
        Cow::Borrowed(short_type_name(std::any::type_name::<E>()))
    }
    fn safe_message_of(&self) -> Option<Cow<'static, str>> {
        None
    }
}

/// The error's `Display` text, only when content capture includes spans (see
/// [`ErrorType`]).
#[doc(hidden)]
pub trait ViaDisplay {
    fn message_of(&self) -> Option<String>;
}
impl<E: std::fmt::Display + ?Sized> ViaDisplay for &ErrorProbe<'_, E> {
    fn message_of(&self) -> Option<String> {
        crate::redaction::span_error_message(&self.0)
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

/// The `error.type` of a type that has no better name: a trait object (`Box<dyn Error>`).
const OTHER: &str = "_OTHER";

/// Smart pointers whose pointee is the error: `Box<E>` reports `E`.
const POINTERS: [&str; 3] = ["alloc::boxed::Box<", "alloc::sync::Arc<", "alloc::rc::Rc<"];

/// `my_crate::errors::LlmError<T>` -> `LlmError`; `Box<my::E>` -> `E`; `Box<dyn Error>` ->
/// `_OTHER`.
pub(crate) fn short_type_name(full: &'static str) -> &'static str {
    let mut ty = full;
    loop {
        ty = ty.trim_start_matches('&').trim_start_matches("mut ");
        match POINTERS.iter().find_map(|p| ty.strip_prefix(p)) {
            Some(inner) => ty = first_type_argument(inner),
            None => break,
        }
    }
    if ty.starts_with("dyn ") || ty.starts_with("(dyn ") {
        return OTHER;
    }
    let base = ty.split('<').next().unwrap_or(ty);
    base.rsplit("::").next().unwrap_or(base)
}

/// `A<B, C>, D>` (what follows `Ptr<`) -> `A<B, C>`.
fn first_type_argument(args: &'static str) -> &'static str {
    let mut depth = 0usize;
    for (i, c) in args.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' if depth == 0 => return args[..i].trim(),
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => return args[..i].trim(),
            _ => {}
        }
    }
    args.trim()
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
        assert_eq!(short_type_name("alloc::boxed::Box<a::Timeout>"), "Timeout");
        assert_eq!(
            short_type_name("alloc::sync::Arc<alloc::boxed::Box<a::C<d::E, f::G>>>"),
            "C"
        );
        assert_eq!(
            short_type_name("alloc::boxed::Box<dyn core::error::Error + core::marker::Send>"),
            "_OTHER"
        );
        assert_eq!(short_type_name("&dyn core::error::Error"), "_OTHER");
        assert_eq!(short_type_name("&mut a::B"), "B");
        assert_eq!(
            (&&ErrorProbe(&Box::new(Timeout))).error_type_of(),
            "timeout"
        );
        assert_eq!((&&ErrorProbe(&Box::new(Opaque))).error_type_of(), "Opaque");
        let dynamic: Box<dyn std::error::Error> = "x".into();
        assert_eq!((&&ErrorProbe(&dynamic)).error_type_of(), "_OTHER");
    }

    #[test]
    fn message_uses_display_only_when_content_enters_spans() {
        assert_eq!((&&ErrorProbe(&Timeout)).message_of(), None);
        crate::redaction::content_policy::set_mode(crate::config::ContentCapture::SpanOnly);
        assert!(
            (&&ErrorProbe(&Timeout))
                .message_of()
                .unwrap()
                .starts_with("timed out")
        );
        assert_eq!((&&ErrorProbe(&Opaque)).message_of(), None);
        crate::redaction::content_policy::set_mode(crate::config::ContentCapture::EventOnly);
        assert_eq!((&&ErrorProbe(&Timeout)).message_of(), None);
        crate::redaction::content_policy::set_mode(crate::config::ContentCapture::NoContent);
    }

    #[test]
    fn safe_messages_come_from_the_trait() {
        struct Limited;
        impl ErrorType for Limited {
            fn error_type(&self) -> Cow<'static, str> {
                "rate_limited".into()
            }
            fn safe_message(&self) -> Option<Cow<'static, str>> {
                Some("retry after 3 s".into())
            }
        }
        assert_eq!(
            (&&ErrorProbe(&Limited)).safe_message_of().as_deref(),
            Some("retry after 3 s")
        );
        assert_eq!(
            (&&ErrorProbe(&Box::new(Limited)))
                .safe_message_of()
                .as_deref(),
            Some("retry after 3 s")
        );
        assert_eq!((&&ErrorProbe(&Timeout)).safe_message_of(), None);
        assert_eq!((&&ErrorProbe(&Opaque)).safe_message_of(), None);
    }
}
