//! A local mailer program failed.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "mailer error",
    "command failed",
    "x-unix",
    "procmail",
    "pipe to",
    "program failed",
    "command died",
    "exit code",
    "exit status",
    "unknown mailer error",
    "local delivery failed",
    "mail program",
    "delivery program",
    "returned non-zero",
    "child exited",
    "deliver: ",
];
