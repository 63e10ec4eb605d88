//! Sender authentication (SPF, DKIM, DMARC) failed.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "spf",
    "dmarc",
    "sender policy framework",
    "domainkeys",
    "did not pass",
    "authentication failure",
    "authentication check failed",
    "does not have authentication information",
    "unauthenticated email",
    "sender authentication",
    "is not allowed to send from",
    "arc validation",
    "5.7.26",
    "5.7.23",
    "5.7.25",
    "not authorized to send on behalf",
    "not designated as permitted sender",
    "fails spf",
    "spf fail",
    "spf check",
    "dkim fail",
    "dkim check",
    "dmarc fail",
    "dmarc check",
    "sender domain authentication failed",
    "authentication results",
    "alignment",
];
