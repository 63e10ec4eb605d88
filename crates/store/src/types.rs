//! The rows the store hands out and takes in.

use bouncekit_policy::{IncidentState, Scope};
use serde::{Deserialize, Serialize};

use crate::ts;

/// The state of a suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionStatus {
    /// In force (unless `expires_at` has passed: checks compare with the clock).
    #[default]
    Active,
    /// Its expiry passed (set by cleanup).
    Expired,
    /// Removed by hand or released by a domain incident.
    Removed,
}

impl SuppressionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionStatus::Active => "active",
            SuppressionStatus::Expired => "expired",
            SuppressionStatus::Removed => "removed",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "active" => Some(SuppressionStatus::Active),
            "expired" => Some(SuppressionStatus::Expired),
            "removed" => Some(SuppressionStatus::Removed),
            _ => None,
        }
    }
}

/// One entry of the suppression list. Times are Unix seconds, written as RFC 3339 in
/// JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// Normalised address.
    pub address: String,
    /// Where it applies.
    #[serde(default)]
    pub scope: Scope,
    /// The address's domain.
    #[serde(default)]
    pub domain: String,
    /// The kind that caused it (`hard`, `soft`, `complaint`…) or `manual`.
    #[serde(default = "manual")]
    pub kind: String,
    /// The reason that caused it (`userunknown`…) or `manual`.
    #[serde(default = "manual")]
    pub reason: String,
    /// The last enhanced status code seen.
    #[serde(default)]
    pub status_code: Option<String>,
    /// Active, expired or removed.
    #[serde(default)]
    pub status: SuppressionStatus,
    /// First evidence.
    #[serde(with = "ts", default)]
    pub first_seen: i64,
    /// Last evidence.
    #[serde(with = "ts", default)]
    pub last_seen: i64,
    /// How many events (or manual adds) contributed.
    #[serde(default)]
    pub count: i64,
    /// When it lapses; `None` is never.
    #[serde(with = "ts::opt", default)]
    pub expires_at: Option<i64>,
    /// `ingest`, `manual` or `import`.
    #[serde(default = "manual")]
    pub source: String,
    /// A free-text note.
    #[serde(default)]
    pub note: Option<String>,
    /// Who created it (`policy` for ingested evidence).
    #[serde(default)]
    pub created_by: Option<String>,
}

fn manual() -> String {
    "manual".into()
}

/// What a check answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckVerdict {
    /// Send.
    Allowed,
    /// Do not send: the address (or its whole domain) is suppressed.
    Suppressed,
    /// Do not send now: the domain has an open incident.
    Held,
    /// Not an address.
    Invalid,
}

impl CheckVerdict {
    /// The name printed and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckVerdict::Allowed => "allowed",
            CheckVerdict::Suppressed => "suppressed",
            CheckVerdict::Held => "held",
            CheckVerdict::Invalid => "invalid",
        }
    }
}

/// The answer to "may I send to this address?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The address as asked.
    pub input: String,
    /// Its normalised form.
    pub address: Option<String>,
    /// The answer.
    pub verdict: CheckVerdict,
    /// The scope of the suppression that answered.
    pub scope: Option<Scope>,
    /// Its kind (`hard`, `complaint`, `manual`, `domain`, `forgotten`).
    pub kind: Option<String>,
    /// Its reason.
    pub reason: Option<String>,
    /// When it lapses.
    #[serde(with = "ts::opt", default)]
    pub expires_at: Option<i64>,
    /// One line for people: `suppressed: userunknown (global)`, `held: domain incident`.
    pub detail: String,
}

impl Check {
    /// True unless suppressed, held or invalid.
    pub fn is_allowed(&self) -> bool {
        self.verdict == CheckVerdict::Allowed
    }
}

/// A suppression added by hand.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewSuppression {
    /// The address (normalised by the store).
    pub address: String,
    /// Where.
    pub scope: Scope,
    /// Kind (default `manual`).
    pub kind: Option<String>,
    /// Reason (default `manual`).
    pub reason: Option<String>,
    /// When it lapses.
    pub expires_at: Option<i64>,
    /// A note.
    pub note: Option<String>,
}

/// Which suppressions to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SuppressionFilter {
    /// Only this scope.
    pub scope: Option<Scope>,
    /// Only this status (`None`: every status).
    pub status: Option<SuppressionStatus>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this reason.
    pub reason: Option<String>,
    /// Only this domain.
    pub domain: Option<String>,
    /// Only addresses containing this text.
    pub contains: Option<String>,
    /// Only suppressions seen at or after this instant.
    pub since: Option<i64>,
    /// At most this many (0: no limit).
    pub limit: usize,
    /// Skip this many.
    pub offset: usize,
}

