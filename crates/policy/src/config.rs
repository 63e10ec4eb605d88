//! The policy configuration: the default table in TOML (`default.toml`), a user file
//! merged over it field by field, validated into a [`Policy`].

use std::collections::BTreeMap;
use std::path::Path;

use bouncekit_core::{Kind, Reason};
use serde::{Deserialize, Serialize};

use crate::time::Span;

/// The default policy as TOML: the table of BRIEF.md.
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// What a rule does with a matching record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Suppress at once.
    Suppress,
    /// Count; suppress at the threshold-th within the window.
    Count,
    /// Raise a sender alert for the receiving provider.
    Alert,
    /// Clear the address's soft counts; a delivery closes its domain's incident.
    Clear,
    /// Nothing beyond storing the event.
    Ignore,
}

/// Where a suppression lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// The record's own scope (global when it has none).
    #[default]
    Record,
    /// The global scope, whatever the record's scope.
    Global,
}

/// A complete rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// What to do.
    pub action: Treatment,
    /// For `count`: the occurrence within `window` that suppresses (0 = never).
    pub threshold: u32,
    /// For `count`: the window occurrences are counted in.
    pub window: Span,
    /// How long a suppression lasts; `None` is forever.
    pub expiry: Option<Span>,
    /// Where a suppression lands.
    pub scope: Target,
}

/// A rule as written in TOML: every field optional, merged over the one below it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// `suppress`, `count`, `alert`, `clear` or `ignore`.
    pub action: Option<Treatment>,
    /// The threshold of `count`.
    pub threshold: Option<u32>,
    /// The window of `count`, e.g. `14d`.
    pub window: Option<Span>,
    /// `never` or a duration such as `7d`.
    pub expiry: Option<String>,
    /// `record` or `global`.
    pub scope: Option<Target>,
}

impl RawRule {
    fn merge(&mut self, over: &RawRule) {
        if over.action.is_some() {
            self.action = over.action;
        }
        if over.threshold.is_some() {
            self.threshold = over.threshold;
        }
        if over.window.is_some() {
            self.window = over.window;
        }
        if over.expiry.is_some() {
            self.expiry.clone_from(&over.expiry);
        }
        if over.scope.is_some() {
            self.scope = over.scope;
        }
    }
}

/// The `[incident]` table as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    /// Distinct failing recipients that open an incident.
    pub min_recipients: Option<u32>,
    /// The window they are counted in.
    pub window: Option<Span>,
    /// Reasons that count as system or host errors.
    pub reasons: Option<Vec<String>>,
    /// Status-code subjects that count (3 = mail system, 4 = network and routing).
    pub status_subjects: Option<Vec<u16>>,
    /// How long an incident stays open without a new failure.
    pub hold_for: Option<Span>,
}

/// The `[retention]` table as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetention {
    /// How long events are kept.
    pub events: Option<Span>,
    /// How long a quiet sender alert stays open.
    pub alerts: Option<Span>,
}

/// A policy file as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    /// Rules per kind (`hard`, `soft`, `block`, `complaint`, `auto_reply`, `delivered`,
    /// `undetermined`).
    #[serde(default)]
    pub kind: BTreeMap<String, RawRule>,
    /// Rules per reason (`mailboxfull`, …), overriding the kind's rule field by field.
    #[serde(default)]
    pub reason: BTreeMap<String, RawRule>,
    /// Domain incidents.
    #[serde(default)]
    pub incident: RawIncident,
    /// Retention.
    #[serde(default)]
    pub retention: RawRetention,
}

impl RawPolicy {
    /// Merges `over` into `self`, field by field.
    pub fn merge(&mut self, over: &RawPolicy) {
        for (k, r) in &over.kind {
            self.kind.entry(k.clone()).or_default().merge(r);
        }
        for (k, r) in &over.reason {
            self.reason.entry(k.clone()).or_default().merge(r);
        }
        let (i, o) = (&mut self.incident, &over.incident);
        i.min_recipients = o.min_recipients.or(i.min_recipients);
        i.window = o.window.or(i.window);
        if o.reasons.is_some() {
            i.reasons.clone_from(&o.reasons);
        }
        if o.status_subjects.is_some() {
            i.status_subjects.clone_from(&o.status_subjects);
        }
        i.hold_for = o.hold_for.or(i.hold_for);
        self.retention.events = over.retention.events.or(self.retention.events);
        self.retention.alerts = over.retention.alerts.or(self.retention.alerts);
    }
}

