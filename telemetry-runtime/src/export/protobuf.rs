//! Protocol Buffers wire format: the few primitives the OTLP encoders write.
//!
//! Every encoder here works in two passes over the same data: the `*_len` functions give
//! the exact size of a message, so that its length prefix is written before its body and
//! the output buffer is allocated once. Fields are written in tag order and fields equal to
//! their default are left out, as `prost` does, so the bytes are the ones
//! `prost::Message::encode` writes for the same message.

use prost::encoding::{encode_varint, encoded_len_varint};

/// Wire type of varint fields.
pub(crate) const VARINT: u8 = 0;
/// Wire type of `fixed64` and `double` fields.
pub(crate) const FIXED64: u8 = 1;
/// Wire type of strings, bytes, messages and packed repeated fields.
pub(crate) const DELIMITED: u8 = 2;
/// Wire type of `fixed32` fields.
pub(crate) const FIXED32: u8 = 5;

/// Bytes of `value` as a varint.
#[inline]
pub(crate) fn varint_len(value: u64) -> usize {
    encoded_len_varint(value)
}

/// Bytes of a field key (tag and wire type).
#[inline]
pub(crate) fn key_len(tag: u32) -> usize {
    varint_len(u64::from(tag << 3))
}

/// Bytes of a length-delimited field of tag `tag` whose body is `len` bytes.
#[inline]
pub(crate) fn delimited_len(tag: u32, len: usize) -> usize {
    key_len(tag) + varint_len(len as u64) + len
}

/// Bytes of a string or bytes field, left out when empty.
#[inline]
pub(crate) fn str_len(tag: u32, value: &str) -> usize {
    if value.is_empty() {
        0
    } else {
        delimited_len(tag, value.len())
    }
}

/// Bytes of a `uint32`/`uint64`/enum field, left out when zero.
#[inline]
pub(crate) fn uint_len(tag: u32, value: u64) -> usize {
    if value == 0 {
        0
    } else {
        key_len(tag) + varint_len(value)
    }
}

/// Bytes of a `fixed64` field, left out when zero.
#[inline]
pub(crate) fn fixed64_len(tag: u32, value: u64) -> usize {
    if value == 0 { 0 } else { key_len(tag) + 8 }
}

/// Bytes of a `fixed32` field, left out when zero.
#[inline]
pub(crate) fn fixed32_len(tag: u32, value: u32) -> usize {
    if value == 0 { 0 } else { key_len(tag) + 4 }
}

/// An output buffer of protobuf fields.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A writer whose buffer holds `capacity` bytes without growing.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
        }
    }

    /// The bytes written.
    pub(crate) fn into_inner(self) -> Vec<u8> {
        self.buf
    }

    /// Bytes written so far.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    #[inline]
    fn key(&mut self, tag: u32, wire_type: u8) {
        let key = (tag << 3) | u32::from(wire_type);
        if key < 0x80 {
            self.buf.push(key as u8);
        } else {
            encode_varint(u64::from(key), &mut self.buf);
        }
    }

    /// The key and length prefix of a message, string or bytes field; its body follows.
    #[inline]
    pub(crate) fn delimited(&mut self, tag: u32, len: usize) {
        self.key(tag, DELIMITED);
        encode_varint(len as u64, &mut self.buf);
    }

    /// Raw bytes, already encoded (a message body written elsewhere).
    #[inline]
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// A bytes field, written even when empty.
    #[inline]
    pub(crate) fn bytes(&mut self, tag: u32, value: &[u8]) {
        self.delimited(tag, value.len());
        self.buf.extend_from_slice(value);
    }

    /// A string field, written even when empty (a `oneof` member).
    #[inline]
    pub(crate) fn string(&mut self, tag: u32, value: &str) {
        self.bytes(tag, value.as_bytes());
    }

    /// A string field, left out when empty.
    #[inline]
    pub(crate) fn str(&mut self, tag: u32, value: &str) {
        if !value.is_empty() {
            self.string(tag, value);
        }
    }

    /// A varint field, written even when zero (a `oneof` member).
    #[inline]
    pub(crate) fn varint(&mut self, tag: u32, value: u64) {
        self.key(tag, VARINT);
        encode_varint(value, &mut self.buf);
    }

    /// A `uint32`/`uint64`/enum field, left out when zero.
    #[inline]
    pub(crate) fn uint(&mut self, tag: u32, value: u64) {
        if value != 0 {
            self.varint(tag, value);
        }
    }

    /// A `fixed64` or `double` field, written even when zero (a `oneof` member).
    #[inline]
    pub(crate) fn fixed64(&mut self, tag: u32, value: u64) {
        self.key(tag, FIXED64);
        self.buf.extend_from_slice(&value.to_le_bytes());
    }

    /// A `fixed64` field, left out when zero.
    #[inline]
    pub(crate) fn fixed64_nonzero(&mut self, tag: u32, value: u64) {
        if value != 0 {
            self.fixed64(tag, value);
        }
    }

    /// A `fixed32` field, left out when zero.
    #[inline]
    pub(crate) fn fixed32_nonzero(&mut self, tag: u32, value: u32) {
        if value != 0 {
            self.key(tag, FIXED32);
            self.buf.extend_from_slice(&value.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_match_what_the_writer_writes() {
        for tag in [1, 15, 16, 2047, 2048] {
            for len in [0usize, 1, 127, 128, 16_383, 16_384] {
                let mut w = Writer::default();
                w.delimited(tag, len);
                assert_eq!(
                    w.len() + len,
                    delimited_len(tag, len),
                    "tag {tag} len {len}"
                );
            }
            for value in [0u64, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
                let mut w = Writer::default();
                w.uint(tag, value);
                assert_eq!(w.len(), uint_len(tag, value));
                let mut w = Writer::default();
                w.fixed64_nonzero(tag, value);
                assert_eq!(w.len(), fixed64_len(tag, value));
            }
            let mut w = Writer::default();
            w.fixed32_nonzero(tag, 7);
            assert_eq!(w.len(), fixed32_len(tag, 7));
        }
    }

    #[test]
    fn a_field_key_above_tag_15_takes_two_bytes() {
        let mut w = Writer::default();
        w.fixed32_nonzero(16, 0x0102_0304);
        assert_eq!(w.into_inner(), [0x85, 0x01, 0x04, 0x03, 0x02, 0x01]);
    }
}