/// A domain incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// Its id.
    pub id: i64,
    /// The domain.
    pub domain: String,
    /// Open, dead or closed.
    pub state: IncidentState,
    /// When it opened (the failure that filled the window).
    #[serde(with = "ts")]
    pub opened_at: i64,
    /// The latest failure counted.
    #[serde(with = "ts")]
    pub last_failure_at: i64,
    /// When it closed.
    #[serde(with = "ts::opt")]
    pub closed_at: Option<i64>,
    /// Why it closed: `delivery`, `dns recovery`, `aged out`.
    pub close_cause: Option<String>,
    /// Distinct failing recipients when it opened.
    pub recipients: i64,
    /// Failures counted (opening ones and held ones).
    pub failures: i64,
    /// Suppressions released when it opened.
    pub released: i64,
    /// The last DNS verdict (`mx`, `null_mx`, `nxdomain`…).
    pub dns_verdict: Option<String>,
    /// Its detail (MX hosts, error).
    pub dns_detail: Option<String>,
    /// When DNS was last checked.
    #[serde(with = "ts::opt")]
    pub dns_checked_at: Option<i64>,
}

/// Statistics of one receiving domain over a period, with its current incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainStat {
    /// The domain.
    pub domain: String,
    /// Events.
    pub total: i64,
    /// Hard bounces.
    pub hard: i64,
    /// Soft bounces.
    pub soft: i64,
    /// Blocks.
    pub block: i64,
    /// Complaints.
    pub complaint: i64,
    /// Deliveries.
    pub delivered: i64,
    /// Everything else.
    pub other: i64,
    /// The state of its current (not closed) incident.
    pub incident: Option<IncidentState>,
}

/// A sender alert: a receiving provider blocks us for a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SenderAlert {
    /// The provider (`google`, `microsoft`, or a domain).
    pub provider: String,
    /// The reason (`blocked`, `spamdetected`…).
    pub reason: String,
    /// `open` or `resolved`.
    pub state: String,
    /// First block.
    #[serde(with = "ts")]
    pub first_seen: i64,
    /// Latest block.
    #[serde(with = "ts")]
    pub last_seen: i64,
    /// Blocks counted.
    pub count: i64,
    /// Latest status code.
    pub last_status: Option<String>,
    /// Latest diagnostic text.
    pub last_diagnostic: Option<String>,
    /// Latest remote MTA.
    pub last_remote_mta: Option<String>,
    /// A recipient domain that saw it.
    pub sample_domain: Option<String>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Its id.
    pub id: i64,
    /// When.
    #[serde(with = "ts")]
    pub at: i64,
    /// Who.
    pub actor: String,
    /// What: `add`, `remove`, `import`, `forget`.
    pub action: String,
    /// Scope touched.
    pub scope: Option<String>,
    /// Address touched (cleared when the address is forgotten).
    pub address: Option<String>,
    /// Details as JSON.
    pub detail: Option<String>,
}

/// What one ingested message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct IngestOutcome {
    /// Records given.
    pub records: u64,
    /// Events stored (new).
    pub new_events: u64,
    /// Records already stored (same dedupe key): nothing changed.
    pub duplicates: u64,
    /// Records whose recipient is not an address (stored, nothing decided).
    pub invalid: u64,
    /// Suppressions made or renewed.
    pub suppressed: u64,
    /// Soft bounces counted.
    pub counted: u64,
    /// Deliveries that cleared soft counts.
    pub cleared: u64,
    /// Sender alerts raised or bumped.
    pub alerts: u64,
    /// Incidents opened.
    pub incidents_opened: u64,
    /// Failures held by an incident instead of suppressed.
    pub held: u64,
    /// Suppressions released by an opening incident.
    pub released: u64,
    /// Incidents closed by a delivery.
    pub incidents_closed: u64,
}

impl IngestOutcome {
    /// Adds another outcome.
    pub fn add(&mut self, o: &IngestOutcome) {
        self.records += o.records;
        self.new_events += o.new_events;
        self.duplicates += o.duplicates;
        self.invalid += o.invalid;
        self.suppressed += o.suppressed;
        self.counted += o.counted;
        self.cleared += o.cleared;
        self.alerts += o.alerts;
        self.incidents_opened += o.incidents_opened;
        self.held += o.held;
        self.released += o.released;
        self.incidents_closed += o.incidents_closed;
    }
}

