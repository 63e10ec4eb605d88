//! The sender's IP or domain has a poor reputation.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "reputation",
    "poor reputation",
    "bad reputation",
    "low reputation",
    "sender reputation",
    "ip reputation",
    "domain reputation",
    "sending ip has poor",
    "the ip you're using to send mail is not authorized",
    "temporarily rate limited due to ip reputation",
    "has a poor reputation",
    "very low reputation",
    "unusual rate of unsolicited mail",
    "user complaints",
];
