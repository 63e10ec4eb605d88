//! Every SQL statement the store runs, in portable SQL: `?N` placeholders (rewritten to
//! `$N` for PostgreSQL by [`crate::dialect::numbered_dollar`]), `INSERT … ON CONFLICT`,
//! `RETURNING`, `CASE` instead of `MAX(a, b)`/`GREATEST`, integer arithmetic on Unix
//! seconds, `CAST(… AS BIGINT)` where PostgreSQL would widen. The same text runs on SQLite
//! and PostgreSQL; what is each database's own (pragmas, vacuum, advisory locks, key
//! columns) lives in `dialect.rs`, the backends and `migrations/{sqlite,postgres}/`.

/// Is an event with this dedupe key stored?
pub const EVENT_EXISTS: &str = "SELECT 1 FROM events WHERE dedupe_key = ?1";

/// Stores an event.
pub const EVENT_INSERT: &str = "INSERT INTO events (dedupe_key, at, ingested_at, address, domain, scope, kind, reason, status_code, reply_code, incident_class, rule, effects, origin, format, record, source) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING id";

/// Columns of an event row, in the order the event reader reads them.
pub const EVENT_COLUMNS: &str = "id, at, ingested_at, address, domain, scope, kind, reason, status_code, reply_code, rule, effects, origin, format, record, source";

/// Soft-bounce history of an address in a scope since an instant.
pub const SOFT_HISTORY: &str = "SELECT at FROM soft_bounces WHERE address = ?1 AND scope = ?2 AND at > ?3";

/// Counts a soft bounce.
pub const SOFT_INSERT: &str = "INSERT INTO soft_bounces (address, scope, at, event_id) VALUES (?1, ?2, ?3, ?4)";

/// Clears an address's soft counts (every scope).
pub const SOFT_CLEAR: &str = "DELETE FROM soft_bounces WHERE address = ?1";

/// Clears an address's soft counts in one scope.
pub const SOFT_CLEAR_SCOPE: &str = "DELETE FROM soft_bounces WHERE address = ?1 AND scope = ?2";

/// The state of a domain's current incident.
pub const INCIDENT_CURRENT: &str = "SELECT state FROM incidents WHERE domain = ?1 AND state <> 'closed'";

/// Distinct other addresses of a domain with incident-class failures in a window.
pub const DOMAIN_FAILURES: &str = "SELECT address, MAX(at) FROM events \
     WHERE domain = ?1 AND incident_class = 1 AND at > ?2 AND at <= ?3 AND address <> ?4 \
     GROUP BY address LIMIT ?5";

/// A suppression is lapsed (not in force) when it is not active or its expiry passed.
/// Used inside the upserts below; `?10` is now.
const LAPSED: &str = "(suppressions.status <> 'active' OR (suppressions.expires_at IS NOT NULL AND suppressions.expires_at <= ?10))";

/// Suppresses an address on evidence (an ingested event). A lapsed suppression starts
/// over; one in force keeps the longer expiry (none beats any) and counts the event.
pub fn suppress_upsert() -> String {
    format!(
        "INSERT INTO suppressions (address, scope, domain, kind, reason, status_code, status, first_seen, last_seen, count, expires_at, source, note, created_by, incident_class, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?7, 1, ?8, 'ingest', NULL, 'policy', ?9, ?10) \
         ON CONFLICT (address, scope) DO UPDATE SET \
           kind = CASE WHEN {l} OR excluded.expires_at IS NULL THEN excluded.kind ELSE suppressions.kind END, \
           reason = CASE WHEN {l} OR excluded.expires_at IS NULL THEN excluded.reason ELSE suppressions.reason END, \
           status_code = CASE WHEN {l} OR excluded.expires_at IS NULL THEN excluded.status_code ELSE suppressions.status_code END, \
           first_seen = CASE WHEN {l} THEN excluded.first_seen ELSE suppressions.first_seen END, \
           last_seen = CASE WHEN excluded.last_seen > suppressions.last_seen THEN excluded.last_seen ELSE suppressions.last_seen END, \
           count = CASE WHEN {l} THEN 1 ELSE suppressions.count + 1 END, \
           expires_at = CASE \
             WHEN {l} THEN excluded.expires_at \
             WHEN suppressions.expires_at IS NULL OR excluded.expires_at IS NULL THEN NULL \
             WHEN excluded.expires_at > suppressions.expires_at THEN excluded.expires_at \
             ELSE suppressions.expires_at END, \
           source = CASE WHEN {l} THEN excluded.source ELSE suppressions.source END, \
           note = CASE WHEN {l} THEN NULL ELSE suppressions.note END, \
           created_by = CASE WHEN {l} THEN excluded.created_by ELSE suppressions.created_by END, \
           incident_class = excluded.incident_class, \
           status = 'active', \
           updated_at = excluded.updated_at",
        l = LAPSED
    )
}

