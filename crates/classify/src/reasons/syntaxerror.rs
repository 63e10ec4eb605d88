//! The SMTP dialogue was broken: command or syntax error.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "syntax error",
    "command unrecognized",
    "command not recognized",
    "unrecognized command",
    "bad sequence of commands",
    "command not implemented",
    "invalid command",
    "parameter not implemented",
    "syntax error in parameters",
    "bad syntax",
    "line too long",
    "command out of sequence",
    "invalid argument",
    "helo command rejected",
    "invalid helo",
];
