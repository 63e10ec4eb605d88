//! OpenAPI schemas of types owned by other crates (`bouncekit-core`, `bouncekit-store`),
//! which cannot derive `ToSchema` themselves. Each mirrors the serde output of its type
//! field by field; the schemathesis run in CI checks the responses against them, so a
//! drift shows as a failure there.
#![allow(dead_code)]

use std::collections::BTreeMap;

use utoipa::ToSchema;

/// Where a record came from.
#[derive(ToSchema)]
pub struct OriginDoc {
    /// file, stdin, reply, log, webhook, listener, mailbox or api.
    kind: String,
    /// A path, URL, provider event id.
    name: String,
}

/// One recipient of one bounce, classified.
#[derive(ToSchema)]
#[schema(as = Record)]
pub struct RecordDoc {
    /// The address that bounced.
    recipient: String,
    /// The original sender.
    sender: Option<String>,
    /// Tenant or list scope; null is global.
    scope: Option<String>,
    /// Enhanced status code (`5.1.1`).
    status: Option<String>,
    /// Basic reply code (`550`).
    reply_code: Option<String>,
    /// Reply and status code disagree in class.
    code_mismatch: bool,
    /// The diagnostic text.
    diagnostic: String,
    /// Its type (`SMTP`, `X-Postfix`…).
    diagnostic_type: Option<String>,
    /// One of the 34 reasons (`userunknown`…).
    reason: String,
    /// hard, soft, block, complaint, auto_reply, delivered, undetermined.
    kind: String,
    /// Sisimai's hardbounce.
    hard_bounce: bool,
    /// recipient, sender, message, network, unknown.
    blame: String,
    /// The recommended action.
    action: String,
    /// The MTA that refused.
    remote_mta: Option<String>,
    /// The MTA that reported.
    reporting_mta: Option<String>,
    /// The SMTP command answered.
    smtp_command: Option<String>,
    /// DSN Action field.
    dsn_action: Option<String>,
    /// Unix seconds.
    timestamp: Option<i64>,
    /// Original Message-ID.
    message_id: Option<String>,
    /// Original Subject.
    subject: Option<String>,
    /// The format that produced it.
    format: String,
    /// ARF feedback type.
    feedback_type: Option<String>,
    /// Where it came from.
    origin: OriginDoc,
    /// Selected original headers.
    headers: BTreeMap<String, String>,
}

/// A suppression list entry.
#[derive(ToSchema)]
#[schema(as = Suppression)]
pub struct SuppressionDoc {
    /// Normalised address.
    address: String,
    /// global, tenant:NAME or list:NAME.
    scope: String,
    /// The address's domain.
    domain: String,
    /// The kind that caused it, or manual.
    kind: String,
    /// The reason that caused it, or manual.
    reason: String,
    /// Last status code.
    status_code: Option<String>,
    /// active, expired or removed.
    status: String,
    /// First evidence (RFC 3339).
    first_seen: String,
    /// Last evidence (RFC 3339).
    last_seen: String,
    /// Contributing events.
    count: i64,
    /// Expiry (RFC 3339); null is never.
    expires_at: Option<String>,
    /// ingest, manual or import.
    source: String,
    /// A note.
    note: Option<String>,
    /// Who created it.
    created_by: Option<String>,
}

/// The answer to "may I send to this address?".
#[derive(ToSchema)]
#[schema(as = Check)]
pub struct CheckDoc {
    /// The address as asked.
    input: String,
    /// Its normalised form (null when invalid).
    address: Option<String>,
    /// allowed, suppressed, held or invalid.
    verdict: String,
    /// Scope of the suppression that answered.
    scope: Option<String>,
    /// Its kind.
    kind: Option<String>,
    /// Its reason.
    reason: Option<String>,
    /// When it lapses (RFC 3339).
    expires_at: Option<String>,
    /// One line for people.
    detail: String,
}

