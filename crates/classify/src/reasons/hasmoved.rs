//! The recipient has moved and left no forwarding address.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "has been moved",
    "has moved",
    "address has changed",
    "no longer available at this address",
    "user has moved",
    "moved to",
    "is no longer valid",
    "no forwarding address",
];