/// Why a policy is invalid.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// Not valid TOML, or an unknown key.
    #[error("policy is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// `[kind.X]` names no kind.
    #[error("[kind.{0}]: unknown kind; expected one of hard, soft, block, complaint, auto_reply, delivered, undetermined")]
    UnknownKind(String),
    /// `[reason.X]` names no reason.
    #[error("[reason.{0}]: unknown reason")]
    UnknownReason(String),
    /// A kind rule without an action.
    #[error("[kind.{0}]: no action")]
    MissingAction(String),
    /// A sender-side kind or reason told to suppress or count.
    #[error("[{0}]: sender-side blocks never suppress a recipient; use action = \"alert\" or \"ignore\"")]
    SenderSideSuppress(String),
    /// `count` without a window.
    #[error("[{0}]: action = \"count\" needs a window such as \"14d\"")]
    CountWithoutWindow(String),
    /// `suppress` with a threshold other than 1.
    #[error("[{0}]: action = \"suppress\" acts at once; use action = \"count\" with a threshold")]
    SuppressWithThreshold(String),
    /// An expiry that is neither `never` nor a duration.
    #[error("[{0}]: {1}")]
    Expiry(String, crate::time::TimeError),
    /// An incident setting out of range.
    #[error("[incident]: {0}")]
    Incident(String),
}

/// Incident detection settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentPolicy {
    /// Distinct failing recipients of one domain that open an incident.
    pub min_recipients: u32,
    /// The window they are counted in.
    pub window: Span,
    /// Reasons that count as system or host errors.
    pub reasons: Vec<Reason>,
    /// Status-code subjects that count.
    pub status_subjects: Vec<u16>,
    /// How long an incident stays open without a new failure.
    pub hold_for: Span,
}

/// Retention settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// How long events are kept.
    pub events: Span,
    /// How long a quiet sender alert stays open.
    pub alerts: Span,
}

/// A validated policy: one complete rule per kind, partial rules per reason, incident
/// and retention settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    kinds: BTreeMap<Kind, Rule>,
    reasons: BTreeMap<Reason, RawRule>,
    /// Domain incident detection.
    pub incident: IncidentPolicy,
    /// Retention.
    pub retention: Retention,
}

impl Default for Policy {
    fn default() -> Self {
        #[allow(clippy::expect_used)] // The embedded default is validated by the tests.
        Self::from_toml("").expect("the embedded default policy is valid")
    }
}

fn is_sender_side_kind(k: Kind) -> bool {
    k == Kind::Block
}

fn parse_expiry(what: &str, s: Option<&str>) -> Result<Option<Span>, PolicyError> {
    match s.map(str::trim) {
        None | Some("never") | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| PolicyError::Expiry(what.to_string(), e)),
    }
}

fn complete(what: &str, raw: &RawRule) -> Result<Rule, PolicyError> {
    let action = raw.action.ok_or_else(|| PolicyError::MissingAction(what.to_string()))?;
    let rule = Rule {
        action,
        threshold: raw.threshold.unwrap_or(if action == Treatment::Count { 0 } else { 1 }),
        window: raw.window.unwrap_or_default(),
        expiry: parse_expiry(what, raw.expiry.as_deref())?,
        scope: raw.scope.unwrap_or_default(),
    };
    check_rule(what, &rule)?;
    Ok(rule)
}

fn check_rule(what: &str, rule: &Rule) -> Result<(), PolicyError> {
    if rule.action == Treatment::Count && rule.threshold > 0 && rule.window.secs() == 0 {
        return Err(PolicyError::CountWithoutWindow(what.to_string()));
    }
    if rule.action == Treatment::Suppress && rule.threshold > 1 {
        return Err(PolicyError::SuppressWithThreshold(what.to_string()));
    }
    Ok(())
}

