//! The recipient's domain does not exist or has no mail server.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "host unknown",
    "unknown host",
    "host not found",
    "domain not found",
    "no such domain",
    "domain does not exist",
    "name or service not known",
    "unrouteable mail domain",
    "unroutable address",
    "unrouteable address",
    "no mx record",
    "no mail exchanger",
    "host or domain name not found",
    "domain name not found",
    "domain unknown",
    "unknown domain",
    "invalid domain",
    "domain is not valid",
    "nonexistent domain",
    "non-existent domain",
    "domain doesn't exist",
    "domain must exist",
    "recipient domain must exist",
    "no route to host for domain",
    "name service error",
    "nxdomain",
    "domain not valid",
    "recipient address rejected: domain not found",
    "recipient domain not found",
    "mail domain not found",
    "domain is not configured",
    "host name lookup failure",
    "all relevant mx records point to non-existent hosts",
    "domain lookup failed",
    "dns error: domain name not found",
    "the domain you are trying to reach does not exist",
    "unknown mail domain",
    "illegal host/domain name found",
    "domain has no mx",
];

/// Phrases that name an unknown host only right after a domain name
/// (`553 example.com does not exist`).
pub(crate) const AFTER_DOMAIN: &[&str] = &["does not exist"];
