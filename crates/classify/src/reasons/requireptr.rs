//! The sending host has no PTR record or its PTR does not match.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "unverifyable sending ip",
    "ptr record",
    "reverse dns",
    "reverse lookup",
    "rdns",
    "reverse-dns",
    "no ptr",
    "reverse dns lookup",
    "cannot find your hostname",
    "cannot find your reverse hostname",
    "hostname does not match",
    "could not resolve your hostname",
    "client host name",
    "does not have reverse dns",
    "no reverse dns",
    "reverse name",
    "ip name lookup failed",
    "unresolvable relay host name",
    "cannot resolve your address",
    "host name does not resolve",
    "please set up a ptr",
    "missing ptr",
    "reverse dns entry",
    "your ip has no ptr",
    "hostname lookup failed",
    "dns check failed",
    "unknown reverse",
    "refer to rfc 1912",
    "rdns required",
    "does not have a reverse",
    "client ip address does not resolve",
    "no reverse mapping",
    "reverse mapping",
    "reverse host name",
    "lookup failed for your ip",
    "ip address has no ptr",
    "not resolve",
    "forward-confirmed reverse dns",
    "fcrdns",
];