impl Policy {
    /// The default policy with `text` (a policy file) merged over it.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let mut raw: RawPolicy = toml::from_str(DEFAULT_TOML)?;
        let over: RawPolicy = toml::from_str(text)?;
        raw.merge(&over);
        Self::from_raw(&raw)
    }

    /// The default policy with the file at `path` merged over it.
    pub fn from_file(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io { path: path.display().to_string(), source })?;
        Self::from_toml(&text)
    }

    /// Validates a complete raw policy.
    pub fn from_raw(raw: &RawPolicy) -> Result<Self, PolicyError> {
        let mut kinds = BTreeMap::new();
        for (name, r) in &raw.kind {
            let kind: Kind = name.parse().map_err(|_| PolicyError::UnknownKind(name.clone()))?;
            let what = format!("kind.{name}");
            let rule = complete(&what, r)?;
            if is_sender_side_kind(kind) && matches!(rule.action, Treatment::Suppress | Treatment::Count) {
                return Err(PolicyError::SenderSideSuppress(what));
            }
            kinds.insert(kind, rule);
        }
        for k in Kind::ALL {
            if !kinds.contains_key(k) {
                return Err(PolicyError::MissingAction(format!("kind.{k}")));
            }
        }
        let mut reasons = BTreeMap::new();
        for (name, r) in &raw.reason {
            let reason: Reason = name.parse().map_err(|_| PolicyError::UnknownReason(name.clone()))?;
            let what = format!("reason.{name}");
            if crate::engine::BLOCK_REASONS.contains(&reason) && matches!(r.action, Some(Treatment::Suppress | Treatment::Count)) {
                return Err(PolicyError::SenderSideSuppress(what));
            }
            parse_expiry(&what, r.expiry.as_deref())?;
            reasons.insert(reason, r.clone());
        }
        let i = &raw.incident;
        let mut incident_reasons = Vec::new();
        for name in i.reasons.clone().unwrap_or_default() {
            incident_reasons.push(name.parse::<Reason>().map_err(|_| PolicyError::Incident(format!("unknown reason `{name}`")))?);
        }
        let incident = IncidentPolicy {
            min_recipients: i.min_recipients.unwrap_or(5),
            window: i.window.unwrap_or(Span::hours(1)),
            reasons: incident_reasons,
            status_subjects: i.status_subjects.clone().unwrap_or_default(),
            hold_for: i.hold_for.unwrap_or(Span::hours(24)),
        };
        if incident.min_recipients < 2 {
            return Err(PolicyError::Incident("min_recipients must be at least 2".into()));
        }
        let retention = Retention {
            events: raw.retention.events.unwrap_or(Span::days(365)),
            alerts: raw.retention.alerts.unwrap_or(Span::days(7)),
        };
        let policy = Self { kinds, reasons, incident, retention };
        // Every reason rule must give a valid rule over every kind it can meet.
        for (reason, r) in &policy.reasons {
            for kind in Kind::ALL {
                let mut base = RawRule::default();
                let k = &policy.kinds[kind];
                base.action = Some(k.action);
                base.merge(r);
                if base.action == Some(Treatment::Count) && base.window.is_none() && k.window.secs() == 0 && base.threshold.unwrap_or(k.threshold) > 0 {
                    return Err(PolicyError::CountWithoutWindow(format!("reason.{reason}")));
                }
            }
        }
        Ok(policy)
    }

    /// The rule for a record of `kind` and `reason`: the kind's rule with the reason's
    /// fields laid over it, and the name of the most specific table that applied.
    pub fn rule(&self, kind: Kind, reason: Reason) -> (Rule, String) {
        let base = self.kinds.get(&kind).cloned().unwrap_or(Rule {
            action: Treatment::Ignore,
            threshold: 1,
            window: Span::default(),
            expiry: None,
            scope: Target::Record,
        });
        let Some(over) = self.reasons.get(&reason) else {
            return (base, format!("kind.{kind}"));
        };
        let action = over.action.unwrap_or(base.action);
        let rule = Rule {
            action,
            threshold: over.threshold.unwrap_or(if action == base.action { base.threshold } else if action == Treatment::Count { 0 } else { 1 }),
            window: over.window.unwrap_or(base.window),
            expiry: match &over.expiry {
                Some(e) => parse_expiry("", Some(e)).ok().flatten(),
                None => base.expiry,
            },
            scope: over.scope.unwrap_or(base.scope),
        };
        (rule, format!("reason.{reason}"))
    }

    /// The longest counting window of any rule: how long soft history must be kept.
    pub fn longest_window(&self) -> Span {
        let k = self.kinds.values().map(|r| r.window);
        let r = self.reasons.values().filter_map(|r| r.window);
        k.chain(r).max().unwrap_or_default().max(self.incident.window)
    }
}
