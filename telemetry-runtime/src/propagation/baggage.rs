//! The `baggage` header: W3C Baggage (<https://www.w3.org/TR/baggage/>).
//!
//! ```text
//! baggage-string = list-member 0*179( OWS "," OWS list-member )
//! list-member    = key OWS "=" OWS value *( OWS ";" OWS property )
//! property       = key OWS "=" OWS value
//! property       =/ key OWS
//! key            = token                      ; RFC 7230 §3.2.6
//! value          = *baggage-octet
//! baggage-octet  = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
//! ```
//!
//! **Invalid list-members are skipped, the rest is kept** (the spec: "If a system determines
//! that the value of a baggage entry is not in the format defined in this specification, it
//! MAY remove that entry"). Unlike `tracestate`, baggage entries are independent
//! application data, so one bad entry does not cost the others.
//!
//! Decisions:
//! - A member is invalid when its key is not a token, it has no `=`, its value has a
//!   character outside `baggage-octet` (so spaces, `"`, `,`, `;` and `\` inside a value must be
//!   percent-encoded), a `%` is not followed by two hex digits, the decoded bytes are not
//!   UTF-8, or one of its properties is invalid (an empty property, as in `k=v;`, included).
//! - OWS (spaces, tabs) around keys, values, `=`, `;` and `,` is trimmed.
//! - Values are percent-decoded (hex digits of either case; `+` is a plus, not a space).
//!   Property values are opaque to the spec and are kept exactly as received.
//! - Limits (§"Limits": a platform MUST propagate at least 64 list-members and at least 8192
//!   bytes): at most [`MAX_MEMBERS`] = 180 list-members (the grammar's `0*179`) and at most
//!   [`MAX_BYTES`] = 8192 bytes of serialized `baggage-string`. Members past either limit are
//!   dropped, in order (§"Mutating baggage": entries past a limit MAY be dropped in any order).
//! - Duplicate keys are kept in order in [`Baggage`] (the spec does not forbid them);
//!   [`Baggage::get`] and the conversion to OpenTelemetry's map-based baggage keep the last.

use std::fmt;

use opentelemetry::baggage::{Baggage as OtelBaggage, KeyValueMetadata};

use super::trim_ows;

/// At most this many list-members are kept (the grammar's `list-member 0*179(...)`).
pub const MAX_MEMBERS: usize = 180;
/// At most this many bytes of serialized `baggage-string` are kept.
pub const MAX_BYTES: usize = 8192;

/// Why a baggage member or property could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaggageError {
    /// A key is not an RFC 7230 token.
    InvalidKey,
    /// A property value has a character outside `baggage-octet`.
    InvalidPropertyValue,
    /// The baggage already has [`MAX_MEMBERS`] members.
    TooManyMembers,
    /// The member would take the serialized baggage over [`MAX_BYTES`].
    TooLarge,
}

impl fmt::Display for BaggageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidKey => "baggage key is not a token",
            Self::InvalidPropertyValue => "baggage property value has an invalid character",
            Self::TooManyMembers => "baggage already has the maximum number of members",
            Self::TooLarge => "baggage would exceed the maximum size",
        })
    }
}

impl std::error::Error for BaggageError {}

/// One property of a baggage member: `key` or `key=value`. Its meaning is opaque to the
/// spec; the value is kept as received (not percent-decoded).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaggageProperty {
    key: String,
    value: Option<String>,
}

impl BaggageProperty {
    /// A property; `Err` if `key` is not a token or `value` has a character outside
    /// `baggage-octet`.
    pub fn new(key: impl Into<String>, value: Option<String>) -> Result<Self, BaggageError> {
        let key = key.into();
        if !is_token(&key) {
            return Err(BaggageError::InvalidKey);
        }
        if value
            .as_ref()
            .is_some_and(|v| !v.bytes().all(is_baggage_octet))
        {
            return Err(BaggageError::InvalidPropertyValue);
        }
        Ok(Self { key, value })
    }

    /// The property's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The property's value, if it has one (`key=value`; possibly empty).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    fn write(&self, out: &mut String) {
        out.push_str(&self.key);
        if let Some(value) = &self.value {
            out.push('=');
            out.push_str(value);
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        let raw = trim_ows(raw);
        match raw.split_once('=') {
            Some((key, value)) => Self::new(trim_ows(key), Some(trim_ows(value).to_owned())).ok(),
            None => Self::new(raw, None).ok(),
        }
    }
}