/// What an ingest did (actions taken).
#[derive(ToSchema)]
#[schema(as = IngestOutcome)]
pub struct IngestOutcomeDoc {
    /// Records given.
    records: u64,
    /// New events stored.
    new_events: u64,
    /// Already stored: nothing changed.
    duplicates: u64,
    /// Recipients that are not addresses.
    invalid: u64,
    /// Suppressions made or renewed.
    suppressed: u64,
    /// Soft bounces counted.
    counted: u64,
    /// Deliveries that cleared soft counts.
    cleared: u64,
    /// Sender alerts raised or bumped.
    alerts: u64,
    /// Domain incidents opened.
    incidents_opened: u64,
    /// Failures held by an incident.
    held: u64,
    /// Suppressions released by an incident.
    released: u64,
    /// Incidents closed by a delivery.
    incidents_closed: u64,
}

/// A row an import refused.
#[derive(ToSchema)]
pub struct RowErrorDoc {
    /// Data row, from 1.
    row: u64,
    /// What is wrong.
    message: String,
}

/// What an import did.
#[derive(ToSchema)]
#[schema(as = ImportOutcome)]
pub struct ImportOutcomeDoc {
    /// Rows read.
    rows: u64,
    /// New suppressions.
    inserted: u64,
    /// Changed suppressions.
    updated: u64,
    /// Identical rows.
    unchanged: u64,
    /// Refused rows.
    errors: Vec<RowErrorDoc>,
}

/// Statistics of one receiving domain.
#[derive(ToSchema)]
#[schema(as = DomainStat)]
pub struct DomainStatDoc {
    /// The domain.
    domain: String,
    /// Events.
    total: i64,
    /// Hard bounces.
    hard: i64,
    /// Soft bounces.
    soft: i64,
    /// Blocks.
    block: i64,
    /// Complaints.
    complaint: i64,
    /// Deliveries.
    delivered: i64,
    /// Everything else.
    other: i64,
    /// State of its current incident: open or dead.
    incident: Option<String>,
}

/// A domain incident.
#[derive(ToSchema)]
#[schema(as = Incident)]
pub struct IncidentDoc {
    /// Id.
    id: i64,
    /// Domain.
    domain: String,
    /// open, dead or closed.
    state: String,
    /// RFC 3339.
    opened_at: String,
    /// RFC 3339.
    last_failure_at: String,
    /// RFC 3339.
    closed_at: Option<String>,
    /// Why it closed.
    close_cause: Option<String>,
    /// Failing recipients when it opened.
    recipients: i64,
    /// Failures counted.
    failures: i64,
    /// Suppressions released.
    released: i64,
    /// Last DNS verdict.
    dns_verdict: Option<String>,
    /// Its detail.
    dns_detail: Option<String>,
    /// RFC 3339.
    dns_checked_at: Option<String>,
}

/// A sender alert.
#[derive(ToSchema)]
#[schema(as = SenderAlert)]
pub struct SenderAlertDoc {
    /// The receiving provider.
    provider: String,
    /// The reason.
    reason: String,
    /// open or resolved.
    state: String,
    /// RFC 3339.
    first_seen: String,
    /// RFC 3339.
    last_seen: String,
    /// Blocks counted.
    count: i64,
    /// Latest status code.
    last_status: Option<String>,
    /// Latest diagnostic.
    last_diagnostic: Option<String>,
    /// Latest remote MTA.
    last_remote_mta: Option<String>,
    /// A recipient domain that saw it.
    sample_domain: Option<String>,
}

/// One line of a time series.
#[derive(ToSchema)]
#[schema(as = ReportRow)]
pub struct ReportRowDoc {
    /// Period start (RFC 3339).
    bucket: String,
    /// Kind, reason or domain.
    key: String,
    /// Events.
    count: i64,
    /// Share of the period's events, 0–1.
    share: f64,
}

/// What a forget removed.
#[derive(ToSchema)]
#[schema(as = ForgetOutcome)]
pub struct ForgetOutcomeDoc {
    /// Events deleted.
    events: u64,
    /// Suppressions deleted.
    suppressions: u64,
    /// Soft counts deleted.
    soft_bounces: u64,
    /// Audit entries redacted.
    audit_redacted: u64,
    /// A tombstone was kept.
    tombstone: bool,
}
