//! The receiving mail system failed internally.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "could not load drd for domain",
    "transaction failed",
    "system error",
    "mail system error",
    "internal error",
    "server error",
    "local error",
    "temporary failure",
    "temporary error",
    "temporarily unavailable",
    "system problem",
    "system failure",
    "system not available",
    "service unavailable",
    "service currently unavailable",
    "service not available",
    "try again later",
    "local configuration error",
    "configuration error",
    "server misconfiguration",
    "misconfigured",
    "mail server temporarily rejected",
    "too many errors",
    "error in processing",
    "processing error",
    "unable to process",
    "system busy",
    "server busy",
    "mail system congestion",
    "routing error",
    "routing failed",
    "mailbox temporarily unavailable",
    "internal server error",
    "database error",
    "i/o error",
    "unexpected error",
    "undeliverable",
    "unknown error",
    "temporary problem",
    "not available",
];