/// One baggage list-member: a key, a (decoded) value and its properties.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BaggageMember {
    key: String,
    value: String,
    properties: Vec<BaggageProperty>,
}

impl BaggageMember {
    /// A member with no properties; `Err` if `key` is not a token. The value is any string: it
    /// is percent-encoded on the way out.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Result<Self, BaggageError> {
        let key = key.into();
        if !is_token(&key) {
            return Err(BaggageError::InvalidKey);
        }
        Ok(Self {
            key,
            value: value.into(),
            properties: Vec::new(),
        })
    }

    /// This member with one more property.
    pub fn with_property(mut self, property: BaggageProperty) -> Self {
        self.properties.push(property);
        self
    }

    /// The key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value, percent-decoded.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The properties, in order.
    pub fn properties(&self) -> &[BaggageProperty] {
        &self.properties
    }

    /// The properties as OpenTelemetry baggage metadata: `k1=v1;k2` (no leading `;`).
    pub fn metadata(&self) -> String {
        let mut out = String::new();
        for (i, property) in self.properties.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            property.write(&mut out);
        }
        out
    }

    /// The member as it appears in the header: `key=percent-encoded-value;property...`.
    pub fn to_header(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        out.push_str(&self.key);
        out.push('=');
        percent_encode_into(&self.value, out);
        for property in &self.properties {
            out.push(';');
            property.write(out);
        }
    }

    fn header_len(&self) -> usize {
        self.key.len()
            + 1
            + self
                .value
                .bytes()
                .map(|b| if needs_encoding(b) { 3 } else { 1 })
                .sum::<usize>()
            + self
                .properties
                .iter()
                .map(|p| 1 + p.key.len() + p.value.as_ref().map_or(0, |v| 1 + v.len()))
                .sum::<usize>()
    }

    /// Parses one list-member; `None` if it is invalid (see the module documentation).
    fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split(';');
        let (key, value) = parts.next()?.split_once('=')?;
        let (key, value) = (trim_ows(key), trim_ows(value));
        if !is_token(key) || !value.bytes().all(is_baggage_octet) {
            return None;
        }
        let mut member = Self {
            key: key.to_owned(),
            value: percent_decode(value)?,
            properties: Vec::new(),
        };
        for raw_property in parts {
            member
                .properties
                .push(BaggageProperty::parse(raw_property)?);
        }
        Some(member)
    }
}

/// W3C baggage: list-members in order, within the limits ([`MAX_MEMBERS`], [`MAX_BYTES`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Baggage {
    members: Vec<BaggageMember>,
    /// The length of [`Baggage::to_header`], kept to enforce [`MAX_BYTES`].
    header_len: usize,
}

impl Baggage {
    /// Empty baggage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one `baggage` header value. Never fails: invalid members are skipped (see the
    /// module documentation).
    pub fn parse(header: &str) -> Self {
        Self::parse_values([header])
    }

