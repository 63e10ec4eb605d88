//! The SQLite store.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use bouncekit_core::{Kind, Record};
use bouncekit_policy::address::{domain_of, normalise, normalise_domain};
use bouncekit_policy::dns::on_verdict;
use bouncekit_policy::time::{DAY, civil_from_days, days_from_civil};
use bouncekit_policy::{Clock, Decision, Effect, History, IncidentState, Policy, Scope, Subject, Verdict};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use crate::dialect::{self, MIGRATIONS};
use crate::{
    AuditEntry, Bucket, Check, CheckVerdict, CleanupOutcome, Counts, DomainStat, ForgetOutcome, ImportOutcome, Incident, IngestOutcome,
    NewSuppression, Options, ReportBy, ReportRow, RowError, SenderAlert, Store, StoreError, Suppression, SuppressionFilter,
    SuppressionStatus, hash, sql,
};

/// The embedded store: one SQLite connection.
pub struct SqliteStore {
    conn: Connection,
    policy: Policy,
    clock: Arc<dyn Clock>,
    /// The tombstone salt, read (or made) on first use.
    salt: Option<String>,
    /// The suppression upsert, built once.
    suppress_sql: String,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.conn.path()).finish_non_exhaustive()
    }
}

type Result<T> = std::result::Result<T, StoreError>;

impl SqliteStore {
    /// Opens (creating on first use) the database file at `path` and brings its schema
    /// up to date.
    pub fn open(path: &Path, options: Options) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        }
        Self::init(Connection::open(path)?, options)
    }

    /// A store in memory, for tests and benchmarks.
    pub fn open_in_memory(options: Options) -> Result<Self> {
        Self::init(Connection::open_in_memory()?, options)
    }

    fn init(mut conn: Connection, options: Options) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_millis(dialect::BUSY_TIMEOUT_MS))?;
        // Every statement of the hot paths stays prepared (the default cache holds 16).
        conn.set_prepared_statement_cache_capacity(64);
        // Plans do not depend on bound values: with STAT4 compiled in, SQLite would
        // otherwise re-prepare statements (windows, ranges) on every new binding.
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        for (name, value) in dialect::PRAGMAS {
            // journal_mode answers with a row; the others with none.
            conn.query_row(&format!("PRAGMA {name} = {value}"), [], |_| Ok(())).optional()?;
        }
        conn.pragma_update(None, "synchronous", if options.sync_full { "FULL" } else { "NORMAL" })?;
        migrate(&mut conn, options.clock.now())?;
        Ok(Self { conn, policy: options.policy, clock: options.clock, salt: None, suppress_sql: sql::suppress_upsert() })
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn salt(&mut self) -> Result<String> {
        if let Some(s) = &self.salt {
            return Ok(s.clone());
        }
        self.conn.execute(sql::META_PUT, params!["tombstone_salt", hash::new_salt()])?;
        let s: String = self.conn.query_row(sql::META_GET, ["tombstone_salt"], |r| r.get(0))?;
        self.salt = Some(s.clone());
        Ok(s)
    }

    fn audit_write(tx: &Transaction<'_>, now: i64, actor: &str, action: &str, scope: Option<&Scope>, address: Option<&str>, detail: &serde_json::Value) -> Result<()> {
        tx.prepare_cached(sql::AUDIT_INSERT)?.execute(params![now, actor, action, scope.map(|s| s.to_string()), address, detail.to_string()])?;
        Ok(())
    }
}

/// Applies the migrations newer than the database, each in its own transaction.
fn migrate(conn: &mut Connection, now: i64) -> Result<i64> {
    conn.execute_batch(dialect::SCHEMA_VERSION_TABLE)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    let mut current = 0;
    for m in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        current = tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?;
        if current > known {
            return Err(StoreError::TooNew { found: current, known });
        }
        if m.version > current {
            tx.execute_batch(m.sql)?;
            tx.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?1, ?2, ?3)", params![m.version, m.name, now])?;
            current = m.version;
        }
        tx.commit()?;
    }
    Ok(current)
}

fn parse_scope(s: String) -> Result<Scope> {
    s.parse().map_err(|e: bouncekit_policy::scope::ScopeError| StoreError::Corrupt(e.to_string()))
}

