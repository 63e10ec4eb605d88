//! The sender sends too much too fast: rate limited.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "rate limit",
    "rate limited",
    "receiving mail too quickly",
    "receiving mail at a rate",
    "sending too fast",
    "too many messages",
    "too much mail",
    "throttled",
    "throttling",
    "message rate",
    "sending rate",
    "slow down",
    "please try again later: too many",
    "exceeded the maximum number of messages",
    "sent too many messages",
    "ratelimit",
    "rate-limit",
    "excessive message rate",
    "send rate",
    "excessive volume",
    "frequency limited",
];