/// Adds a suppression by hand (or replaces one): the row says what it is.
pub const SUPPRESSION_PUT: &str = "INSERT INTO suppressions (address, scope, domain, kind, reason, status_code, status, first_seen, last_seen, count, expires_at, source, note, created_by, incident_class, updated_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0, ?15) \
     ON CONFLICT (address, scope) DO UPDATE SET domain = excluded.domain, kind = excluded.kind, reason = excluded.reason, \
       status_code = excluded.status_code, status = excluded.status, first_seen = excluded.first_seen, last_seen = excluded.last_seen, \
       count = excluded.count, expires_at = excluded.expires_at, source = excluded.source, note = excluded.note, \
       created_by = excluded.created_by, incident_class = 0, updated_at = excluded.updated_at";

/// Columns of a suppression row, in the order `row_suppression` reads them.
pub const SUPPRESSION_COLUMNS: &str = "address, scope, domain, kind, reason, status_code, status, first_seen, last_seen, count, expires_at, source, note, created_by";

/// One suppression.
pub const SUPPRESSION_GET: &str = "SELECT address, scope, domain, kind, reason, status_code, status, first_seen, last_seen, count, expires_at, source, note, created_by \
     FROM suppressions WHERE address = ?1 AND scope = ?2";

/// Removes a suppression by hand.
pub const SUPPRESSION_REMOVE: &str = "UPDATE suppressions SET status = 'removed', note = ?3, updated_at = ?4 WHERE address = ?1 AND scope = ?2 AND status <> 'removed'";

/// Releases suppressions made for incident-class causes at a domain since an instant.
pub const SUPPRESSION_RELEASE: &str = "UPDATE suppressions SET status = 'removed', note = ?3, updated_at = ?4 \
     WHERE domain = ?1 AND status = 'active' AND source = 'ingest' AND incident_class = 1 AND last_seen > ?2";

/// The check: a suppression in force for the address in the global scope or the asked one.
pub const CHECK: &str = "SELECT scope, kind, reason, expires_at FROM suppressions \
     WHERE address = ?1 AND scope IN ('global', ?2) AND status = 'active' AND (expires_at IS NULL OR expires_at > ?3) \
     ORDER BY CASE WHEN expires_at IS NULL THEN 0 ELSE 1 END LIMIT 1";

/// The check of many addresses at once: suppressions in force in the global scope or
/// the asked one (`?1`; `?2` is now) for the addresses of an `IN (?3, …)` list appended
/// to this text.
pub const CHECK_IN_PREFIX: &str = "SELECT address, scope, kind, reason, expires_at FROM suppressions \
     WHERE status = 'active' AND scope IN ('global', ?1) AND (expires_at IS NULL OR expires_at > ?2) AND address";

/// Tombstones among the hashes of an `IN (?1, …)` list appended to this text.
pub const TOMBSTONE_IN_PREFIX: &str = "SELECT hash FROM tombstones WHERE hash";

/// Active suppressions (any scope), to choose the bulk-check strategy.
pub const ACTIVE_COUNT: &str = "SELECT COUNT(*) FROM suppressions WHERE status = 'active'";

/// Suppressions in force in the global scope or the asked one, for the in-memory index
/// of a bulk check.
pub const ACTIVE_IN_SCOPE: &str = "SELECT address, scope, kind, reason, expires_at FROM suppressions \
     WHERE status = 'active' AND scope IN ('global', ?1) AND (expires_at IS NULL OR expires_at > ?2)";

