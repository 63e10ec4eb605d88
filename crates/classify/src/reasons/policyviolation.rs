//! The message violates the receiver's policy.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "denied by policy",
    "protocol violation",
    "content presents a potential security issue",
    "policy violation",
    "violates our policy",
    "violation of our policy",
    "content policy",
    "message rejected by policy",
    "policy reasons",
    "local policy",
    "policy rejection",
    "prohibited attachment",
    "attachment not allowed",
    "attachments are not allowed",
    "banned attachment",
    "executable attachment",
    "file type is not allowed",
    "the message was rejected because it contains prohibited",
    "blocked by policy",
    "does not comply with",
    "due to policy",
    "message rejected due to local policy",
    "an email policy",
    "dmarc policy",
    "because of dmarc policy",
    "unauthenticated mail is prohibited",
    "message not accepted for policy reasons",
    "rejected by the recipient's organization policy",
    // A header the receiver's policy does not accept (malformed, forbidden or missing).
    "header error",
];
