//! A virus or malware was found in the message.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "virus",
    "malware",
    "infected",
    "trojan",
    "worm detected",
    "malicious content",
    "contains a virus",
    "virus detected",
    "virus found",
    "potentially executable content",
    "unsafe attachment",
    "dangerous attachment",
    "message contains malicious",
    "phishing",
];