    /// Parses all the `baggage` values of one carrier, combined in order as if joined with
    /// `,` (RFC 9110 §5.3). Invalid members are skipped; members past the limits are dropped.
    pub fn parse_values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut baggage = Self::new();
        for value in values {
            for raw in value.as_ref().split(',') {
                if baggage.members.len() == MAX_MEMBERS {
                    return baggage;
                }
                if let Some(member) = BaggageMember::parse(raw) {
                    // Over the byte limit: drop this one, a later, smaller one may fit.
                    let _ = baggage.push(member);
                }
            }
        }
        baggage
    }

    /// Appends a member; `Err` (and no change) if that would pass [`MAX_MEMBERS`] or
    /// [`MAX_BYTES`].
    pub fn push(&mut self, member: BaggageMember) -> Result<(), BaggageError> {
        if self.members.len() >= MAX_MEMBERS {
            return Err(BaggageError::TooManyMembers);
        }
        let separator = usize::from(!self.members.is_empty());
        let header_len = self.header_len + separator + member.header_len();
        if header_len > MAX_BYTES {
            return Err(BaggageError::TooLarge);
        }
        self.header_len = header_len;
        self.members.push(member);
        Ok(())
    }

    /// Sets `member`: the members with its key are removed and it is appended. `Err` (and no
    /// change) if the result would pass [`MAX_MEMBERS`] or [`MAX_BYTES`].
    ///
    /// ```
    /// use telemetry_runtime::propagation::{Baggage, BaggageMember};
    ///
    /// let mut baggage = Baggage::parse("a=1,b=2,a=3");
    /// baggage.insert(BaggageMember::new("a", "4").unwrap()).unwrap();
    /// assert_eq!(baggage.to_header(), "b=2,a=4");
    /// ```
    pub fn insert(&mut self, member: BaggageMember) -> Result<(), BaggageError> {
        if !self.members.iter().any(|m| m.key == member.key) {
            return self.push(member);
        }
        let mut replaced = Self::new();
        for kept in self.members.iter().filter(|m| m.key != member.key) {
            replaced.push(kept.clone())?;
        }
        replaced.push(member)?;
        *self = replaced;
        Ok(())
    }

    /// The members, in order (duplicate keys included).
    pub fn members(&self) -> &[BaggageMember] {
        &self.members
    }

    /// The value of the last member with this key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| m.value.as_str())
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The header value: members joined with `,`, values percent-encoded (every byte outside
    /// `baggage-octet`, plus `%` and `=`, as `%XX`). Empty for empty baggage (not to be sent).
    pub fn to_header(&self) -> String {
        let mut out = String::with_capacity(self.header_len);
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            member.write(&mut out);
        }
        out
    }

    /// The same entries as OpenTelemetry [`Baggage`](OtelBaggage): properties become the
    /// metadata string (`k1=v1;k2`); for a repeated key the last member wins. OpenTelemetry
    /// keeps at most 64 entries and 8192 bytes of keys, values and metadata; it drops the
    /// rest.
    pub fn to_otel(&self) -> OtelBaggage {
        self.members
            .iter()
            .map(|m| KeyValueMetadata::new(m.key.clone(), m.value.clone(), m.metadata()))
            .collect()
    }

    /// The entries of OpenTelemetry baggage, sorted by key (its map has no order) so the
    /// header is deterministic. Entries whose key is not a token are dropped; metadata that
    /// does not parse as properties (`k1=v1;k2`) is dropped, the entry kept; entries past
    /// the limits are dropped.
    pub fn from_otel(baggage: &OtelBaggage) -> Self {
        let mut entries: Vec<_> = baggage.iter().collect();
        entries.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let mut out = Self::new();
        for (key, (value, metadata)) in entries {
            let Ok(mut member) = BaggageMember::new(key.as_str(), value.as_str()) else {
                continue;
            };
            member.properties = parse_metadata(metadata.as_str()).unwrap_or_default();
            let _ = out.push(member);
        }
        out
    }
}

impl From<&Baggage> for OtelBaggage {
    fn from(baggage: &Baggage) -> Self {
        baggage.to_otel()
    }
}

impl fmt::Display for Baggage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_header())
    }
}

/// Properties from OpenTelemetry metadata (`k1=v1;k2`); empty segments are skipped, any
/// invalid one fails the whole string.
fn parse_metadata(metadata: &str) -> Option<Vec<BaggageProperty>> {
    metadata
        .split(';')
        .filter(|p| !trim_ows(p).is_empty())
        .map(BaggageProperty::parse)
        .collect()
}

/// RFC 7230 §3.2.6 `token = 1*tchar`.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// `baggage-octet`: US-ASCII except CTLs, whitespace, DQUOTE, comma, semicolon, backslash.
fn is_baggage_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

/// Bytes a value must carry percent-encoded: everything outside `baggage-octet`, `%` itself
/// (so decoding gives the value back) and `=` (some parsers split members at every `=`).
fn needs_encoding(b: u8) -> bool {
    !is_baggage_octet(b) || b == b'%' || b == b'='
}

fn percent_encode_into(value: &str, out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if needs_encoding(b) {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        } else {
            out.push(char::from(b));
        }
    }
}

