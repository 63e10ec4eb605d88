//! What DNS says about a domain's mail routing, and what that means for an incident.
//!
//! The lookups themselves live in `bouncekit-dns`; this module holds the pure verdict
//! type so that the engine decides without doing IO.

use serde::{Deserialize, Serialize};

/// The mail routing of a domain as DNS shows it (RFC 5321 §5.1, RFC 7505).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// MX records name hosts, at least one of which has an address.
    Mx {
        /// Exchange host names, most preferred first.
        hosts: Vec<String>,
    },
    /// No MX record, but the domain itself has an address (the implicit MX).
    ImplicitMx,
    /// The domain publishes a null MX (`MX 0 .`): it accepts no mail at all.
    NullMx,
    /// The domain does not exist.
    NxDomain,
    /// The domain exists but names no usable mail host: no MX and no address, or MX
    /// hosts none of which resolves.
    NoMailHost,
    /// The lookup failed (timeout, SERVFAIL): says nothing either way.
    Unknown {
        /// What went wrong.
        error: String,
    },
}

impl Verdict {
    /// True when DNS proves the domain cannot receive mail.
    pub fn is_dead(&self) -> bool {
        matches!(self, Verdict::NullMx | Verdict::NxDomain | Verdict::NoMailHost)
    }

    /// True when DNS shows a usable mail host.
    pub fn is_routable(&self) -> bool {
        matches!(self, Verdict::Mx { .. } | Verdict::ImplicitMx)
    }

    /// A short name: `mx`, `implicit_mx`, `null_mx`, `nxdomain`, `no_mail_host`, `unknown`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Mx { .. } => "mx",
            Verdict::ImplicitMx => "implicit_mx",
            Verdict::NullMx => "null_mx",
            Verdict::NxDomain => "nxdomain",
            Verdict::NoMailHost => "no_mail_host",
            Verdict::Unknown { .. } => "unknown",
        }
    }
}

/// The state of a domain incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentState {
    /// Many recipients fail with system or host errors; the domain is held: no address
    /// of it is suppressed for that cause, and checks answer "held".
    Open,
    /// DNS proved the domain cannot receive mail (NXDOMAIN, null MX, no mail host): the
    /// whole domain is suppressed until DNS shows recovery.
    Dead,
    /// Mail flows again (a delivery, DNS recovery) or the incident aged out.
    Closed,
}

impl IncidentState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentState::Open => "open",
            IncidentState::Dead => "dead",
            IncidentState::Closed => "closed",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(IncidentState::Open),
            "dead" => Some(IncidentState::Dead),
            "closed" => Some(IncidentState::Closed),
            _ => None,
        }
    }
}

/// What a DNS verdict does to an incident in `state`: the new state, or `None` for no
/// change. Dead DNS makes an incident dead; routable DNS closes a dead incident (DNS
/// recovery) but leaves an open one open (the hosts exist, they just fail: only a delivery
/// or ageing out closes it); an unknown answer changes nothing.
pub fn on_verdict(state: IncidentState, verdict: &Verdict) -> Option<IncidentState> {
    match (state, verdict) {
        (IncidentState::Closed, _) | (_, Verdict::Unknown { .. }) => None,
        (IncidentState::Open, v) if v.is_dead() => Some(IncidentState::Dead),
        (IncidentState::Dead, v) if v.is_routable() => Some(IncidentState::Closed),
        _ => None,
    }
}
