//! The receiving system is out of disk space.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "insufficient system storage",
    "system storage",
    "disk full",
    "no space left",
    "system is full",
    "mail system full",
    "out of disk",
    "file system full",
    "insufficient storage",
    "insufficient disk space",
    "not enough space",
    "too many messages in queue",
    "queue full",
    "insufficient system resources",
    "space shortage",
];