fn parse_state(s: &str) -> Result<IncidentState> {
    IncidentState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("incident state `{s}`")))
}

fn row_suppression(r: &Row<'_>) -> rusqlite::Result<(Suppression, String, String)> {
    Ok((
        Suppression {
            address: r.get(0)?,
            scope: Scope::Global,
            domain: r.get(2)?,
            kind: r.get(3)?,
            reason: r.get(4)?,
            status_code: r.get(5)?,
            status: SuppressionStatus::Active,
            first_seen: r.get(7)?,
            last_seen: r.get(8)?,
            count: r.get(9)?,
            expires_at: r.get(10)?,
            source: r.get(11)?,
            note: r.get(12)?,
            created_by: r.get(13)?,
        },
        r.get(1)?,
        r.get(6)?,
    ))
}

fn finish_suppression((mut s, scope, status): (Suppression, String, String)) -> Result<Suppression> {
    s.scope = parse_scope(scope)?;
    s.status = SuppressionStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("suppression status `{status}`")))?;
    Ok(s)
}

fn get_suppression(tx: &Connection, address: &str, scope: &Scope) -> Result<Option<Suppression>> {
    let row = tx.prepare_cached(sql::SUPPRESSION_GET)?.query_row(params![address, scope.to_string()], row_suppression).optional()?;
    row.map(finish_suppression).transpose()
}

fn row_incident(r: &Row<'_>) -> rusqlite::Result<(Incident, String)> {
    Ok((
        Incident {
            id: r.get(0)?,
            domain: r.get(1)?,
            state: IncidentState::Open,
            opened_at: r.get(3)?,
            last_failure_at: r.get(4)?,
            closed_at: r.get(5)?,
            close_cause: r.get(6)?,
            recipients: r.get(7)?,
            failures: r.get(8)?,
            released: r.get(9)?,
            dns_verdict: r.get(10)?,
            dns_detail: r.get(11)?,
            dns_checked_at: r.get(12)?,
        },
        r.get(2)?,
    ))
}

