//! The decision: a record, what the store knows about its address and domain, and the
//! clock in; effects out.

use bouncekit_core::{Kind, Reason, Record};
use serde::Serialize;

use crate::config::{Policy, Target, Treatment};
use crate::dns::IncidentState;
use crate::scope::Scope;
use crate::time::Clock;
use crate::{address, provider};

/// Who a record is about, and what history the store must load to decide it
/// (see [`Policy::subject`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// The normalised recipient address.
    pub address: String,
    /// Its domain.
    pub domain: String,
    /// The record's scope.
    pub scope: Scope,
    /// When the record happened: its timestamp, or now when it has none or claims a
    /// future time. Windows and expiry count from here.
    pub at: i64,
    /// The scope of the address's soft counter, and the earliest count that matters;
    /// `None` when the rule does not count.
    pub counter: Option<(Scope, i64)>,
    /// True when the record is a system or host error that counts towards a domain
    /// incident.
    pub incident_class: bool,
    /// The earliest domain failure that counts towards an incident.
    pub incident_since: i64,
}

/// What the store knows that matters for one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Instants of counted records of the address in the counter scope, since
    /// `Subject::counter`'s bound (older entries are ignored).
    pub soft: Vec<i64>,
    /// The state of the domain's current incident, if one is open or dead.
    pub incident: Option<IncidentState>,
    /// Incident-class failures of the domain since `Subject::incident_since`: address and
    /// instant. Other addresses are counted once each; the record's own is ignored.
    pub domain_failures: Vec<(String, i64)>,
}

/// One thing the store must do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// Suppress the address in `scope` until `expires_at` (forever when `None`).
    Suppress {
        /// Where.
        scope: Scope,
        /// Until when.
        expires_at: Option<i64>,
    },
    /// Count the record for the address in `scope`; `count` is the count within the
    /// window including this record.
    CountSoft {
        /// The counter's scope.
        scope: Scope,
        /// The count after this record.
        count: u32,
    },
    /// Clear every soft counter of the address: it received mail.
    ClearSoft,
    /// Raise (or bump) the sender alert for a receiving provider.
    Alert {
        /// The provider (`google`, `microsoft`, or the recipient domain).
        provider: String,
    },
    /// Open an incident for the domain; release suppressions made for incident-class
    /// causes at this domain since `since`.
    OpenIncident {
        /// The domain.
        domain: String,
        /// The start of the window that filled.
        since: i64,
        /// Distinct failing recipients in the window, this one included.
        recipients: u32,
    },
    /// The domain already has an incident: note the failure there, suppress nothing.
    HoldForIncident {
        /// The domain.
        domain: String,
    },
    /// Mail flows to the domain again: close its incident.
    CloseIncident {
        /// The domain.
        domain: String,
    },
}

/// The decision for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The rule that decided: `kind.hard`, `reason.mailboxfull`, `incident.open`,
    /// `incident.hold`, `sender-side`, `invalid-address`.
    pub rule: String,
    /// What to do, in order.
    pub effects: Vec<Effect>,
}

impl Decision {
    /// The suppression effect, if any.
    pub fn suppression(&self) -> Option<(&Scope, Option<i64>)> {
        self.effects.iter().find_map(|e| match e {
            Effect::Suppress { scope, expires_at } => Some((scope, *expires_at)),
            _ => None,
        })
    }
}

/// Reasons where the receiver refuses the sender or the message, never the recipient
/// (the block row of the default table, as `bouncekit-classify` assigns `Kind::Block`).
/// `toomanyconn` is not among them: the BRIEF counts it as a soft bounce.
pub const BLOCK_REASONS: &[Reason] = &[
    Reason::Blocked,
    Reason::SpamDetected,
    Reason::BadReputation,
    Reason::PolicyViolation,
    Reason::RequirePtr,
    Reason::AuthFailure,
    Reason::SecurityError,
    Reason::VirusDetected,
    Reason::ContentError,
    Reason::NoRelaying,
    Reason::Speeding,
    Reason::Rejected,
    Reason::MesgTooBig,
    Reason::ExceedLimit,
    Reason::NotCompliantRfc,
    Reason::SyntaxError,
];

/// True when a record is a sender-side block: the recipient is fine and must never be
/// suppressed for it. That is every `Kind::Block` record, and a hard, soft or
/// undetermined one whose reason is a block reason (inputs that were classified
/// elsewhere). Complaints, deliveries and auto-replies are never blocks.
pub fn is_sender_side(r: &Record) -> bool {
    match r.kind {
        Kind::Block => true,
        Kind::Hard | Kind::Soft | Kind::Undetermined => BLOCK_REASONS.contains(&r.reason),
        Kind::Complaint | Kind::AutoReply | Kind::Delivered => false,
    }
}

