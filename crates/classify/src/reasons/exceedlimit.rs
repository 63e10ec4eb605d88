//! A message limit other than the size was exceeded.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "recipient limit",
    "exceeded the rate limit of recipients",
    "message header size exceeds limit",
    "limit exceeded",
    "number of recipients exceeds",
];