/// Sizes of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Events.
    pub events: i64,
    /// Active suppressions.
    pub suppressions_active: i64,
    /// Suppressions of any status.
    pub suppressions: i64,
    /// Counted soft bounces.
    pub soft_bounces: i64,
    /// Incidents open or dead.
    pub incidents_current: i64,
    /// Open sender alerts.
    pub alerts_open: i64,
    /// Tombstones.
    pub tombstones: i64,
    /// Audit log entries.
    pub audit: i64,
}

/// What `report` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportBy {
    /// Kind.
    Kind,
    /// Reason.
    Reason,
    /// Receiving domain.
    Domain,
}

/// One line of a report: in the period starting at `bucket`, `count` events had `key`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    /// Start of the period.
    #[serde(with = "ts")]
    pub bucket: i64,
    /// The kind, reason or domain.
    pub key: String,
    /// Events.
    pub count: i64,
    /// Share of all events of the period, 0–1.
    pub share: f64,
}

/// What `forget` removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ForgetOutcome {
    /// Events deleted.
    pub events: u64,
    /// Suppressions deleted.
    pub suppressions: u64,
    /// Soft-bounce counts deleted.
    pub soft_bounces: u64,
    /// Audit entries whose address was cleared.
    pub audit_redacted: u64,
    /// True when a tombstone was kept.
    pub tombstone: bool,
}

/// What `cleanup` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CleanupOutcome {
    /// Suppressions whose expiry passed, marked expired.
    pub expired_suppressions: u64,
    /// Soft-bounce counts older than the longest window, deleted.
    pub soft_bounces_pruned: u64,
    /// Events past retention, deleted.
    pub events_pruned: u64,
    /// Open incidents with no failure for `hold_for`, closed.
    pub incidents_aged_out: u64,
    /// Quiet sender alerts, resolved.
    pub alerts_resolved: u64,
    /// True when the database was vacuumed.
    pub vacuumed: bool,
    /// True when nothing was done because another node was running cleanup (several
    /// nodes on one PostgreSQL database clean up one at a time).
    pub skipped: bool,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Rows read.
    pub rows: u64,
    /// New suppressions.
    pub inserted: u64,
    /// Suppressions changed.
    pub updated: u64,
    /// Rows identical to what is stored.
    pub unchanged: u64,
    /// Rows refused, with their row number (1 = first data row) and why.
    pub errors: Vec<RowError>,
}

/// A row an import refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The data row, counting from 1 (for CSV, the line after the header is row 1).
    pub row: u64,
    /// What is wrong.
    pub message: String,
}

/// Which events [`Store::events`](crate::Store::events) lists. Empty fields match all.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this (normalised) address.
    pub address: Option<String>,
    /// Only this domain.
    pub domain: Option<String>,
    /// Only this kind (`hard`, `soft`, `block`…).
    pub kind: Option<String>,
    /// Only this reason.
    pub reason: Option<String>,
    /// Only events from this kind of input (`file`, `stdin`, `log`, `webhook`,
    /// `listener`, `mailbox`, `api`…: [`OriginKind`](bouncekit_core::OriginKind) names).
    pub source: Option<String>,
    /// Only events at or after this instant (Unix seconds).
    pub since: Option<i64>,
    /// Only events before this instant.
    pub until: Option<i64>,
    /// Only events with an id below this: the paging cursor, newest first.
    pub before_id: Option<i64>,
    /// Only the event with this id.
    pub id: Option<i64>,
    /// At most this many (0: 100).
    pub limit: usize,
}

/// One stored event: a record and the decision the policy took on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEvent {
    /// The event's id (increasing; the paging cursor).
    pub id: i64,
    /// When it happened (Unix seconds).
    pub at: i64,
    /// When it was stored.
    pub ingested_at: i64,
    /// The normalised recipient.
    pub address: String,
    /// Its domain.
    pub domain: String,
    /// Its scope.
    pub scope: String,
    /// hard, soft, block, complaint, auto_reply, delivered or undetermined.
    pub kind: String,
    /// The reason.
    pub reason: String,
    /// The enhanced status code.
    pub status_code: Option<String>,
    /// The reply code.
    pub reply_code: Option<String>,
    /// The policy rule that decided it.
    pub rule: String,
    /// The effects applied (a JSON array).
    pub effects: serde_json::Value,
    /// The input it came from (a path, a mailbox URL, an event id…).
    pub origin: String,
    /// What kind of input that is (an [`OriginKind`](bouncekit_core::OriginKind) name).
    pub source: String,
    /// The format that produced it.
    pub format: String,
    /// The full record (JSON).
    pub record: serde_json::Value,
}
