//! Delivery gave up after the queue lifetime.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "connection timed out",
    "timed out",
    "could not find a gateway for",
    "expired",
    "retry timeout exceeded",
    "retry time not reached",
    "timeout exceeded",
    "delivery time expired",
    "message expired",
    "message has been in the queue too long",
    "queue too long",
    "giving up",
    "gave up",
    "could not be delivered within",
    "has not been delivered",
    "delivery attempts will continue",
    "delivery expired",
    "will not retry",
    "maximum time",
    "undeliverable for",
    "delayed for",
    "delivery delayed",
    "was not delivered within",
    "retry limit",
    "too long in queue",
    "message timeout",
    "couldn't be delivered in",
    "cannot deliver",
    "unable to deliver message after",
    "deferred for",
    "has been delayed",
    "not yet been delivered",
    "could not be delivered for",
];