impl Policy {
    /// True when a record is a system or host error that counts towards a domain
    /// incident: a hard or soft failure, not sender-side, with an incident reason or an
    /// incident status subject (X.3.x, X.4.x by default).
    pub fn is_incident_class(&self, r: &Record) -> bool {
        matches!(r.kind, Kind::Hard | Kind::Soft)
            && !is_sender_side(r)
            && (self.incident.reasons.contains(&r.reason)
                || r.status.is_some_and(|s| s.class() != 2 && self.incident.status_subjects.contains(&s.subject())))
    }

    /// Who a record is about and which history to load; `None` when the recipient is not
    /// an address (the store keeps the event, nothing is decided).
    pub fn subject(&self, r: &Record, clock: &dyn Clock) -> Option<Subject> {
        let address = address::normalise(&r.recipient)?;
        let domain = address::domain_of(&address).to_string();
        let now = clock.now();
        let at = r.timestamp.filter(|t| *t <= now && *t > 0).unwrap_or(now);
        let scope = Scope::of_record(r.scope.as_deref());
        let (rule, _) = self.rule(r.kind, r.reason);
        let counter = (rule.action == Treatment::Count && !is_sender_side(r)).then(|| (target(&scope, rule.scope), at - rule.window.secs()));
        Some(Subject {
            address,
            domain,
            scope,
            at,
            counter,
            incident_class: self.is_incident_class(r),
            incident_since: at - self.incident.window.secs(),
        })
    }

    /// Decides a record against its history.
    pub fn decide(&self, r: &Record, s: &Subject, h: &History) -> Decision {
        let (rule, mut name) = self.rule(r.kind, r.reason);
        let mut effects = Vec::new();
        let mut action = rule.action;
        if is_sender_side(r) && matches!(action, Treatment::Suppress | Treatment::Count) {
            action = Treatment::Alert;
            name = "sender-side".into();
        }
        if s.incident_class {
            if h.incident.is_some_and(|st| st != IncidentState::Closed) {
                effects.push(Effect::HoldForIncident { domain: s.domain.clone() });
                return Decision { rule: "incident.hold".into(), effects };
            }
            let mut others: Vec<&str> = h
                .domain_failures
                .iter()
                .filter(|(a, t)| *a != s.address && *t > s.incident_since && *t <= s.at)
                .map(|(a, _)| a.as_str())
                .collect();
            others.sort_unstable();
            others.dedup();
            let recipients = others.len() as u32 + 1;
            if recipients >= self.incident.min_recipients {
                effects.push(Effect::OpenIncident { domain: s.domain.clone(), since: s.incident_since, recipients });
                return Decision { rule: "incident.open".into(), effects };
            }
        }
        let expires = |at: i64| rule.expiry.map(|e| at + e.secs());
        match action {
            Treatment::Suppress => effects.push(Effect::Suppress { scope: target(&s.scope, rule.scope), expires_at: expires(s.at) }),
            Treatment::Count => {
                let (scope, since) = s.counter.clone().unwrap_or_else(|| (target(&s.scope, rule.scope), s.at - rule.window.secs()));
                let prior = h.soft.iter().filter(|t| **t > since && **t <= s.at).count() as u32;
                let count = prior + 1;
                effects.push(Effect::CountSoft { scope: scope.clone(), count });
                if rule.threshold > 0 && count >= rule.threshold {
                    effects.push(Effect::Suppress { scope, expires_at: expires(s.at) });
                }
            }
            Treatment::Alert => effects.push(Effect::Alert { provider: provider::of_record(r) }),
            Treatment::Clear => {
                effects.push(Effect::ClearSoft);
                if r.kind == Kind::Delivered && h.incident.is_some_and(|st| st != IncidentState::Closed) {
                    effects.push(Effect::CloseIncident { domain: s.domain.clone() });
                }
            }
            Treatment::Ignore => {}
        }
        Decision { rule: name, effects }
    }

    /// [`subject`](Self::subject) and [`decide`](Self::decide) in one, for callers that
    /// already hold the history.
    pub fn decide_now(&self, r: &Record, h: &History, clock: &dyn Clock) -> Decision {
        match self.subject(r, clock) {
            Some(s) => self.decide(r, &s, h),
            None => Decision { rule: "invalid-address".into(), effects: Vec::new() },
        }
    }
}

fn target(scope: &Scope, t: Target) -> Scope {
    match t {
        Target::Record => scope.clone(),
        Target::Global => Scope::Global,
    }
}