fn load_history(tx: &Transaction<'_>, policy: &Policy, s: &Subject) -> Result<History> {
    let mut h = History::default();
    if let Some((scope, since)) = &s.counter {
        let mut st = tx.prepare_cached(sql::SOFT_HISTORY)?;
        h.soft = st.query_map(params![s.address, scope.to_string(), since], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    }
    let state: Option<String> = tx.prepare_cached(sql::INCIDENT_CURRENT)?.query_row([&s.domain], |r| r.get(0)).optional()?;
    h.incident = state.as_deref().map(parse_state).transpose()?;
    if s.incident_class && h.incident.is_none() {
        let limit = i64::from(policy.incident.min_recipients) + 1;
        let mut st = tx.prepare_cached(sql::DOMAIN_FAILURES)?;
        h.domain_failures = st
            .query_map(params![s.domain, s.incident_since, s.at, s.address, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(h)
}

/// Applies a decision's effects for the event `event_id`.
#[allow(clippy::too_many_arguments)]
fn apply(tx: &Transaction<'_>, suppress_sql: &str, r: &Record, s: &Subject, d: &Decision, event_id: i64, now: i64, out: &mut IngestOutcome) -> Result<()> {
    for e in &d.effects {
        match e {
            Effect::Suppress { scope, expires_at } => {
                tx.prepare_cached(suppress_sql)?.execute(params![
                    s.address,
                    scope.to_string(),
                    s.domain,
                    r.kind.as_str(),
                    r.reason.as_str(),
                    r.status.map(|c| c.to_string()),
                    s.at,
                    expires_at,
                    i64::from(s.incident_class),
                    now
                ])?;
                out.suppressed += 1;
            }
            Effect::CountSoft { scope, .. } => {
                tx.prepare_cached(sql::SOFT_INSERT)?.execute(params![s.address, scope.to_string(), s.at, event_id])?;
                out.counted += 1;
            }
            Effect::ClearSoft => {
                tx.prepare_cached(sql::SOFT_CLEAR)?.execute([&s.address])?;
                out.cleared += 1;
            }
            Effect::Alert { provider } => {
                tx.prepare_cached(sql::ALERT_UPSERT)?.execute(params![
                    provider,
                    r.reason.as_str(),
                    s.at,
                    r.status.map(|c| c.to_string()),
                    r.diagnostic.chars().take(500).collect::<String>(),
                    r.remote_mta,
                    s.domain
                ])?;
                out.alerts += 1;
            }
            Effect::OpenIncident { domain, since, recipients } => {
                let id: i64 = tx.prepare_cached(sql::INCIDENT_OPEN)?.query_row(params![domain, s.at, recipients], |r| r.get(0))?;
                let released = tx.prepare_cached(sql::SUPPRESSION_RELEASE)?.execute(params![domain, since, format!("released: domain incident {id}"), now])?;
                tx.prepare_cached(sql::INCIDENT_RELEASED)?.execute(params![id, released as i64])?;
                out.incidents_opened += 1;
                out.released += released as u64;
            }
            Effect::HoldForIncident { domain } => {
                tx.prepare_cached(sql::INCIDENT_HOLD)?.execute(params![domain, s.at])?;
                out.held += 1;
            }
            Effect::CloseIncident { domain } => {
                out.incidents_closed += tx.prepare_cached(sql::INCIDENT_CLOSE)?.execute(params![domain, now, "delivery"])? as u64;
            }
        }
    }
    Ok(())
}

/// Ingests one message's records inside the caller's transaction.
fn ingest_message(tx: &Transaction<'_>, policy: &Policy, clock: &dyn Clock, suppress_sql: &str, source_id: Option<&str>, records: &[Record]) -> Result<IngestOutcome> {
    let now = clock.now();
    let mut out = IngestOutcome { records: records.len() as u64, ..IngestOutcome::default() };
    let mut ordinals: HashMap<String, usize> = HashMap::new();
    for r in records {
        let subject = policy.subject(r, clock);
        let address = subject.as_ref().map_or_else(|| r.recipient.trim().to_lowercase(), |s| s.address.clone());
        let ord = ordinals.entry(address.clone()).or_insert(0);
        let ordinal = *ord;
        *ord += 1;
        let key = hash::dedupe_key(source_id, &address, ordinal, r);
        if tx.prepare_cached(sql::EVENT_EXISTS)?.exists([&key])? {
            out.duplicates += 1;
            continue;
        }
        let (decision, at, domain, incident_class) = match &subject {
            Some(s) => {
                let h = load_history(tx, policy, s)?;
                (policy.decide(r, s, &h), s.at, s.domain.clone(), s.incident_class)
            }
            None => {
                out.invalid += 1;
                let at = r.timestamp.filter(|t| *t > 0 && *t <= now).unwrap_or(now);
                (Decision { rule: "invalid-address".into(), effects: Vec::new() }, at, r.recipient_domain().map(normalise_domain).unwrap_or_default(), false)
            }
        };
        let scope = Scope::of_record(r.scope.as_deref());
        let event_id: i64 = tx.prepare_cached(sql::EVENT_INSERT)?.query_row(
            params![
                key,
                at,
                now,
                address,
                domain,
                scope.to_string(),
                r.kind.as_str(),
                r.reason.as_str(),
                r.status.map(|c| c.to_string()),
                r.reply_code.map(|c| c.to_string()),
                i64::from(incident_class),
                decision.rule,
                serde_json::to_string(&decision.effects)?,
                r.origin.name,
                r.format,
                serde_json::to_string(r)?
            ],
            |row| row.get(0),
        )?;
        out.new_events += 1;
        if let Some(s) = &subject {
            apply(tx, suppress_sql, r, s, &decision, event_id, now, &mut out)?;
        }
        let c = kind_columns(r.kind);
        tx.prepare_cached(sql::DOMAIN_STAT)?.execute(params![domain, at.div_euclid(DAY) * DAY, c[0], c[1], c[2], c[3], c[4], c[5]])?;
    }
    Ok(out)
}


fn kind_columns(k: Kind) -> [i64; 6] {
    let mut c = [0; 6];
    let i = match k {
        Kind::Hard => 0,
        Kind::Soft => 1,
        Kind::Block => 2,
        Kind::Complaint => 3,
        Kind::Delivered => 4,
        Kind::AutoReply | Kind::Undetermined => 5,
    };
    c[i] = 1;
    c
}

/// A suppression in force found by a check: scope, kind, reason, expiry.
type Hit = (String, String, String, Option<i64>);

/// Bulk checks of at least this many addresses consider the in-memory index.
const BULK_INDEX_MIN: usize = 2_000;
/// …and use it when the active list has at most this many rows per address asked:
/// loading a row costs about as much as a few hash lookups, far less than a query.
const BULK_INDEX_RATIO: usize = 4;

const MANUAL_KINDS: &[&str] = &["manual", "domain", "forgotten"];

/// True for a kind a suppression may carry.
pub(crate) fn valid_kind(k: &str) -> bool {
    MANUAL_KINDS.contains(&k) || k.parse::<Kind>().is_ok()
}

/// True for a reason a suppression may carry.
pub(crate) fn valid_reason(r: &str) -> bool {
    r == "manual" || r.parse::<bouncekit_core::Reason>().is_ok()
}

impl Store for SqliteStore {
    fn ingest_batch(&mut self, messages: &[(Option<&str>, &[Record])]) -> Result<Vec<IngestOutcome>> {
        let Self { conn, policy, clock, suppress_sql, .. } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outs = Vec::with_capacity(messages.len());
        for (source_id, records) in messages {
            outs.push(ingest_message(&tx, policy, clock.as_ref(), suppress_sql, *source_id, records)?);
        }
        tx.commit()?;
        Ok(outs)
    }

    fn check_many(&mut self, addresses: &[&str], scope: &Scope) -> Result<Vec<Check>> {
        let has_tombstones = self.conn.prepare_cached(sql::TOMBSTONE_COUNT)?.query_row([], |r| r.get::<_, i64>(0))? > 0;
        let salt = if has_tombstones { Some(self.salt()?) } else { None };
        let now = self.clock.now();
        let tx = self.conn.transaction()?;
        let mut incidents: HashMap<String, IncidentState> = HashMap::new();
        {
            let mut st = tx.prepare_cached(sql::INCIDENTS_CURRENT_ALL)?;
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                let state: String = row.get(1)?;
                incidents.insert(row.get(0)?, parse_state(&state)?);
            }
        }
        let scope_text = scope.to_string();
        // Bulk checks against a list not much larger than the request read the list's
        // active rows once into a hash map; otherwise each address is one indexed
        // lookup of a prepared statement. (Measured in benches/store.rs.)
        let index: Option<HashMap<String, Hit>> = if addresses.len() >= BULK_INDEX_MIN {
            let active: i64 = tx.prepare_cached(sql::ACTIVE_COUNT)?.query_row([], |r| r.get(0))?;
            if (active as usize) <= addresses.len().saturating_mul(BULK_INDEX_RATIO) {
                let mut map: HashMap<String, Hit> = HashMap::with_capacity(active as usize);
                let mut st = tx.prepare_cached(sql::ACTIVE_IN_SCOPE)?;
                let mut rows = st.query(params![scope_text, now])?;
                while let Some(r) = rows.next()? {
                    let hit: Hit = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                    match map.entry(r.get(0)?) {
                        std::collections::hash_map::Entry::Occupied(mut e) => {
                            if e.get().3.is_some() && hit.3.is_none() {
                                e.insert(hit);
                            }
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(hit);
                        }
                    }
                }
                Some(map)
            } else {
                None
            }
        } else {
            None
        };
        let mut out = Vec::with_capacity(addresses.len());
        let mut check = tx.prepare_cached(sql::CHECK)?;
        let mut tomb = tx.prepare_cached(sql::TOMBSTONE_EXISTS)?;
        for input in addresses {
            let Some(address) = normalise(input) else {
                out.push(Check { input: input.to_string(), address: None, verdict: CheckVerdict::Invalid, scope: None, kind: None, reason: None, expires_at: None, detail: "invalid: not an email address".into() });
                continue;
            };
            let mut c = Check { input: input.to_string(), address: None, verdict: CheckVerdict::Allowed, scope: None, kind: None, reason: None, expires_at: None, detail: String::new() };
            let hit = match &index {
                Some(map) => map.get(&address).cloned(),
                None => check.query_row(params![address, scope_text, now], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional()?,
            };
            if let Some(salt) = &salt
                && tomb.exists([hash::tombstone(salt, &address)])?
            {
                c.verdict = CheckVerdict::Suppressed;
                c.kind = Some("forgotten".into());
                c.detail = "suppressed: forgotten (tombstone)".into();
            } else if let Some((sc, kind, reason, expires_at)) = hit {
                c.verdict = CheckVerdict::Suppressed;
                c.detail = match expires_at {
                    Some(t) => format!("suppressed: {reason} ({sc}, until {})", bouncekit_policy::time::format_rfc3339(t)),
                    None => format!("suppressed: {reason} ({sc})"),
                };
                c.scope = Some(parse_scope(sc)?);
                c.kind = Some(kind);
                c.reason = Some(reason);
                c.expires_at = expires_at;
            } else if let Some(state) = incidents.get(domain_of(&address)) {
                match state {
                    IncidentState::Dead => {
                        c.verdict = CheckVerdict::Suppressed;
                        c.kind = Some("domain".into());
                        c.detail = "suppressed: domain does not accept mail (domain incident, DNS)".into();
                    }
                    _ => {
                        c.verdict = CheckVerdict::Held;
                        c.kind = Some("domain".into());
                        c.detail = "held: domain incident".into();
                    }
                }
            }
            if c.detail.is_empty() {
                c.detail.push_str("allowed");
            }
            c.address = Some(address);
            out.push(c);
        }
        drop(check);
        drop(tomb);
        tx.commit()?;
        Ok(out)
    }

    fn add(&mut self, s: &NewSuppression, actor: &str) -> Result<Suppression> {
        let address = normalise(&s.address).ok_or_else(|| StoreError::InvalidAddress(s.address.clone()))?;
        let now = self.clock.now();
        let kind = s.kind.clone().unwrap_or_else(|| "manual".into());
        let reason = s.reason.clone().unwrap_or_else(|| "manual".into());
        if !valid_kind(&kind) {
            return Err(StoreError::Corrupt(format!("unknown kind `{kind}`")));
        }
        if !valid_reason(&reason) {
            return Err(StoreError::Corrupt(format!("unknown reason `{reason}`")));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = get_suppression(&tx, &address, &s.scope)?;
        let row = Suppression {
            domain: domain_of(&address).to_string(),
            address: address.clone(),
            scope: s.scope.clone(),
            kind,
            reason,
            status_code: None,
            status: SuppressionStatus::Active,
            first_seen: before.as_ref().filter(|b| b.status == SuppressionStatus::Active).map_or(now, |b| b.first_seen),
            last_seen: now,
            count: before.as_ref().filter(|b| b.status == SuppressionStatus::Active).map_or(1, |b| b.count + 1),
            expires_at: s.expires_at,
            source: "manual".into(),
            note: s.note.clone(),
            created_by: Some(actor.to_string()),
        };
        put(&tx, &row, now)?;
        Self::audit_write(&tx, now, actor, "add", Some(&s.scope), Some(&address), &serde_json::json!({ "before": before, "after": row }))?;
        tx.commit()?;
        Ok(row)
    }

    fn remove(&mut self, address: &str, scope: &Scope, actor: &str, note: Option<&str>) -> Result<bool> {
        let addr = normalise(address).ok_or_else(|| StoreError::InvalidAddress(address.to_string()))?;
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = get_suppression(&tx, &addr, scope)?;
        let n = tx.execute(sql::SUPPRESSION_REMOVE, params![addr, scope.to_string(), note.unwrap_or("removed by hand"), now])?;
        tx.execute(sql::SOFT_CLEAR_SCOPE, params![addr, scope.to_string()])?;
        if n > 0 {
            Self::audit_write(&tx, now, actor, "remove", Some(scope), Some(&addr), &serde_json::json!({ "before": before, "note": note }))?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    fn suppressions(&mut self, f: &SuppressionFilter) -> Result<Vec<Suppression>> {
        let mut q = format!("SELECT {} FROM suppressions WHERE 1 = 1", sql::SUPPRESSION_COLUMNS);
        let mut p: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
        let mut push = |q: &mut String, cond: &str, v: Box<dyn rusqlite::ToSql>| {
            p.push(v);
            q.push_str(&format!(" AND {cond} ?{}", p.len()));
        };
        if let Some(s) = &f.scope {
            push(&mut q, "scope =", Box::new(s.to_string()));
        }
        if let Some(s) = f.status {
            push(&mut q, "status =", Box::new(s.as_str()));
        }
        if let Some(k) = &f.kind {
            push(&mut q, "kind =", Box::new(k.clone()));
        }
        if let Some(r) = &f.reason {
            push(&mut q, "reason =", Box::new(r.clone()));
        }
        if let Some(d) = &f.domain {
            push(&mut q, "domain =", Box::new(normalise_domain(d)));
        }
        if let Some(c) = &f.contains {
            let esc = c.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            push(&mut q, "address LIKE", Box::new(format!("%{esc}%")));
            q.push_str(" ESCAPE '\\'");
        }
        if let Some(t) = f.since {
            push(&mut q, "last_seen >=", Box::new(t));
        }
        let limit = if f.limit == 0 { i64::MAX } else { f.limit as i64 };
        q.push_str(&format!(" ORDER BY last_seen DESC, id DESC LIMIT {limit} OFFSET {}", f.offset));
        let mut st = self.conn.prepare(&q)?;
        let rows = st.query_map(rusqlite::params_from_iter(p.iter()), row_suppression)?;
        rows.map(|r| finish_suppression(r?)).collect()
    }

    fn import(&mut self, rows: &[(u64, Suppression)], actor: &str) -> Result<ImportOutcome> {
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = ImportOutcome { rows: rows.len() as u64, ..ImportOutcome::default() };
        for (n, row) in rows {
            let Some(address) = normalise(&row.address) else {
                out.errors.push(RowError { row: *n, message: format!("`{}` is not an email address", row.address) });
                continue;
            };
            if !valid_kind(&row.kind) {
                out.errors.push(RowError { row: *n, message: format!("unknown kind `{}`", row.kind) });
                continue;
            }
            if !valid_reason(&row.reason) {
                out.errors.push(RowError { row: *n, message: format!("unknown reason `{}`", row.reason) });
                continue;
            }
            let mut s = row.clone();
            s.domain = domain_of(&address).to_string();
            s.address = address;
            if s.first_seen == 0 {
                s.first_seen = now;
            }
            if s.last_seen == 0 {
                s.last_seen = s.first_seen;
            }
            s.count = s.count.max(1);
            if s.created_by.is_none() {
                s.created_by = Some(actor.to_string());
            }
            match get_suppression(&tx, &s.address, &s.scope)? {
                Some(existing) if existing == s => out.unchanged += 1,
                Some(_) => {
                    put(&tx, &s, now)?;
                    out.updated += 1;
                }
                None => {
                    put(&tx, &s, now)?;
                    out.inserted += 1;
                }
            }
        }
        if out.inserted + out.updated > 0 {
            Self::audit_write(&tx, now, actor, "import", None, None, &serde_json::json!({ "rows": out.rows, "inserted": out.inserted, "updated": out.updated, "unchanged": out.unchanged, "errors": out.errors.len() }))?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn domains(&mut self, since: i64, limit: usize) -> Result<Vec<DomainStat>> {
        let mut incidents: HashMap<String, IncidentState> = HashMap::new();
        {
            let mut st = self.conn.prepare_cached(sql::INCIDENTS_CURRENT_ALL)?;
            let mut rows = st.query([])?;
            while let Some(row) = rows.next()? {
                let state: String = row.get(1)?;
                incidents.insert(row.get(0)?, parse_state(&state)?);
            }
        }
        let limit = if limit == 0 { i64::MAX } else { limit as i64 };
        let mut st = self.conn.prepare_cached(sql::DOMAINS)?;
        let rows = st.query_map(params![since.div_euclid(DAY) * DAY, limit], |r| {
            Ok(DomainStat {
                domain: r.get(0)?,
                total: r.get(1)?,
                hard: r.get(2)?,
                soft: r.get(3)?,
                block: r.get(4)?,
                complaint: r.get(5)?,
                delivered: r.get(6)?,
                other: r.get(7)?,
                incident: None,
            })
        })?;
        let mut out = Vec::new();
        for r in rows {
            let mut d = r?;
            d.incident = incidents.get(&d.domain).copied();
            out.push(d);
        }
        Ok(out)
    }

    fn incidents(&mut self, include_closed: bool) -> Result<Vec<Incident>> {
        let q = format!("{} {} ORDER BY opened_at DESC, id DESC", sql::INCIDENT_SELECT, if include_closed { "" } else { "WHERE state <> 'closed'" });
        let mut st = self.conn.prepare(&q)?;
        let rows = st.query_map([], row_incident)?;
        rows.map(|r| {
            let (mut i, state) = r?;
            i.state = parse_state(&state)?;
            Ok(i)
        })
        .collect()
    }

    fn record_dns(&mut self, domain: &str, verdict: &Verdict) -> Result<Option<IncidentState>> {
        let domain = normalise_domain(domain);
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state: Option<String> = tx.query_row(sql::INCIDENT_CURRENT, [&domain], |r| r.get(0)).optional()?;
        let Some(state) = state else {
            return Ok(None);
        };
        let state = parse_state(&state)?;
        let next = on_verdict(state, verdict);
        let detail = match verdict {
            Verdict::Mx { hosts } => Some(hosts.join(" ")),
            Verdict::Unknown { error } => Some(error.clone()),
            _ => None,
        };
        tx.execute(sql::INCIDENT_DNS, params![domain, verdict.name(), detail, now, next.unwrap_or(state).as_str()])?;
        tx.commit()?;
        Ok(next)
    }

    fn alerts(&mut self, include_resolved: bool) -> Result<Vec<SenderAlert>> {
        let mut st = self.conn.prepare_cached(sql::ALERTS)?;
        let rows = st.query_map([i64::from(include_resolved)], |r| {
            Ok(SenderAlert {
                provider: r.get(0)?,
                reason: r.get(1)?,
                state: r.get(2)?,
                first_seen: r.get(3)?,
                last_seen: r.get(4)?,
                count: r.get(5)?,
                last_status: r.get(6)?,
                last_diagnostic: r.get(7)?,
                last_remote_mta: r.get(8)?,
                sample_domain: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn forget(&mut self, address: &str, keep_tombstone: bool, actor: &str) -> Result<ForgetOutcome> {
        let addr = normalise(address).ok_or_else(|| StoreError::InvalidAddress(address.to_string()))?;
        let salt = if keep_tombstone { Some(self.salt()?) } else { None };
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = ForgetOutcome {
            events: tx.execute(sql::FORGET[0], [&addr])? as u64,
            suppressions: tx.execute(sql::FORGET[1], [&addr])? as u64,
            soft_bounces: tx.execute(sql::FORGET[2], [&addr])? as u64,
            audit_redacted: tx.execute(sql::FORGET_AUDIT, [&addr])? as u64,
            tombstone: false,
        };
        if let Some(salt) = salt {
            tx.execute(sql::TOMBSTONE_INSERT, params![hash::tombstone(&salt, &addr), now, actor])?;
            out.tombstone = true;
        }
        Self::audit_write(&tx, now, actor, "forget", None, None, &serde_json::json!({ "events": out.events, "suppressions": out.suppressions, "tombstone": out.tombstone }))?;
        tx.commit()?;
        Ok(out)
    }

    fn report(&mut self, by: ReportBy, bucket: Bucket, since: i64, until: i64) -> Result<Vec<ReportRow>> {
        let key = match by {
            ReportBy::Kind => "kind",
            ReportBy::Reason => "reason",
            ReportBy::Domain => "domain",
        };
        let mut st = self.conn.prepare(&sql::report(key))?;
        let rows = st.query_map(params![since, until], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        let mut grouped: BTreeMap<(i64, String), i64> = BTreeMap::new();
        let mut totals: HashMap<i64, i64> = HashMap::new();
        for r in rows {
            let (day, k, n) = r?;
            let b = bucket_start(day, bucket);
            *grouped.entry((b, k)).or_default() += n;
            *totals.entry(b).or_default() += n;
        }
        let mut out: Vec<ReportRow> = grouped
            .into_iter()
            .map(|((b, key), count)| ReportRow { bucket: b, key, count, share: count as f64 / totals.get(&b).copied().unwrap_or(1).max(1) as f64 })
            .collect();
        out.sort_by(|a, b| a.bucket.cmp(&b.bucket).then(b.count.cmp(&a.count)).then(a.key.cmp(&b.key)));
        Ok(out)
    }

    fn cleanup(&mut self, vacuum: bool) -> Result<CleanupOutcome> {
        let now = self.clock.now();
        let p = &self.policy;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = CleanupOutcome {
            expired_suppressions: tx.execute(sql::CLEANUP_EXPIRE, params![now, now])? as u64,
            soft_bounces_pruned: tx.execute(sql::CLEANUP_SOFT, [now - p.longest_window().secs()])? as u64,
            events_pruned: tx.execute(sql::CLEANUP_EVENTS, [now - p.retention.events.secs()])? as u64,
            incidents_aged_out: tx.execute(sql::CLEANUP_INCIDENTS, params![now - p.incident.hold_for.secs(), now])? as u64,
            alerts_resolved: tx.execute(sql::CLEANUP_ALERTS, [now - p.retention.alerts.secs()])? as u64,
            vacuumed: vacuum,
        };
        tx.commit()?;
        if vacuum {
            self.conn.execute_batch(dialect::VACUUM)?;
        }
        // optimize and wal_checkpoint answer with rows; run them one by one and ignore
        // the rows.
        for stmt in dialect::OPTIMISE.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let mut st = self.conn.prepare(stmt)?;
            let mut rows = st.query([])?;
            while rows.next()?.is_some() {}
        }
        Ok(out)
    }

    fn counts(&mut self) -> Result<Counts> {
        let now = self.clock.now();
        Ok(self.conn.query_row(sql::COUNTS, [now], |r| {
            Ok(Counts {
                events: r.get(0)?,
                suppressions_active: r.get(1)?,
                suppressions: r.get(2)?,
                soft_bounces: r.get(3)?,
                incidents_current: r.get(4)?,
                alerts_open: r.get(5)?,
                tombstones: r.get(6)?,
                audit: r.get(7)?,
            })
        })?)
    }

    fn audit(&mut self, limit: usize) -> Result<Vec<AuditEntry>> {
        let limit = if limit == 0 { i64::MAX } else { limit as i64 };
        let mut st = self.conn.prepare_cached(sql::AUDIT)?;
        let rows = st.query_map([limit], |r| {
            Ok(AuditEntry { id: r.get(0)?, at: r.get(1)?, actor: r.get(2)?, action: r.get(3)?, scope: r.get(4)?, address: r.get(5)?, detail: r.get(6)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn integrity_check(&mut self) -> Result<String> {
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
    }

    fn schema_version(&mut self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))?)
    }
}

fn put(tx: &Transaction<'_>, s: &Suppression, now: i64) -> Result<()> {
    tx.prepare_cached(sql::SUPPRESSION_PUT)?.execute(params![
        s.address,
        s.scope.to_string(),
        s.domain,
        s.kind,
        s.reason,
        s.status_code,
        s.status.as_str(),
        s.first_seen,
        s.last_seen,
        s.count,
        s.expires_at,
        s.source,
        s.note,
        s.created_by,
        now
    ])?;
    Ok(())
}

/// The start of the period a day falls in.
fn bucket_start(day: i64, bucket: Bucket) -> i64 {
    let d = day.div_euclid(DAY);
    match bucket {
        Bucket::Day => d * DAY,
        // 1970-01-01 was a Thursday: Monday-based weeks start 3 days before it.
        Bucket::Week => ((d + 3).div_euclid(7) * 7 - 3) * DAY,
        Bucket::Month => {
            let (y, m, _) = civil_from_days(d);
            days_from_civil(y, m, 1) * DAY
        }
    }
}
