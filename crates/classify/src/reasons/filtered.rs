//! The recipient exists but refuses this message (recipient-side filter).
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "user reject",
    "rejected by the recipient",
    "recipient rejected the message",
    "not authorized to receive",
    "message filtered",
    "filtered",
    "refused by recipient",
    "recipient does not accept",
    "addressee does not accept",
    "blocked by the recipient",
    "the user has chosen not to receive",
    "does not wish to receive",
    "this account does not accept mail from",
    "recipient has rejected",
    "the recipient has blocked",
    "recipient's filters",
    "message rejected by recipient",
    "denied by recipient",
    "your message was declined",
    "user's preference",
    "permission denied",
    "not allowed to receive",
    "no permission",
    "is restricted",
    "mailbox restricted",
    "rejected by the recipient domain",
    "rejected by recipient",
];
