//! The message does not comply with the RFCs as the receiver requires.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "addresses in from: header are not accepted",
    "not rfc compliant",
    "rfc 5322",
    "rfc5322",
    "rfc 2822",
    "rfc2822",
    "rfc 822",
    "rfc822 compliant",
    "not compliant with rfc",
    "multiple addresses in from",
    "multiple from",
    "message is not rfc",
    "not rfc 5322 compliant",
    "does not conform to rfc",
    "rfc compliance",
    "messages with multiple addresses",
];
