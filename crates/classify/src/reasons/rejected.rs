//! The envelope sender was refused.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "can't determine purported responsible address",
    "sender rejected",
    "sender address rejected",
    "sender verify failed",
    "sender verification failed",
    "sender unknown",
    "unknown sender",
    "sender domain",
    "domain of sender address",
    "sender address must exist",
    "invalid sender",
    "bad sender",
    "sender is not allowed",
    "envelope sender",
    "mail from rejected",
    "sender not allowed",
    "return path",
    "return-path",
    "address verification failed",
    "sender invalid",
    "from address",
    "not accepting mail from",
    "your envelope sender",
    "rejected sender",
    "sender denied",
    "sender mismatch",
    "sender blocked",
    "unverified sender",
    "the sender's domain",
    "sender address is not valid",
    "domain of sender",
    "reject sender",
    "your mail from address",
    "empty envelope senders not allowed",
    "mail from address rejected",
    "sender address has null mx",
    "sender check failed",
    // A gateway that only relays for its registered senders refuses the envelope sender.
    "is not a registered gateway user",
    // Exchange Online refusing the whole envelope at end of data.
    "all recipient addresses rejected : access denied",
    // An ACL refusing the envelope because its sender or recipient address is listed:
    // the addresses were refused, not the sending host.
    "sending to/from an address that has been blacklisted",
];