/// Current incidents, for checks.
pub const INCIDENTS_CURRENT_ALL: &str = "SELECT domain, state FROM incidents WHERE state <> 'closed'";

/// Opens an incident.
pub const INCIDENT_OPEN: &str = "INSERT INTO incidents (domain, state, opened_at, last_failure_at, recipients, failures) VALUES (?1, 'open', ?2, ?2, ?3, ?3) RETURNING id";

/// Notes how many suppressions an opening incident released.
pub const INCIDENT_RELEASED: &str = "UPDATE incidents SET released = ?2 WHERE id = ?1";

/// Counts a held failure.
pub const INCIDENT_HOLD: &str = "UPDATE incidents SET failures = failures + 1, \
     last_failure_at = CASE WHEN ?2 > last_failure_at THEN ?2 ELSE last_failure_at END \
     WHERE domain = ?1 AND state <> 'closed'";

/// Closes a domain's current incident.
pub const INCIDENT_CLOSE: &str = "UPDATE incidents SET state = 'closed', closed_at = ?2, close_cause = ?3 WHERE domain = ?1 AND state <> 'closed'";

/// Records a DNS verdict (and maybe a new state) on a domain's current incident.
pub const INCIDENT_DNS: &str = "UPDATE incidents SET dns_verdict = ?2, dns_detail = ?3, dns_checked_at = ?4, state = ?5, \
     closed_at = CASE WHEN ?5 = 'closed' THEN ?4 ELSE closed_at END, \
     close_cause = CASE WHEN ?5 = 'closed' THEN 'dns recovery' ELSE close_cause END \
     WHERE domain = ?1 AND state <> 'closed'";

/// Incident columns, in the order `row_incident` reads them.
pub const INCIDENT_SELECT: &str = "SELECT id, domain, state, opened_at, last_failure_at, closed_at, close_cause, recipients, failures, released, dns_verdict, dns_detail, dns_checked_at FROM incidents";

/// Raises or bumps a sender alert.
pub const ALERT_UPSERT: &str = "INSERT INTO sender_alerts (provider, reason, state, first_seen, last_seen, count, last_status, last_diagnostic, last_remote_mta, sample_domain) \
     VALUES (?1, ?2, 'open', ?3, ?3, 1, ?4, ?5, ?6, ?7) \
     ON CONFLICT (provider, reason) DO UPDATE SET state = 'open', count = sender_alerts.count + 1, \
       last_seen = CASE WHEN excluded.last_seen > sender_alerts.last_seen THEN excluded.last_seen ELSE sender_alerts.last_seen END, \
       first_seen = CASE WHEN excluded.first_seen < sender_alerts.first_seen THEN excluded.first_seen ELSE sender_alerts.first_seen END, \
       last_status = excluded.last_status, last_diagnostic = excluded.last_diagnostic, \
       last_remote_mta = excluded.last_remote_mta, sample_domain = excluded.sample_domain";

/// Sender alerts.
pub const ALERTS: &str = "SELECT provider, reason, state, first_seen, last_seen, count, last_status, last_diagnostic, last_remote_mta, sample_domain \
     FROM sender_alerts WHERE state = 'open' OR ?1 = 1 ORDER BY last_seen DESC, provider, reason";

/// Counts an event in its domain's day.
pub const DOMAIN_STAT: &str = "INSERT INTO domain_stats (domain, day, total, hard, soft, block, complaint, delivered, other) \
     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8) \
     ON CONFLICT (domain, day) DO UPDATE SET total = domain_stats.total + 1, hard = domain_stats.hard + excluded.hard, \
       soft = domain_stats.soft + excluded.soft, block = domain_stats.block + excluded.block, \
       complaint = domain_stats.complaint + excluded.complaint, delivered = domain_stats.delivered + excluded.delivered, \
       other = domain_stats.other + excluded.other";

