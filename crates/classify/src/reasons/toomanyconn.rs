//! Too many concurrent connections from the sender.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "too many recipients",
    "too many connections",
    "too many concurrent",
    "too many sessions",
    "connection limit",
    "connection rate limit",
    "exceeded the maximum number of connections",
    "concurrent connection",
    "maximum number of connections",
    "too many simultaneous",
    "too many smtp sessions",
    "connections from your host",
    "connection count",
    "too many open connections",
    "max connections",
];
