//! The `traceparent` header: W3C Trace Context Level 2, §3.2.
//!
//! ```text
//! traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//!              ^^ ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ^^^^^^^^^^^^^^^^ ^^
//!         version trace-id (32 HEXDIGLC)           parent-id (16)   trace-flags
//! ```
//!
//! The parser works on bytes, never slices a `&str` at a computed index, and so cannot panic
//! on any input (multi-byte UTF-8 included).

use std::fmt;
use std::str::FromStr;

use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId};

use super::trim_ows;

/// The length of a version-`00` `traceparent` value: `2 + 1 + 32 + 1 + 16 + 1 + 2`.
pub const TRACEPARENT_LEN: usize = 55;

/// A parsed, valid `traceparent` header value.
///
/// Holds what every version of the header carries: the trace id, the parent (span) id and
/// the 8 bits of `trace-flags`, **all 8 kept as received** (see [`TraceParent::flags`]).
/// The version is not kept: [`TraceParent::to_header`] always writes version `00`, the
/// highest version this implementation knows (§3.2.4: "Vendors MUST use these fields to
/// construct the new traceparent field according to the highest version of the
/// specification known to the implementation").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TraceParent {
    /// The trace id (`trace-id`); never all zeros.
    pub trace_id: TraceId,
    /// The id of the caller's span (`parent-id`); never all zeros.
    pub parent_id: SpanId,
    /// `trace-flags`, all 8 bits as received: bit 0 is `sampled`
    /// ([`TraceParent::FLAG_SAMPLED`]), bit 1 is the Level 2 `random` trace-id flag
    /// ([`TraceParent::FLAG_RANDOM`]); the other bits are reserved by the spec and kept
    /// untouched here (mask with [`TraceParent::KNOWN_FLAGS`] to drop them).
    pub flags: u8,
}

/// Why a `traceparent` value (or set of values) was rejected. Every rejection means the same
/// thing to a receiver: ignore the header and start a new trace (§3.2.2.3, §3.2.2.4, §3.2.4).
///
/// The messages never echo the rejected input (it is attacker-controlled).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TraceContextError {
    /// The carrier had no `traceparent` value.
    Missing,
    /// The carrier had more than one `traceparent` value; the receiver cannot tell which one
    /// is right and starts a new trace.
    Duplicate,
    /// The value does not start with 2 lower-case hex digits followed by `-`.
    InvalidVersion,
    /// Version `ff`, which the spec forbids.
    ForbiddenVersion,
    /// Shorter than 55 characters, or (future version) the 55 characters are followed by
    /// something other than `-`.
    InvalidLength,
    /// Version `00` with data after the 55th character.
    TrailingData,
    /// A `-` is missing between trace-id, parent-id and trace-flags.
    InvalidDelimiter,
    /// trace-id is not 32 lower-case hex digits.
    InvalidTraceId,
    /// trace-id is all zeros.
    ZeroTraceId,
    /// parent-id is not 16 lower-case hex digits.
    InvalidParentId,
    /// parent-id is all zeros.
    ZeroParentId,
    /// trace-flags is not 2 lower-case hex digits.
    InvalidFlags,
}

impl fmt::Display for TraceContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "no traceparent header",
            Self::Duplicate => "more than one traceparent header",
            Self::InvalidVersion => "traceparent version is not 2 lower-case hex digits and '-'",
            Self::ForbiddenVersion => "traceparent version ff is forbidden",
            Self::InvalidLength => "traceparent has the wrong length",
            Self::TrailingData => "traceparent version 00 has data after its 55 characters",
            Self::InvalidDelimiter => "traceparent fields are not separated by '-'",
            Self::InvalidTraceId => "traceparent trace-id is not 32 lower-case hex digits",
            Self::ZeroTraceId => "traceparent trace-id is all zeros",
            Self::InvalidParentId => "traceparent parent-id is not 16 lower-case hex digits",
            Self::ZeroParentId => "traceparent parent-id is all zeros",
            Self::InvalidFlags => "traceparent trace-flags is not 2 lower-case hex digits",
        })
    }
}

impl std::error::Error for TraceContextError {}

impl TraceParent {
    /// Bit 0 of `trace-flags`: the caller may have recorded trace data (§3.2.2.5.1).
    pub const FLAG_SAMPLED: u8 = 0x01;
    /// Bit 1 of `trace-flags`: the right-most 7 bytes of the trace-id are random (Level 2,
    /// §3.2.2.5.2). An outgoing header that keeps the trace-id must keep this bit as received.
    pub const FLAG_RANDOM: u8 = 0x02;
    /// The flags this version of the spec defines (`sampled | random`); the other 6 bits are
    /// reserved (§3.2.2.5.3).
    pub const KNOWN_FLAGS: u8 = Self::FLAG_SAMPLED | Self::FLAG_RANDOM;

