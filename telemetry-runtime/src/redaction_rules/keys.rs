//! [`KeyPattern`]: which keys name content or credentials.

use std::fmt;

/// A set of key fragments. A key matches when it contains one of them, compared without
/// regard to ASCII case: the fragment `prompt` matches `user_prompt` and `Prompt.Text`.
///
/// [`KeyPattern::content`] is the default of what log fields and span attributes are redacted
/// by; [`KeyPattern::credentials`] the default of the query keys whose values are replaced.
///
/// ```
/// use telemetry_runtime::redaction::KeyPattern;
///
/// let keys = KeyPattern::content().with(["ssn"]);
/// assert!(keys.matches("user_prompt"));
/// assert!(keys.matches("gen_ai.input.messages"));
/// assert!(keys.matches("customer.SSN"));
/// assert!(!keys.matches("gen_ai.request.model"));
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct KeyPattern {
    /// Lower-case fragments, without duplicates.
    fragments: Vec<Box<str>>,
    /// Bit `b` is set when a fragment begins with the byte `b`: a key is compared with the
    /// fragments only where one could begin, in one pass over the key.
    starts: [u64; 4],
}

/// The default content fragments: the keys of prompts, completions, message lists and texts,
/// and the GenAI content attributes the four words miss.
pub const DEFAULT_CONTENT_FRAGMENTS: [&str; 8] = [
    "prompt",
    "completion",
    "messages",
    "text",
    "gen_ai.system_instructions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
    "gen_ai.tool.definitions",
];

/// The default credential query keys: the semantic conventions' list (`url.query`,
/// `url.full`), the signed-URL parameters of AWS SigV4 and Google Cloud, and the common
/// credential parameters. Matched as whole keys.
pub const DEFAULT_CREDENTIAL_KEYS: [&str; 21] = [
    "AWSAccessKeyId",
    "Signature",
    "sig",
    "X-Goog-Signature",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "X-Goog-Credential",
    "api_key",
    "apikey",
    "api-key",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "code",
    "password",
    "secret",
    "client_secret",
    "signature",
];

impl KeyPattern {
    /// A pattern of the given fragments (none: nothing matches).
    pub fn new<I, S>(fragments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        KeyPattern::default().with(fragments)
    }

    /// The default content pattern ([`DEFAULT_CONTENT_FRAGMENTS`]).
    pub fn content() -> Self {
        KeyPattern::new(DEFAULT_CONTENT_FRAGMENTS)
    }

    /// The default credential keys ([`DEFAULT_CREDENTIAL_KEYS`]).
    pub fn credentials() -> Self {
        KeyPattern::new(DEFAULT_CREDENTIAL_KEYS)
    }

    /// This pattern and `fragments` (blank ones are ignored).
    pub fn with<I, S>(mut self, fragments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for fragment in fragments {
            let fragment = fragment.as_ref().trim().to_ascii_lowercase();
            if !fragment.is_empty() && !self.fragments.iter().any(|f| **f == *fragment) {
                let first = fragment.as_bytes()[0];
                self.starts[usize::from(first >> 6)] |= 1 << (first & 63);
                self.fragments.push(fragment.into_boxed_str());
            }
        }
        self
    }

    /// The fragments, lower-case.
    pub fn fragments(&self) -> impl Iterator<Item = &str> {
        self.fragments.iter().map(|f| &**f)
    }

    /// Whether nothing matches.
    pub fn is_empty(&self) -> bool {
        self.fragments.is_empty()
    }

    /// Whether `key` contains one of the fragments (ASCII case-insensitive).
    pub fn matches(&self, key: &str) -> bool {
        let key = key.as_bytes();
        key.iter().enumerate().any(|(at, byte)| {
            let byte = byte.to_ascii_lowercase();
            self.starts[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
                && self.fragments.iter().any(|fragment| {
                    let fragment = fragment.as_bytes();
                    fragment[0] == byte
                        && key
                            .get(at..at + fragment.len())
                            .is_some_and(|window| window.eq_ignore_ascii_case(fragment))
                })
        })
    }

    /// Whether `key` is one of the fragments, whole (ASCII case-insensitive).
    pub fn matches_whole(&self, key: &str) -> bool {
        self.fragments.iter().any(|f| key.eq_ignore_ascii_case(f))
    }
}

impl fmt::Debug for KeyPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.fragments()).finish()
    }
}

impl fmt::Display for KeyPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, fragment) in self.fragments().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(fragment)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass match is substring search without regard to ASCII case.
        #[test]
        fn matches_is_case_insensitive_substring_search(
            key in "[a-zA-Z_.éP]{0,40}",
            extra in proptest::collection::vec("[a-zA-Z_.é]{1,6}", 0..4),
        ) {
            let keys = KeyPattern::content().with(&extra);
            let lower = key.to_ascii_lowercase();
            let expected = keys.fragments().any(|f| lower.contains(f));
            proptest::prop_assert_eq!(keys.matches(&key), expected);
        }
    }

    #[test]
    fn content_keys_match_anywhere_without_case() {
        let keys = KeyPattern::content();
        for key in [
            "prompt",
            "user_prompt",
            "gen_ai.input.messages",
            "system_text",
            "COMPLETION",
            "request.body.Prompt",
            "gen_ai.system_instructions",
            "gen_ai.tool.call.arguments",
            "gen_ai.tool.call.result",
            "gen_ai.tool.definitions",
        ] {
            assert!(keys.matches(key), "{key}");
        }
        for key in ["gen_ai.request.model", "user_id", "tokens", "", "tex"] {
            assert!(!keys.matches(key), "{key}");
        }
    }

    #[test]
    fn patterns_extend_and_replace() {
        let keys = KeyPattern::content().with(["SSN", "ssn", " "]);
        assert_eq!(keys.fragments().filter(|f| *f == "ssn").count(), 1);
        assert!(keys.matches("customer_ssn"));
        let only = KeyPattern::new(["body"]);
        assert!(!only.matches("prompt"));
        assert!(only.matches("http.body"));
        assert!(KeyPattern::new(Vec::<String>::new()).is_empty());
        assert_eq!(KeyPattern::new(["a", "B"]).to_string(), "a,b");
    }

    #[test]
    fn credential_keys_match_whole_keys() {
        let keys = KeyPattern::credentials();
        for key in [
            "sig",
            "API_KEY",
            "Token",
            "X-Goog-Signature",
            "client_secret",
            "x-amz-security-token",
        ] {
            assert!(keys.matches_whole(key), "{key}");
        }
        for key in ["monkey", "zipcode", "tokens", "q"] {
            assert!(!keys.matches_whole(key), "{key}");
        }
    }
}
