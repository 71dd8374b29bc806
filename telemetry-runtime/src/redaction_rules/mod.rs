//! The rules of redaction, as data and pure functions: which keys hold content or credentials
//! ([`KeyPattern`]), and how credentials are taken out of URLs and text
//! ([`scrub_userinfo`]). A foundation: config resolves the rules, `redaction` applies them.

mod credentials;
mod keys;

pub(crate) use credentials::scrub_userinfo;
pub use keys::{DEFAULT_CONTENT_FRAGMENTS, DEFAULT_CREDENTIAL_KEYS, KeyPattern};
