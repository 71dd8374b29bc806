//! [`CommonAttributesError`]: why a request's identifiers could not be read.

pub use crate::propagation::Carrier;
use std::borrow::Cow;
use std::fmt;

/// Why a value of a [`CommonAttributes`](super::CommonAttributes) type could not be built: the
/// header (or other carrier key) it came from, and what was wrong with it.
///
/// Its `Display` is written for the client: the HTTP layer answers `400 Bad Request` with it as
/// the body, for example ``missing required header `x-assistant-id` `` (or, for a value read
/// from baggage, ``missing required baggage member `assistant_id` ``).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonAttributesError {
    header: Cow<'static, str>,
    carrier: Carrier,
    kind: CommonAttributesErrorKind,
}

/// What was wrong with a value; see [`CommonAttributesError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommonAttributesErrorKind {
    /// A required value is absent.
    Missing,
    /// The value is empty (or only whitespace).
    Empty,
    /// The header was sent more than once, so which value counts is ambiguous.
    Repeated,
    /// The value is longer than allowed.
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The most bytes allowed.
        max: usize,
    },
    /// The value contains a control character (`char::is_control`: C0, DEL, C1, tab).
    ControlCharacter {
        /// The byte offset of the first one.
        index: usize,
    },
    /// The value is not valid UTF-8.
    NotUtf8,
    /// The value does not parse as the field's type.
    Invalid {
        /// Why, for the message.
        reason: Cow<'static, str>,
    },
}

impl CommonAttributesError {
    /// An error about the value of `header`.
    pub fn new(header: impl Into<Cow<'static, str>>, kind: CommonAttributesErrorKind) -> Self {
        Self {
            header: header.into(),
            carrier: Carrier::Header,
            kind,
        }
    }

    /// The same error about a value read from `carrier` (the default is [`Carrier::Header`]).
    pub fn in_carrier(mut self, carrier: Carrier) -> Self {
        self.carrier = carrier;
        self
    }

    /// Where the value was read from.
    pub fn carrier(&self) -> Carrier {
        self.carrier
    }

    /// A required `header` is absent.
    pub fn missing(header: impl Into<Cow<'static, str>>) -> Self {
        Self::new(header, CommonAttributesErrorKind::Missing)
    }

    /// The value of `header` does not parse: `reason` says why.
    pub fn invalid(
        header: impl Into<Cow<'static, str>>,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(
            header,
            CommonAttributesErrorKind::Invalid {
                reason: reason.into(),
            },
        )
    }

    /// The header (or carrier key) the value came from.
    pub fn header(&self) -> &str {
        &self.header
    }

    /// What was wrong.
    pub fn kind(&self) -> &CommonAttributesErrorKind {
        &self.kind
    }
}

impl fmt::Display for CommonAttributesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = &self.header;
        let noun = self.carrier.noun();
        match &self.kind {
            CommonAttributesErrorKind::Missing => write!(f, "missing required {noun} `{header}`"),
            CommonAttributesErrorKind::Empty => write!(f, "{noun} `{header}` is empty"),
            CommonAttributesErrorKind::Repeated => {
                write!(f, "{noun} `{header}` is sent more than once")
            }
            CommonAttributesErrorKind::TooLong { len, max } => write!(
                f,
                "{noun} `{header}` is too long: {len} bytes, at most {max} allowed"
            ),
            CommonAttributesErrorKind::ControlCharacter { index } => write!(
                f,
                "{noun} `{header}` contains a control character at byte {index}"
            ),
            CommonAttributesErrorKind::NotUtf8 => write!(f, "{noun} `{header}` is not valid UTF-8"),
            CommonAttributesErrorKind::Invalid { reason } => {
                write!(f, "{noun} `{header}` is invalid: {reason}")
            }
        }
    }
}

impl std::error::Error for CommonAttributesError {}