/// Percent-decodes `value`; `None` if a `%` is not followed by two hex digits or the result
/// is not UTF-8. The same decoding as `OTEL_RESOURCE_ATTRIBUTES` and the OTLP headers use.
fn percent_decode(value: &str) -> Option<String> {
    crate::percent::percent_decode(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::StringValue;

    fn kv(baggage: &Baggage) -> Vec<(&str, &str)> {
        baggage
            .members()
            .iter()
            .map(|m| (m.key(), m.value()))
            .collect()
    }

    #[test]
    fn spec_example_with_properties() {
        // W3C Baggage §"Example": 3 list-members, properties and optional whitespace.
        let baggage = Baggage::parse(
            "key1=value1;property1;property2, key2 = value2, key3=value3; propertyKey=propertyValue",
        );
        assert_eq!(
            kv(&baggage),
            [("key1", "value1"), ("key2", "value2"), ("key3", "value3")]
        );
        let props: Vec<_> = baggage.members()[0]
            .properties()
            .iter()
            .map(|p| (p.key(), p.value()))
            .collect();
        assert_eq!(props, [("property1", None), ("property2", None)]);
        let props: Vec<_> = baggage.members()[2]
            .properties()
            .iter()
            .map(|p| (p.key(), p.value()))
            .collect();
        assert_eq!(props, [("propertyKey", Some("propertyValue"))]);
        assert_eq!(
            baggage.to_header(),
            "key1=value1;property1;property2,key2=value2,key3=value3;propertyKey=propertyValue"
        );
    }

    #[test]
    fn values_are_percent_decoded() {
        // W3C Baggage §"Examples of HTTP headers".
        let baggage = Baggage::parse("userId=alice,serverNode=DF%2028,isProduction=false");
        assert_eq!(
            kv(&baggage),
            [
                ("userId", "alice"),
                ("serverNode", "DF 28"),
                ("isProduction", "false")
            ]
        );
        assert_eq!(
            baggage.to_header(),
            "userId=alice,serverNode=DF%2028,isProduction=false"
        );
        // Either case of hex digits; '+' stays a plus; UTF-8 sequences decode.
        let baggage = Baggage::parse("a=%2c%2C,b=1+1,c=caf%C3%A9");
        assert_eq!(kv(&baggage), [("a", ",,"), ("b", "1+1"), ("c", "café")]);
    }

    #[test]
    fn multiple_header_values_are_combined_in_order() {
        // W3C Baggage: "Context might be split into multiple headers".
        let baggage =
            Baggage::parse_values(["userId=alice", "serverNode=DF%2028,isProduction=false"]);
        assert_eq!(
            kv(&baggage),
            [
                ("userId", "alice"),
                ("serverNode", "DF 28"),
                ("isProduction", "false")
            ]
        );
    }

    #[test]
    fn ows_around_keys_and_values_is_trimmed() {
        // W3C Baggage: "Values and names might begin and end with spaces".
        let baggage = Baggage::parse_values([
            "userId =   alice",
            "serverNode = DF%2028, isProduction = false",
        ]);
        assert_eq!(
            kv(&baggage),
            [
                ("userId", "alice"),
                ("serverNode", "DF 28"),
                ("isProduction", "false")
            ]
        );
        let baggage = Baggage::parse("\tk\t=\tv\t;\tp\t=\tq\t;\tr\t");
        assert_eq!(baggage.to_header(), "k=v;p=q;r");
    }

    #[test]
    fn invalid_members_are_skipped_the_others_kept() {
        let baggage = Baggage::parse(
            "ok1=1,bad key=1,k=v w,=v,novalue,k=%zz,k=%4,k=%FF,k=\"q\",k=a\\b,k=v;,k=v;bad prop,\
             k=v;p=\"x\",(k)=v,ké=v,k=é,,ok2=2",
        );
        assert_eq!(kv(&baggage), [("ok1", "1"), ("ok2", "2")]);
    }

    #[test]
    fn empty_value_and_equals_in_value_are_valid() {
        let baggage = Baggage::parse("empty=,eq=a=b=c,prop=v;p=");
        assert_eq!(
            kv(&baggage),
            [("empty", ""), ("eq", "a=b=c"), ("prop", "v")]
        );
        assert_eq!(baggage.members()[2].properties()[0].value(), Some(""));
        // '=' is sent encoded, for parsers that split at every '='.
        assert_eq!(baggage.to_header(), "empty=,eq=a%3Db%3Dc,prop=v;p=");
    }

    #[test]
    fn at_most_180_members() {
        let header = (0..200)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",");
        let baggage = Baggage::parse(&header);
        assert_eq!(baggage.len(), MAX_MEMBERS);
        assert_eq!(baggage.members().last().unwrap().key(), "k179");
        let mut full = baggage.clone();
        assert_eq!(
            full.push(BaggageMember::new("more", "v").unwrap()),
            Err(BaggageError::TooManyMembers)
        );
    }

    #[test]
    fn at_most_8192_bytes() {
        // 8 members of 1023 bytes + 7 commas = 8191 bytes: a 9th member `x=` would need a
        // comma and 2 bytes (8194), so it is dropped, and so is the big one after it.
        let big = |i: usize| format!("k{i}={}", "v".repeat(1023 - 3));
        let mut members: Vec<String> = (0..8).map(big).collect();
        members.push("x=".to_owned());
        members.push(big(9));
        let baggage = Baggage::parse(&members.join(","));
        assert_eq!(baggage.len(), 8);
        assert_eq!(baggage.to_header().len(), 8191);
        // A member that would pass the limit is dropped, a later smaller one still fits.
        let mut members: Vec<String> = (0..7).map(big).collect();
        members.push(big(7) + "toolong");
        members.push("y=1".to_owned());
        let baggage = Baggage::parse(&members.join(","));
        assert_eq!(baggage.len(), 8);
        assert_eq!(baggage.get("y"), Some("1"));
        assert!(baggage.to_header().len() <= MAX_BYTES);
        // The limit counts the encoded form.
        let mut baggage = Baggage::new();
        let member = BaggageMember::new("k", " ".repeat(3000)).unwrap();
        assert_eq!(baggage.push(member), Err(BaggageError::TooLarge));
    }

    #[test]
    fn values_are_encoded_so_they_round_trip() {
        let mut baggage = Baggage::new();
        for (key, value) in [
            ("space", "a b"),
            ("comma", "a,b"),
            ("semi", "a;b"),
            ("pct", "100%"),
            ("quote", "\"x\""),
            ("back", "a\\b"),
            ("uni", "ünïcødé ✓"),
            ("ctl", "a\u{0}\n\tb"),
        ] {
            baggage
                .push(BaggageMember::new(key, value).unwrap())
                .unwrap();
        }
        let header = baggage.to_header();
        assert!(
            header
                .bytes()
                .all(|b| b == b',' || b == b';' || is_baggage_octet(b))
        );
        assert_eq!(Baggage::parse(&header), baggage);
        assert_eq!(baggage.members()[3].to_header(), "pct=100%25");
    }

    #[test]
    fn duplicates_are_kept_last_wins_on_lookup() {
        let baggage = Baggage::parse("k=1,other=x,k=2");
        assert_eq!(baggage.len(), 3);
        assert_eq!(baggage.get("k"), Some("2"));
        assert_eq!(baggage.to_otel().get("k"), Some(&StringValue::from("2")));
    }

    #[test]
    fn converts_to_and_from_opentelemetry() {
        let baggage = Baggage::parse("userId=alice;p1;p2=v2,serverNode=DF%2028");
        let otel = baggage.to_otel();
        assert_eq!(otel.len(), 2);
        let (value, metadata) = otel.get_with_metadata("userId").unwrap();
        assert_eq!(value.as_str(), "alice");
        assert_eq!(metadata.as_str(), "p1;p2=v2");
        assert_eq!(otel.get("serverNode"), Some(&StringValue::from("DF 28")));

        let back = Baggage::from_otel(&otel);
        // Sorted by key.
        assert_eq!(back.to_header(), "serverNode=DF%2028,userId=alice;p1;p2=v2");

        let mut otel = OtelBaggage::new();
        otel.insert("bad key", "dropped");
        otel.insert_with_metadata("k", "v", "not a property");
        otel.insert("z", "kept");
        let back = Baggage::from_otel(&otel);
        assert_eq!(back.to_header(), "k=v,z=kept");
    }

    #[test]
    fn builders_validate() {
        assert_eq!(BaggageMember::new("", "v"), Err(BaggageError::InvalidKey));
        assert_eq!(
            BaggageMember::new("a b", "v"),
            Err(BaggageError::InvalidKey)
        );
        assert_eq!(
            BaggageProperty::new("p", Some("a b".to_owned())),
            Err(BaggageError::InvalidPropertyValue)
        );
        let member = BaggageMember::new("k", "v")
            .unwrap()
            .with_property(BaggageProperty::new("p", None).unwrap())
            .with_property(BaggageProperty::new("q", Some("1".to_owned())).unwrap());
        assert_eq!(member.to_header(), "k=v;p;q=1");
        assert_eq!(member.metadata(), "p;q=1");
    }
}
