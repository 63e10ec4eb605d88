//! The mailbox exists but is disabled, suspended or inactive.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "account disabled",
    "account has been disabled",
    "account is disabled",
    "mailbox disabled",
    "mailbox has been disabled",
    "account suspended",
    "account has been suspended",
    "suspended account",
    "mailbox is inactive",
    "inactive account",
    "account is inactive",
    "account inactive",
    "has been suspended",
    "is temporarily disabled",
    "the email account that you tried to reach is disabled",
    "account that you tried to reach is disabled",
    "recipient suspended",
    "mailbox unavailable or access denied",
    "this account has been temporarily suspended",
    "mailbox is frozen",
    "account frozen",
    "is not active",
    "account expired",
    "account has expired",
    "boite du destinataire archivee",
    "user suspended",
    "mailbox currently suspended",
    "this mailbox is disabled",
    "account closed",
    "account is locked",
    "mailbox locked",
    "temporary locked",
    "deactivated",
    "user account disabled",
    "recipient address rejected: account disabled",
    "account blocked",
    "address is no longer active",
    "is disabled",
    "has been disabled",
];
