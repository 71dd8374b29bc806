//! A byte-level tokenizer with a word vocabulary: words of the corpus are one token each,
//! anything else falls back to one token per UTF-8 byte (ids 0 to 255), so every input
//! round-trips and no input is rejected.

use std::collections::HashMap;

/// Token ids: `0..256` are bytes, `256..` are vocabulary words.
pub type TokenId = u32;

const BYTE_TOKENS: u32 = 256;

/// The tokenizer: its vocabulary is built from the corpus at start.
pub struct Tokenizer {
    words: Vec<String>,
    ids: HashMap<String, TokenId>,
}

impl Tokenizer {
    /// The name recorded as `tokenizer.name`.
    pub const NAME: &'static str = "miniserve-byte-word";

    /// A vocabulary of every lower-case word and punctuation mark of `texts`.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut ids = HashMap::new();
        for text in texts {
            for piece in pieces(text) {
                let word = piece.to_lowercase();
                if word.trim().is_empty() || ids.contains_key(&word) {
                    continue;
                }
                ids.insert(word.clone(), BYTE_TOKENS + words.len() as u32);
                words.push(word);
            }
        }
        Tokenizer { words, ids }
    }

    /// Tokens of `text`: vocabulary words as one token, everything else byte by byte.
    /// Whitespace separates words and is not a token.
    pub fn encode(&self, text: &str) -> Vec<TokenId> {
        let mut out = Vec::new();
        for piece in pieces(text) {
            if piece.trim().is_empty() {
                continue;
            }
            match self.ids.get(&piece.to_lowercase()) {
                Some(id) => out.push(*id),
                None => out.extend(piece.bytes().map(u32::from)),
            }
        }
        out
    }

    #[cfg(test)]
    /// The text of `tokens`: words separated by spaces, bytes joined back into UTF-8 (invalid
    /// sequences replaced).
    pub fn decode(&self, tokens: &[TokenId]) -> String {
        let mut out = String::new();
        for piece in self.decode_pieces(tokens) {
            let punctuation = piece.len() == 1 && piece.chars().all(|c| c.is_ascii_punctuation());
            if !out.is_empty() && !punctuation {
                out.push(' ');
            }
            out.push_str(&piece);
        }
        out
    }

    /// The text of one generated token, as streamed: a word with its leading space.
    pub fn decode_one(&self, token: TokenId, first: bool) -> String {
        let piece = self.decode_pieces(&[token]).pop().unwrap_or_default();
        let punctuation = piece.len() == 1 && piece.chars().all(|c| c.is_ascii_punctuation());
        if first || punctuation {
            piece
        } else {
            format!(" {piece}")
        }
    }

    fn decode_pieces(&self, tokens: &[TokenId]) -> Vec<String> {
        let mut pieces = Vec::new();
        let mut bytes = Vec::new();
        for &t in tokens {
            if t < BYTE_TOKENS {
                bytes.push(t as u8);
                continue;
            }
            if !bytes.is_empty() {
                pieces.push(String::from_utf8_lossy(&bytes).into_owned());
                bytes.clear();
            }
            if let Some(word) = self.words.get((t - BYTE_TOKENS) as usize) {
                pieces.push(word.clone());
            }
        }
        if !bytes.is_empty() {
            pieces.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        pieces
    }

    /// The vocabulary word of a token, if it is one.
    pub fn word(&self, token: TokenId) -> Option<&str> {
        token
            .checked_sub(BYTE_TOKENS)
            .and_then(|i| self.words.get(i as usize))
            .map(String::as_str)
    }
}

/// Splits text into words, single punctuation marks and whitespace runs.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut kind = None;
    for (i, c) in text.char_indices() {
        let k = if c.is_alphanumeric() || c == '\'' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2 // punctuation and symbols: one piece each
        };
        if kind != Some(k) || k == 2 {
            if i > start {
                out.push(&text[start..i]);
            }
            start = i;
        }
        kind = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_one_token_and_the_rest_bytes() {
        let t = Tokenizer::from_texts(["a trace is a tree, a span."]);
        let ids = t.encode("A trace, zz");
        assert_eq!(ids.len(), 2 + 1 + 2);
        assert_eq!(t.decode(&ids), "a trace, zz");
    }
}