    /// A `traceparent` from its parts; `Err` if either id is all zeros.
    pub fn new(trace_id: TraceId, parent_id: SpanId, flags: u8) -> Result<Self, TraceContextError> {
        if trace_id == TraceId::INVALID {
            return Err(TraceContextError::ZeroTraceId);
        }
        if parent_id == SpanId::INVALID {
            return Err(TraceContextError::ZeroParentId);
        }
        Ok(Self {
            trace_id,
            parent_id,
            flags,
        })
    }

    /// Parses one `traceparent` header value.
    ///
    /// Rules (W3C Trace Context Level 2, §3.2.2 and §3.2.4):
    /// - optional whitespace (SP and HTAB only, RFC 9110 `OWS`) around the value is trimmed,
    ///   as an HTTP field value's surrounding whitespace is not part of it; any other
    ///   whitespace, or whitespace inside the value, makes it invalid;
    /// - every hex digit must be lower-case (`HEXDIGLC`); upper-case is invalid;
    /// - version `ff` is invalid;
    /// - version `00` must be exactly 55 characters: trailing data is invalid;
    /// - a higher version is parsed by its first 55 characters when the 56th is `-` (or
    ///   there is none), and anything after is ignored;
    /// - an all-zero trace-id or parent-id is invalid;
    /// - trace-flags are kept as received, all 8 bits.
    pub fn parse(value: &str) -> Result<Self, TraceContextError> {
        let v = trim_ows(value).as_bytes();

        // version = 2HEXDIGLC, followed by "-" (§3.2.4: otherwise restart the trace).
        let version = match (v.first(), v.get(1), v.get(2)) {
            (Some(&hi), Some(&lo), Some(&b'-')) => {
                hex_byte(hi, lo).ok_or(TraceContextError::InvalidVersion)?
            }
            _ => return Err(TraceContextError::InvalidVersion),
        };
        if version == 0xff {
            return Err(TraceContextError::ForbiddenVersion);
        }
        if v.len() < TRACEPARENT_LEN {
            return Err(TraceContextError::InvalidLength);
        }
        if version == 0 {
            if v.len() != TRACEPARENT_LEN {
                return Err(TraceContextError::TrailingData);
            }
        } else if v.len() > TRACEPARENT_LEN && v[TRACEPARENT_LEN] != b'-' {
            // §3.2.4: the 2 flag characters must be at the end of the string or followed by
            // a dash.
            return Err(TraceContextError::InvalidLength);
        }
        if v[35] != b'-' || v[52] != b'-' {
            return Err(TraceContextError::InvalidDelimiter);
        }

        let trace_id = decode_hex::<16>(&v[3..35]).ok_or(TraceContextError::InvalidTraceId)?;
        let parent_id = decode_hex::<8>(&v[36..52]).ok_or(TraceContextError::InvalidParentId)?;
        let flags = hex_byte(v[53], v[54]).ok_or(TraceContextError::InvalidFlags)?;

        Self::new(
            TraceId::from_bytes(trace_id),
            SpanId::from_bytes(parent_id),
            flags,
        )
    }

    /// Parses the `traceparent` values of one carrier: exactly one value is required. None is
    /// [`TraceContextError::Missing`]; two or more are [`TraceContextError::Duplicate`] (the
    /// receiver cannot tell which is right, so it starts a new trace).
    pub fn parse_values<I, S>(values: I) -> Result<Self, TraceContextError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut values = values.into_iter();
        let first = values.next().ok_or(TraceContextError::Missing)?;
        if values.next().is_some() {
            return Err(TraceContextError::Duplicate);
        }
        Self::parse(first.as_ref())
    }

    /// The header value: always version `00`, lower-case hex, flags as held.
    pub fn to_header(&self) -> String {
        let mut out = String::with_capacity(TRACEPARENT_LEN);
        out.push_str("00-");
        push_hex(&mut out, &self.trace_id.to_bytes());
        out.push('-');
        push_hex(&mut out, &self.parent_id.to_bytes());
        out.push('-');
        push_hex(&mut out, &[self.flags]);
        out
    }

    /// Whether the `sampled` flag (bit 0) is set.
    pub fn is_sampled(&self) -> bool {
        self.flags & Self::FLAG_SAMPLED != 0
    }

    /// Whether the Level 2 `random` trace-id flag (bit 1) is set.
    pub fn is_random(&self) -> bool {
        self.flags & Self::FLAG_RANDOM != 0
    }

    /// A remote [`SpanContext`] for this parent, with all 8 flag bits
    /// ([`TraceFlags::new`] keeps every bit) and the given trace state.
    pub fn to_span_context(&self, trace_state: opentelemetry::trace::TraceState) -> SpanContext {
        SpanContext::new(
            self.trace_id,
            self.parent_id,
            TraceFlags::new(self.flags),
            true,
            trace_state,
        )
    }

    /// The `traceparent` describing a span context (all 8 flag bits kept); `None` if its
    /// trace id or span id is invalid.
    pub fn from_span_context(span_context: &SpanContext) -> Option<Self> {
        Self::new(
            span_context.trace_id(),
            span_context.span_id(),
            span_context.trace_flags().to_u8(),
        )
        .ok()
    }
}