/// Domains by events since a day.
/// (PostgreSQL sums integers as NUMERIC: the casts keep them integers everywhere.)
pub const DOMAINS: &str = "SELECT domain, CAST(SUM(total) AS BIGINT), CAST(SUM(hard) AS BIGINT), CAST(SUM(soft) AS BIGINT), CAST(SUM(block) AS BIGINT), \
     CAST(SUM(complaint) AS BIGINT), CAST(SUM(delivered) AS BIGINT), CAST(SUM(other) AS BIGINT) \
     FROM domain_stats WHERE day >= ?1 GROUP BY domain ORDER BY SUM(total) DESC, domain LIMIT ?2";

/// Writes the audit log.
pub const AUDIT_INSERT: &str = "INSERT INTO audit_log (at, actor, action, scope, address, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Reads the audit log, newest first.
pub const AUDIT: &str = "SELECT id, at, actor, action, scope, address, detail FROM audit_log ORDER BY id DESC LIMIT ?1";

/// Forgetting an address.
pub const FORGET: [&str; 3] = [
    "DELETE FROM events WHERE address = ?1",
    "DELETE FROM suppressions WHERE address = ?1",
    "DELETE FROM soft_bounces WHERE address = ?1",
];

/// Clears a forgotten address from the audit log.
pub const FORGET_AUDIT: &str = "UPDATE audit_log SET address = NULL, detail = NULL WHERE address = ?1";

/// Keeps a tombstone.
pub const TOMBSTONE_INSERT: &str = "INSERT INTO tombstones (hash, created_at, created_by) VALUES (?1, ?2, ?3) ON CONFLICT (hash) DO NOTHING";

/// Is there a tombstone?
pub const TOMBSTONE_EXISTS: &str = "SELECT 1 FROM tombstones WHERE hash = ?1";

/// How many tombstones?
pub const TOMBSTONE_COUNT: &str = "SELECT COUNT(*) FROM tombstones";

/// The applied schema version.
pub const SCHEMA_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

/// Records an applied migration.
pub const SCHEMA_VERSION_INSERT: &str = "INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)";

/// Reads a meta value.
pub const META_GET: &str = "SELECT value FROM meta WHERE key = ?1";

/// Writes a meta value unless present.
pub const META_PUT: &str = "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING";

/// Cleanup, in order: expire suppressions, prune soft counts, prune events, age out
/// incidents, resolve alerts. `?1` is the bound of each.
pub const CLEANUP_EXPIRE: &str = "UPDATE suppressions SET status = 'expired', updated_at = ?2 WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= ?1";
/// See [`CLEANUP_EXPIRE`].
pub const CLEANUP_SOFT: &str = "DELETE FROM soft_bounces WHERE at <= ?1";
/// See [`CLEANUP_EXPIRE`].
pub const CLEANUP_EVENTS: &str = "DELETE FROM events WHERE ingested_at < ?1";
/// See [`CLEANUP_EXPIRE`].
pub const CLEANUP_INCIDENTS: &str = "UPDATE incidents SET state = 'closed', closed_at = ?2, close_cause = 'aged out' WHERE state = 'open' AND last_failure_at <= ?1";
/// See [`CLEANUP_EXPIRE`].
pub const CLEANUP_ALERTS: &str = "UPDATE sender_alerts SET state = 'resolved' WHERE state = 'open' AND last_seen <= ?1";

/// Sizes.
pub const COUNTS: &str = "SELECT (SELECT COUNT(*) FROM events), \
     (SELECT COUNT(*) FROM suppressions WHERE status = 'active' AND (expires_at IS NULL OR expires_at > ?1)), \
     (SELECT COUNT(*) FROM suppressions), (SELECT COUNT(*) FROM soft_bounces), \
     (SELECT COUNT(*) FROM incidents WHERE state <> 'closed'), (SELECT COUNT(*) FROM sender_alerts WHERE state = 'open'), \
     (SELECT COUNT(*) FROM tombstones), (SELECT COUNT(*) FROM audit_log)";

/// Events per UTC day and key (`{key}` is a column name from a fixed list).
pub fn report(key: &str) -> String {
    format!("SELECT (at / 86400) * 86400 AS day, {key}, COUNT(*) FROM events WHERE at >= ?1 AND at < ?2 GROUP BY day, {key} ORDER BY day, {key}")
}
