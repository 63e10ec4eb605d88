//! A network-level failure: DNS, connection, routing, loops.
//!
//! Lowercase phrases that, found in a diagnostic text, point to this reason. They are
//! matched case-insensitively as substrings; keep them specific enough not to hit other
//! reasons' texts.

/// Phrases that indicate this reason.
pub(crate) const PHRASES: &[&str] = &[
    "network error",
    "connection timed out",
    "connection reset",
    "connection closed",
    "connection dropped",
    "lost connection",
    "broken pipe",
    "no route to host",
    "network is unreachable",
    "host is unreachable",
    "unreachable",
    "dns lookup",
    "dns error",
    "dns failure",
    "temporary failure in name resolution",
    "name server timeout",
    "mail loop",
    "loop detected",
    "routing loop",
    "loops back to myself",
    "too many hops",
    "hop count",
    "could not connect",
    "couldn't connect",
    "unable to connect",
    "failed to connect",
    "connect to",
    "network unreachable",
    "timeout",
    "timed out",
    "mx lookup",
    "bad connection",
    "dns query",
    "malformed or unexpected name server reply",
    "route to host",
    "tls connection",
    "conversation with",
    "connection refused",
    "hops, this may indicate a mail loop",
];