impl fmt::Display for TraceParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_header())
    }
}

impl FromStr for TraceParent {
    type Err = TraceContextError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The value of one lower-case hex digit (`HEXDIGLC`); upper-case is not accepted.
fn hex_lower(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

fn hex_byte(hi: u8, lo: u8) -> Option<u8> {
    Some((hex_lower(hi)? << 4) | hex_lower(lo)?)
}

fn decode_hex<const N: usize>(src: &[u8]) -> Option<[u8; N]> {
    if src.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(src.chunks_exact(2)) {
        *byte = hex_byte(pair[0], pair[1])?;
    }
    Some(out)
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const PARENT_ID: &str = "00f067aa0ba902b7";
    const SAMPLED: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const NOT_SAMPLED: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

    fn expected(flags: u8) -> TraceParent {
        TraceParent {
            trace_id: TraceId::from_hex(TRACE_ID).unwrap(),
            parent_id: SpanId::from_hex(PARENT_ID).unwrap(),
            flags,
        }
    }

    #[test]
    fn spec_examples_parse_and_round_trip() {
        // §3.2.3 "Examples of HTTP traceparent Headers".
        let sampled = TraceParent::parse(SAMPLED).unwrap();
        assert_eq!(sampled, expected(0x01));
        assert!(sampled.is_sampled());
        assert!(!sampled.is_random());
        assert_eq!(sampled.to_header(), SAMPLED);

        let not_sampled = TraceParent::parse(NOT_SAMPLED).unwrap();
        assert_eq!(not_sampled, expected(0x00));
        assert!(!not_sampled.is_sampled());
        assert_eq!(not_sampled.to_header(), NOT_SAMPLED);

        assert_eq!(SAMPLED.parse::<TraceParent>().unwrap().to_string(), SAMPLED);
    }

    #[test]
    fn upper_case_hex_is_invalid() {
        let cases = [
            (
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidTraceId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
                TraceContextError::InvalidParentId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
                TraceContextError::InvalidFlags,
            ),
            (
                "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidVersion,
            ),
        ];
        for (value, error) in cases {
            assert_eq!(TraceParent::parse(value), Err(error), "{value}");
        }
    }

    #[test]
    fn version_ff_is_invalid() {
        assert_eq!(
            TraceParent::parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Err(TraceContextError::ForbiddenVersion)
        );
        assert_eq!(
            TraceParent::parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz"),
            Err(TraceContextError::ForbiddenVersion)
        );
    }

    #[test]
    fn version_00_rejects_trailing_data() {
        for suffix in ["-", "-extra", "x", " x", "0", "-00f067aa0ba902b7"] {
            let value = format!("{SAMPLED}{suffix}");
            assert_eq!(
                TraceParent::parse(&value),
                Err(TraceContextError::TrailingData),
                "{value:?}"
            );
        }
    }

    #[test]
    fn future_version_is_parsed_by_its_first_55_characters() {
        // Exactly 55 characters.
        let tp =
            TraceParent::parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
        assert_eq!(tp, expected(0x01));
        // Downgraded to version 00 on the way out (§3.2.4, §3.4 "Downgrade the version").
        assert_eq!(tp.to_header(), SAMPLED);

        // Followed by '-' and unknown fields, which are ignored whatever they hold.
        for rest in ["-", "-what-the-future-will-be-like", "-ÄÖ\u{7f}", "-01-02"] {
            let value = format!("01-{TRACE_ID}-{PARENT_ID}-09{rest}");
            assert_eq!(TraceParent::parse(&value), Ok(expected(0x09)), "{value:?}");
        }

        // Followed by anything but '-': invalid.
        for rest in [".what", "0", "x-y", "Ä"] {
            let value = format!("01-{TRACE_ID}-{PARENT_ID}-01{rest}");
            assert_eq!(
                TraceParent::parse(&value),
                Err(TraceContextError::InvalidLength),
                "{value:?}"
            );
        }

        // Shorter than 55 characters: invalid.
        assert_eq!(
            TraceParent::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"),
            Err(TraceContextError::InvalidLength)
        );
        // A future version still needs valid ids.
        assert_eq!(
            TraceParent::parse("01-00000000000000000000000000000000-00f067aa0ba902b7-01-x"),
            Err(TraceContextError::ZeroTraceId)
        );
    }

    #[test]
    fn all_zero_ids_are_invalid() {
        assert_eq!(
            TraceParent::parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
            Err(TraceContextError::ZeroTraceId)
        );
        assert_eq!(
            TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
            Err(TraceContextError::ZeroParentId)
        );
        assert_eq!(
            TraceParent::new(TraceId::INVALID, SpanId::from(1), 1),
            Err(TraceContextError::ZeroTraceId)
        );
        assert_eq!(
            TraceParent::new(TraceId::from(1), SpanId::INVALID, 1),
            Err(TraceContextError::ZeroParentId)
        );
    }

    #[test]
    fn wrong_lengths_non_hex_and_delimiters_are_invalid() {
        let cases = [
            ("", TraceContextError::InvalidVersion),
            ("0", TraceContextError::InvalidVersion),
            ("00", TraceContextError::InvalidVersion),
            ("00-", TraceContextError::InvalidLength),
            (
                "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidVersion,
            ),
            (
                "000-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidVersion,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
                TraceContextError::InvalidLength,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",
                TraceContextError::TrailingData,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
                TraceContextError::InvalidLength,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
                TraceContextError::InvalidLength,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-001",
                TraceContextError::TrailingData,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
                TraceContextError::InvalidTraceId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
                TraceContextError::InvalidParentId,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                TraceContextError::InvalidFlags,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7--1",
                TraceContextError::InvalidFlags,
            ),
            (
                "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                TraceContextError::InvalidVersion,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
                TraceContextError::InvalidDelimiter,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
                TraceContextError::InvalidDelimiter,
            ),
            (
                "00-4bf92f3577b34da6a3ce929d0e0e47-36-00f067aa0ba902b7-01",
                TraceContextError::TrailingData,
            ),
        ];
        for (value, error) in cases {
            assert_eq!(TraceParent::parse(value), Err(error), "{value:?}");
        }
    }

    #[test]
    fn surrounding_ows_is_trimmed_other_whitespace_is_not() {
        for value in [
            format!(" {SAMPLED}"),
            format!("{SAMPLED} "),
            format!("\t{SAMPLED}\t"),
            format!(" \t \t{SAMPLED} \t "),
        ] {
            assert_eq!(TraceParent::parse(&value), Ok(expected(0x01)), "{value:?}");
        }
        for value in [
            format!("\n{SAMPLED}"),
            format!("{SAMPLED}\r\n"),
            format!("\u{a0}{SAMPLED}"),
            format!("\u{2003}{SAMPLED}"),
            "00- 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736 -00f067aa0ba902b7-01".to_owned(),
        ] {
            assert!(TraceParent::parse(&value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn exactly_one_value_is_required() {
        assert_eq!(
            TraceParent::parse_values(Vec::<String>::new()),
            Err(TraceContextError::Missing)
        );
        assert_eq!(TraceParent::parse_values([SAMPLED]), Ok(expected(0x01)));
        // Two headers, even identical: start a new trace.
        assert_eq!(
            TraceParent::parse_values([SAMPLED, SAMPLED]),
            Err(TraceContextError::Duplicate)
        );
        assert_eq!(
            TraceParent::parse_values([SAMPLED, NOT_SAMPLED]),
            Err(TraceContextError::Duplicate)
        );
        // Two values folded into one field line by an intermediary are invalid too.
        assert!(TraceParent::parse(&format!("{SAMPLED},{NOT_SAMPLED}")).is_err());
        assert!(TraceParent::parse(&format!("01-{TRACE_ID}-{PARENT_ID}-01,{SAMPLED}")).is_err());
    }

    #[test]
    fn all_eight_flag_bits_are_kept() {
        for flags in [0x00u8, 0x01, 0x02, 0x03, 0x09, 0x80, 0xfe, 0xff] {
            let value = format!("00-{TRACE_ID}-{PARENT_ID}-{flags:02x}");
            let tp = TraceParent::parse(&value).unwrap();
            assert_eq!(tp.flags, flags);
            assert_eq!(tp.is_sampled(), flags & 1 == 1);
            assert_eq!(tp.is_random(), flags & 2 == 2);
            assert_eq!(tp.to_header(), value);
            let sc = tp.to_span_context(Default::default());
            assert_eq!(sc.trace_flags().to_u8(), flags);
            assert!(sc.is_remote());
            assert_eq!(TraceParent::from_span_context(&sc), Some(tp));
        }
    }

    #[test]
    fn non_ascii_input_never_panics() {
        for value in [
            "ää-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473ä-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736ä00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0ä",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-€",
            "\u{1F600}",
        ] {
            assert!(TraceParent::parse(value).is_err(), "{value:?}");
        }
    }

    #[test]
    fn invalid_span_context_has_no_traceparent() {
        assert_eq!(TraceParent::from_span_context(&SpanContext::NONE), None);
    }
}
