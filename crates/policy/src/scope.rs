//! Scopes of the suppression list: global, per tenant, per list.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Where a suppression applies.
///
/// A check for an address in scope `S` answers from the global scope and from `S`: an
/// address suppressed globally is suppressed everywhere, one suppressed for `list:news`
/// only there. Written `global`, `tenant:NAME` or `list:NAME`; a bare name is a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Scope {
    /// Everywhere.
    #[default]
    Global,
    /// One tenant (customer, sending account).
    Tenant(String),
    /// One mailing list.
    List(String),
}

/// A scope string that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a scope: expected global, tenant:NAME or list:NAME")]
pub struct ScopeError(pub String);

impl Scope {
    /// The scope a record names (`Record::scope`); absent or unreadable is global.
    pub fn of_record(scope: Option<&str>) -> Self {
        scope.and_then(|s| s.parse().ok()).unwrap_or_default()
    }

    /// True for the global scope.
    pub fn is_global(&self) -> bool {
        matches!(self, Scope::Global)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Tenant(t) => write!(f, "tenant:{t}"),
            Scope::List(l) => write!(f, "list:{l}"),
        }
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let valid = |n: &str| !n.is_empty() && n.len() <= 200 && !n.chars().any(|c| c.is_whitespace() || c.is_control());
        let bad = || ScopeError(t.to_string());
        if t.is_empty() || t.eq_ignore_ascii_case("global") {
            return Ok(Scope::Global);
        }
        if let Some(n) = t.strip_prefix("tenant:") {
            return if valid(n) { Ok(Scope::Tenant(n.to_string())) } else { Err(bad()) };
        }
        if let Some(n) = t.strip_prefix("list:") {
            return if valid(n) { Ok(Scope::List(n.to_string())) } else { Err(bad()) };
        }
        if valid(t) && !t.contains(':') { Ok(Scope::Tenant(t.to_string())) } else { Err(bad()) }
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}
