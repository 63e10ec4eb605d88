//! The destination accepts no mail (null MX, 521/556).
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "does not accept mail",
    "doesn't accept mail",
    "not accepting mail",
    "does not receive mail",
    "null mx",
    "no mail service",
    "this domain does not accept email",
    "mail is not accepted",
    "host does not accept mail",
    "domain does not accept mail",
    "mx record is null",
    "mail receiving disabled",
    "does not accept e-mail",
    "an mx or srv record indicated no smtp service",
];
