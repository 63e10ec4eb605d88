//! The destination refused to relay for the sender.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "not configured to relay",
    "email address is not verified",
    "relay access denied",
    "relaying denied",
    "relaying not allowed",
    "relay not permitted",
    "relaying not permitted",
    "not permitted to relay",
    "we do not relay",
    "unable to relay",
    "relay denied",
    "relaying mail to",
    "not allowed to relay",
    "no relaying",
    "relay not allowed",
    "cannot relay",
    "relaying is prohibited",
    "relaying prohibited",
    "is not permitted to relay",
    "sorry, that domain isn't in my list of allowed rcpthosts",
    "that domain isn't in my list of allowed rcpthosts",
    "not local host",
    "relay is not allowed",
    "this mail server requires authentication when attempting to send to a non-local e-mail address",
    "we do not relay non-local mail",
    "mail relay denied",
    "relaying to <",
    "denied relay",
];
