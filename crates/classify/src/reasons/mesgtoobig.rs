//! The message is larger than the destination accepts.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "line limit exceeded",
    "message too big",
    "message too large",
    "message is too large",
    "message is too big",
    "message size exceeds",
    "message size exceeded",
    "exceeds size limit",
    "exceeds the size limit",
    "exceeded the size limit",
    "size limit exceeded",
    "exceeded maximum message size",
    "exceeds maximum message size",
    "message exceeds the maximum size",
    "message length exceeds",
    "message size limit",
    "mail size limit",
    "message size too large",
    "the message was too big",
    "size exceeds",
    "exceeds the maximum allowed message size",
    "message file too big",
    "taille de message",
    "message exceeded google's message size limits",
    "message size exceeds fixed maximum message size",
    "message too long",
    "data size limit exceeded",
    "message is larger than",
    "exceeds message size limit",
    "line too long",
];
