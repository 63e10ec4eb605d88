//! A security requirement failed: TLS, authentication required, certificate.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "authentication required",
    "authentication is required",
    "must authenticate",
    "tls required",
    "starttls required",
    "must issue a starttls",
    "encryption required",
    "tls handshake",
    "insecure",
    "authentication failed",
    "authentication credentials invalid",
    "requires authentication",
    "user not authenticated",
    "sender not authenticated",
    "not authenticated",
    "not sent over tls",
    "must use tls",
    "please use tls",
    "submission requires",
    "relay requires authentication",
    "security policy",
    "unauthenticated",
    "authentication mechanism",
    "account has been compromised",
    "sender address is not authorized",
    "tls negotiation failed",
    "over a tls connection",
    "tls not available",
];
