//! The message content was refused as malformed or unacceptable.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "content error",
    "invalid content",
    "illegal content",
    "message content",
    "conversion failed",
    "content rejected",
    "invalid message content",
    "improper use of 8-bit data",
    "8-bit data",
    "mime error",
    "malformed mime",
    "invalid mime",
    "message header",
    "bad header",
    "header error",
    "missing header",
    "duplicate header",
    "header line too long",
    "invalid character",
];
