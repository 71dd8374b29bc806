//! What `init()` made active, as reported by [`status()`](crate::status).
