//! The store's logic, once for every database: [`SqlStore`] implements [`Store`] over a
//! [`Backend`] (SQLite or PostgreSQL). Ingest runs the policy inside the transaction
//! that stores the event, so an event and its effects commit together; statements come
//! from `sql.rs` (portable SQL).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use bouncekit_core::{Kind, Record};
use bouncekit_policy::address::{domain_of, normalise, normalise_domain};
use bouncekit_policy::dns::on_verdict;
use bouncekit_policy::time::{DAY, civil_from_days, days_from_civil};
use bouncekit_policy::{Clock, Decision, Effect, History, IncidentState, Policy, Scope, Subject, Verdict};

use crate::backend::{Arg, Backend, Lock, Result, Row, Sql, ToArg, Tx, args};
use crate::dialect::Migration;
use crate::{
    AuditEntry, Bucket, Check, CheckVerdict, CleanupOutcome, Counts, DomainStat, EventFilter, ForgetOutcome, ImportOutcome, Incident,
    IngestOutcome, NewSuppression, Options, ReportBy, ReportRow, RowError, SenderAlert, Store, StoreError, StoredEvent, Suppression,
    SuppressionFilter, SuppressionStatus, hash, sql,
};

/// A store on a SQL database: the logic of every [`Store`] method, over a backend
/// ([`SqliteStore`](crate::SqliteStore) or [`PgStore`](crate::PgStore)).
pub struct SqlStore<B> {
    pub(crate) backend: B,
    policy: Policy,
    clock: Arc<dyn Clock>,
    /// The tombstone salt, read (or made) on first use.
    salt: Option<String>,
    /// The suppression upsert, built once.
    suppress_sql: String,
}

impl<B: Backend> std::fmt::Debug for SqlStore<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").field("database", &self.backend.describe()).finish_non_exhaustive()
    }
}

impl<B: Backend> SqlStore<B> {
    /// Wraps a backend and brings its schema up to date: `version_table` creates the
    /// table of applied migrations, `migrations` are applied in order, each once.
    pub(crate) fn new(mut backend: B, options: Options, version_table: &str, migrations: &'static [Migration]) -> Result<Self> {
        let now = options.clock.now();
        backend.transaction(Tx::Write { idempotent: true }, &mut |tx| migrate(tx, version_table, migrations, now))?;
        Ok(Self { backend, policy: options.policy, clock: options.clock, salt: None, suppress_sql: sql::suppress_upsert() })
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn salt(&mut self) -> Result<String> {
        if let Some(s) = &self.salt {
            return Ok(s.clone());
        }
        let fresh = hash::new_salt();
        let s = self.backend.transaction(Tx::Write { idempotent: true }, &mut |tx| {
            tx.execute(sql::META_PUT, args!["tombstone_salt", fresh])?;
            tx.one(sql::META_GET, args!["tombstone_salt"], |r| r.text(0))
        })?;
        self.salt = Some(s.clone());
        Ok(s)
    }

    fn read<T>(&mut self, mut f: impl FnMut(&mut dyn Sql) -> Result<T>) -> Result<T> {
        self.backend.transaction(Tx::Read, &mut f)
    }
}

/// Applies the migrations newer than the database, in the caller's transaction.
fn migrate(tx: &mut dyn Sql, version_table: &str, migrations: &[Migration], now: i64) -> Result<i64> {
    tx.lock(Lock::Migrations)?;
    tx.batch(version_table)?;
    let known = migrations.last().map_or(0, |m| m.version);
    let mut current = tx.one(sql::SCHEMA_VERSION, &[], |r| r.int(0))?;
    if current > known {
        return Err(StoreError::TooNew { found: current, known });
    }
    let applied = current;
    for m in migrations.iter().filter(|m| m.version > applied) {
        tx.batch(m.sql)?;
        tx.execute(sql::SCHEMA_VERSION_INSERT, args![m.version, m.name, now])?;
        current = m.version;
    }
    Ok(current)
}

fn parse_scope(s: String) -> Result<Scope> {
    s.parse().map_err(|e: bouncekit_policy::scope::ScopeError| StoreError::Corrupt(e.to_string()))
}

fn parse_state(s: &str) -> Result<IncidentState> {
    IncidentState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("incident state `{s}`")))
}

/// A suppression row (columns of [`sql::SUPPRESSION_COLUMNS`]).
fn row_suppression(r: &dyn Row) -> Result<Suppression> {
    let status: String = r.get(6)?;
    Ok(Suppression {
        address: r.get(0)?,
        scope: parse_scope(r.get(1)?)?,
        domain: r.get(2)?,
        kind: r.get(3)?,
        reason: r.get(4)?,
        status_code: r.get(5)?,
        status: SuppressionStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("suppression status `{status}`")))?,
        first_seen: r.get(7)?,
        last_seen: r.get(8)?,
        count: r.get(9)?,
        expires_at: r.get(10)?,
        source: r.get(11)?,
        note: r.get(12)?,
        created_by: r.get(13)?,
    })
}

/// An event row (columns of [`sql::EVENT_COLUMNS`]).
fn row_event(r: &dyn Row) -> Result<StoredEvent> {
    let id: i64 = r.get(0)?;
    let effects: String = r.get(11)?;
    let record: String = r.get(14)?;
    Ok(StoredEvent {
        id,
        at: r.get(1)?,
        ingested_at: r.get(2)?,
        address: r.get(3)?,
        domain: r.get(4)?,
        scope: r.get(5)?,
        kind: r.get(6)?,
        reason: r.get(7)?,
        status_code: r.get(8)?,
        reply_code: r.get(9)?,
        rule: r.get(10)?,
        effects: serde_json::from_str(&effects).map_err(|err| StoreError::Corrupt(format!("event {id}: effects: {err}")))?,
        origin: r.get(12)?,
        format: r.get(13)?,
        record: serde_json::from_str(&record).map_err(|err| StoreError::Corrupt(format!("event {id}: record: {err}")))?,
        source: r.get(15)?,
    })
}

fn get_suppression(tx: &mut dyn Sql, address: &str, scope: &Scope) -> Result<Option<Suppression>> {
    tx.row(sql::SUPPRESSION_GET, args![address, scope.to_string()], row_suppression)
}

fn row_incident(r: &dyn Row) -> Result<Incident> {
    Ok(Incident {
        id: r.get(0)?,
        domain: r.get(1)?,
        state: parse_state(&r.text(2)?)?,
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
    })
}

fn current_incidents(tx: &mut dyn Sql) -> Result<HashMap<String, IncidentState>> {
    let rows = tx.rows(sql::INCIDENTS_CURRENT_ALL, &[], |r| Ok((r.text(0)?, parse_state(&r.text(1)?)?)))?;
    Ok(rows.into_iter().collect())
}

fn load_history(tx: &mut dyn Sql, policy: &Policy, s: &Subject) -> Result<History> {
    let mut h = History::default();
    if let Some((scope, since)) = &s.counter {
        h.soft = tx.rows(sql::SOFT_HISTORY, args![s.address, scope.to_string(), since], |r| r.int(0))?;
    }
    let state = tx.row(sql::INCIDENT_CURRENT, args![s.domain], |r| r.text(0))?;
    h.incident = state.as_deref().map(parse_state).transpose()?;
    if s.incident_class && h.incident.is_none() {
        let limit = i64::from(policy.incident.min_recipients) + 1;
        h.domain_failures = tx.rows(sql::DOMAIN_FAILURES, args![s.domain, s.incident_since, s.at, s.address, limit], |r| Ok((r.text(0)?, r.int(1)?)))?;
    }
    Ok(h)
}

/// Applies a decision's effects for the event `event_id`.
#[allow(clippy::too_many_arguments)]
fn apply(tx: &mut dyn Sql, suppress_sql: &str, r: &Record, s: &Subject, d: &Decision, event_id: i64, now: i64, out: &mut IngestOutcome) -> Result<()> {
    let status = r.status.map(|c| c.to_string());
    for e in &d.effects {
        match e {
            Effect::Suppress { scope, expires_at } => {
                tx.execute(suppress_sql, args![s.address, scope.to_string(), s.domain, r.kind.as_str(), r.reason.as_str(), status, s.at, expires_at, s.incident_class, now])?;
                out.suppressed += 1;
            }
            Effect::CountSoft { scope, .. } => {
                tx.execute(sql::SOFT_INSERT, args![s.address, scope.to_string(), s.at, event_id])?;
                out.counted += 1;
            }
            Effect::ClearSoft => {
                tx.execute(sql::SOFT_CLEAR, args![s.address])?;
                out.cleared += 1;
            }
            Effect::Alert { provider } => {
                let diagnostic: String = r.diagnostic.chars().take(500).collect();
                tx.execute(sql::ALERT_UPSERT, args![provider, r.reason.as_str(), s.at, status, diagnostic, r.remote_mta, s.domain])?;
                out.alerts += 1;
            }
            Effect::OpenIncident { domain, since, recipients } => {
                let id = tx.one(sql::INCIDENT_OPEN, args![domain, s.at, recipients], |r| r.int(0))?;
                let released = tx.execute(sql::SUPPRESSION_RELEASE, args![domain, since, format!("released: domain incident {id}"), now])?;
                tx.execute(sql::INCIDENT_RELEASED, args![id, released as i64])?;
                out.incidents_opened += 1;
                out.released += released;
            }
            Effect::HoldForIncident { domain } => {
                tx.execute(sql::INCIDENT_HOLD, args![domain, s.at])?;
                out.held += 1;
            }
            Effect::CloseIncident { domain } => {
                out.incidents_closed += tx.execute(sql::INCIDENT_CLOSE, args![domain, now, "delivery"])?;
            }
        }
    }
    Ok(())
}

/// The domain whose history a record's decision reads and writes (the lock it takes).
fn lock_domain(r: &Record) -> String {
    match normalise(&r.recipient) {
        Some(a) => domain_of(&a).to_string(),
        None => r.recipient_domain().map(normalise_domain).unwrap_or_default(),
    }
}

/// Ingests one message's records inside the caller's transaction.
fn ingest_message(tx: &mut dyn Sql, policy: &Policy, clock: &dyn Clock, suppress_sql: &str, source_id: Option<&str>, records: &[Record]) -> Result<IngestOutcome> {
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
        if tx.exists(sql::EVENT_EXISTS, args![key])? {
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
        let event_id = tx.one(
            sql::EVENT_INSERT,
            args![
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
                incident_class,
                decision.rule,
                serde_json::to_string(&decision.effects)?,
                r.origin.name,
                r.format,
                serde_json::to_string(r)?,
                r.origin.kind.as_str()
            ],
            |row| row.int(0),
        )?;
        out.new_events += 1;
        if let Some(s) = &subject {
            apply(tx, suppress_sql, r, s, &decision, event_id, now, &mut out)?;
        }
        let c = kind_columns(r.kind);
        tx.execute(sql::DOMAIN_STAT, args![domain, at.div_euclid(DAY) * DAY, c[0], c[1], c[2], c[3], c[4], c[5]])?;
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

/// Adds a hit to a map of hits by address, preferring one without expiry (as
/// [`sql::CHECK`] orders them).
fn add_hit(map: &mut HashMap<String, Hit>, address: String, hit: Hit) {
    match map.entry(address) {
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

fn read_hit(r: &dyn Row) -> Result<(String, Hit)> {
    Ok((r.text(0)?, (r.text(1)?, r.text(2)?, r.text(3)?, r.opt_int(4)?)))
}

/// `SELECT … WHERE <prefix> IN (?first, ?first+1, …)` for `n` values.
fn in_list(prefix: &str, first: usize, n: usize) -> String {
    let mut q = String::with_capacity(prefix.len() + n * 6 + 8);
    q.push_str(prefix);
    q.push_str(" IN (");
    for i in 0..n {
        if i > 0 {
            q.push_str(", ");
        }
        q.push('?');
        q.push_str(&(first + i).to_string());
    }
    q.push(')');
    q
}

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

/// An owned parameter of a statement built at run time.
enum Val {
    Int(i64),
    Text(String),
}

impl ToArg for Val {
    fn to_arg(&self) -> Arg<'_> {
        match self {
            Val::Int(v) => Arg::Int(*v),
            Val::Text(s) => Arg::Text(s),
        }
    }
}

/// A `WHERE 1 = 1 AND …` clause being built with numbered parameters.
#[derive(Default)]
struct Filter {
    sql: String,
    vals: Vec<Val>,
}

impl Filter {
    fn push(&mut self, cond: &str, v: Val) {
        self.vals.push(v);
        self.sql.push_str(&format!(" AND {cond} ?{}", self.vals.len()));
    }

    fn args(&self) -> Vec<Arg<'_>> {
        self.vals.iter().map(ToArg::to_arg).collect()
    }
}

impl<B: Backend> Store for SqlStore<B> {
    fn ingest_batch(&mut self, messages: &[(Option<&str>, &[Record])]) -> Result<Vec<IngestOutcome>> {
        let Self { backend, policy, clock, suppress_sql, .. } = self;
        let mut domains: Vec<String> = messages.iter().flat_map(|(_, rs)| rs.iter().map(lock_domain)).collect();
        domains.sort_unstable();
        domains.dedup();
        // Idempotent: every event is deduplicated, so a retry after a commit whose
        // outcome was lost stores nothing twice.
        backend.transaction(Tx::Write { idempotent: true }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let mut outs = Vec::with_capacity(messages.len());
            for (source_id, records) in messages {
                outs.push(ingest_message(tx, policy, clock.as_ref(), suppress_sql, *source_id, records)?);
            }
            Ok(outs)
        })
    }

    fn check_many(&mut self, addresses: &[&str], scope: &Scope) -> Result<Vec<Check>> {
        let now = self.clock.now();
        let known_salt = self.salt.clone();
        let chunk = self.backend.lookup_chunk().max(1);
        let scope_text = scope.to_string();
        let normalised: Vec<Option<String>> = addresses.iter().map(|a| normalise(a)).collect();
        let (incidents, hits, tombstoned, salt) = self.read(|tx| {
            // Tombstones exist only after a forget that kept one, which stored the salt.
            let salt = match tx.one(sql::TOMBSTONE_COUNT, &[], |r| r.int(0))? {
                0 => None,
                _ => match &known_salt {
                    Some(s) => Some(s.clone()),
                    None => tx.row(sql::META_GET, args!["tombstone_salt"], |r| r.text(0))?,
                },
            };
            let incidents = current_incidents(tx)?;
            let valid: Vec<&str> = normalised.iter().flatten().map(String::as_str).collect();
            // Bulk checks against a list not much larger than the request read the list's
            // active rows once into a hash map; otherwise addresses are looked up one by
            // one through a prepared statement (in process) or in chunks of `IN (…)`
            // (over the network). (Measured in benches/store.rs.)
            let mut use_index = false;
            if valid.len() >= BULK_INDEX_MIN {
                let active = tx.one(sql::ACTIVE_COUNT, &[], |r| r.int(0))?;
                use_index = (active.max(0) as usize) <= valid.len().saturating_mul(BULK_INDEX_RATIO);
            }
            let mut hits: HashMap<String, Hit> = HashMap::new();
            if use_index {
                tx.query(sql::ACTIVE_IN_SCOPE, args![scope_text, now], &mut |r| {
                    let (a, h) = read_hit(r)?;
                    add_hit(&mut hits, a, h);
                    Ok(())
                })?;
            } else if chunk == 1 {
                for a in &valid {
                    if let Some(h) = tx.row(sql::CHECK, args![a, scope_text, now], |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.opt_int(3)?)))? {
                        hits.insert((*a).to_string(), h);
                    }
                }
            } else {
                for part in valid.chunks(chunk) {
                    let q = in_list(sql::CHECK_IN_PREFIX, 3, part.len());
                    let mut a: Vec<Arg<'_>> = vec![Arg::Text(&scope_text), Arg::Int(now)];
                    a.extend(part.iter().map(|s| Arg::Text(s)));
                    tx.query(&q, &a, &mut |r| {
                        let (addr, h) = read_hit(r)?;
                        add_hit(&mut hits, addr, h);
                        Ok(())
                    })?;
                }
            }
            let mut tombstoned: std::collections::HashSet<String> = std::collections::HashSet::new();
            if let Some(salt) = &salt {
                let hashes: Vec<(String, String)> = valid.iter().map(|a| (hash::tombstone(salt, a), (*a).to_string())).collect();
                if chunk == 1 {
                    for (h, a) in &hashes {
                        if tx.exists(sql::TOMBSTONE_EXISTS, args![h])? {
                            tombstoned.insert(a.clone());
                        }
                    }
                } else {
                    let by_hash: HashMap<&str, &str> = hashes.iter().map(|(h, a)| (h.as_str(), a.as_str())).collect();
                    for part in hashes.chunks(chunk) {
                        let q = in_list(sql::TOMBSTONE_IN_PREFIX, 1, part.len());
                        let a: Vec<Arg<'_>> = part.iter().map(|(h, _)| Arg::Text(h)).collect();
                        tx.query(&q, &a, &mut |r| {
                            if let Some(addr) = by_hash.get(r.text(0)?.as_str()) {
                                tombstoned.insert((*addr).to_string());
                            }
                            Ok(())
                        })?;
                    }
                }
            }
            Ok((incidents, hits, tombstoned, salt))
        })?;
        if salt.is_some() {
            self.salt = salt;
        }
        let mut out = Vec::with_capacity(addresses.len());
        for (input, address) in addresses.iter().zip(normalised) {
            let Some(address) = address else {
                out.push(Check { input: input.to_string(), address: None, verdict: CheckVerdict::Invalid, scope: None, kind: None, reason: None, expires_at: None, detail: "invalid: not an email address".into() });
                continue;
            };
            let mut c = Check { input: input.to_string(), address: None, verdict: CheckVerdict::Allowed, scope: None, kind: None, reason: None, expires_at: None, detail: String::new() };
            if tombstoned.contains(&address) {
                c.verdict = CheckVerdict::Suppressed;
                c.kind = Some("forgotten".into());
                c.detail = "suppressed: forgotten (tombstone)".into();
            } else if let Some((sc, kind, reason, expires_at)) = hits.get(&address).cloned() {
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
        let domains = [domain_of(&address).to_string()];
        self.backend.transaction(Tx::Write { idempotent: false }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let before = get_suppression(tx, &address, &s.scope)?;
            let active = before.as_ref().filter(|b| b.status == SuppressionStatus::Active);
            let row = Suppression {
                domain: domains[0].clone(),
                address: address.clone(),
                scope: s.scope.clone(),
                kind: kind.clone(),
                reason: reason.clone(),
                status_code: None,
                status: SuppressionStatus::Active,
                first_seen: active.map_or(now, |b| b.first_seen),
                last_seen: now,
                count: active.map_or(1, |b| b.count + 1),
                expires_at: s.expires_at,
                source: "manual".into(),
                note: s.note.clone(),
                created_by: Some(actor.to_string()),
            };
            put(tx, &row, now)?;
            audit_write(tx, now, actor, "add", Some(&s.scope), Some(&address), &serde_json::json!({ "before": before, "after": row }))?;
            Ok(row)
        })
    }

    fn remove(&mut self, address: &str, scope: &Scope, actor: &str, note: Option<&str>) -> Result<bool> {
        let addr = normalise(address).ok_or_else(|| StoreError::InvalidAddress(address.to_string()))?;
        let now = self.clock.now();
        let domains = [domain_of(&addr).to_string()];
        self.backend.transaction(Tx::Write { idempotent: false }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let before = get_suppression(tx, &addr, scope)?;
            let n = tx.execute(sql::SUPPRESSION_REMOVE, args![addr, scope.to_string(), note.unwrap_or("removed by hand"), now])?;
            tx.execute(sql::SOFT_CLEAR_SCOPE, args![addr, scope.to_string()])?;
            if n > 0 {
                audit_write(tx, now, actor, "remove", Some(scope), Some(&addr), &serde_json::json!({ "before": before, "note": note }))?;
            }
            Ok(n > 0)
        })
    }

    fn suppressions(&mut self, f: &SuppressionFilter) -> Result<Vec<Suppression>> {
        let mut w = Filter::default();
        if let Some(s) = &f.scope {
            w.push("scope =", Val::Text(s.to_string()));
        }
        if let Some(s) = f.status {
            w.push("status =", Val::Text(s.as_str().to_string()));
        }
        if let Some(k) = &f.kind {
            w.push("kind =", Val::Text(k.clone()));
        }
        if let Some(r) = &f.reason {
            w.push("reason =", Val::Text(r.clone()));
        }
        if let Some(d) = &f.domain {
            w.push("domain =", Val::Text(normalise_domain(d)));
        }
        if let Some(c) = &f.contains {
            let esc = c.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            w.push("address LIKE", Val::Text(format!("%{esc}%")));
            w.sql.push_str(" ESCAPE '\\'");
        }
        if let Some(t) = f.since {
            w.push("last_seen >=", Val::Int(t));
        }
        let limit = if f.limit == 0 { i64::MAX } else { f.limit as i64 };
        let q = format!("SELECT {} FROM suppressions WHERE 1 = 1{} ORDER BY last_seen DESC, id DESC LIMIT {limit} OFFSET {}", sql::SUPPRESSION_COLUMNS, w.sql, f.offset);
        let a = w.args();
        self.read(|tx| tx.rows_once(&q, &a, row_suppression))
    }

    fn events(&mut self, f: &EventFilter) -> Result<Vec<StoredEvent>> {
        let mut w = Filter::default();
        for (col, v) in [("address", &f.address), ("domain", &f.domain), ("kind", &f.kind), ("reason", &f.reason), ("source", &f.source)] {
            if let Some(v) = v {
                w.push(&format!("{col} ="), Val::Text(v.clone()));
            }
        }
        for (cond, v) in [("at >=", f.since), ("at <", f.until), ("id <", f.before_id), ("id =", f.id)] {
            if let Some(v) = v {
                w.push(cond, Val::Int(v));
            }
        }
        let limit = if f.limit == 0 { 100 } else { f.limit };
        let q = format!("SELECT {} FROM events WHERE 1 = 1{} ORDER BY id DESC LIMIT {limit}", sql::EVENT_COLUMNS, w.sql);
        let a = w.args();
        self.read(|tx| tx.rows_once(&q, &a, row_event))
    }

    fn import(&mut self, rows: &[(u64, Suppression)], actor: &str) -> Result<ImportOutcome> {
        let now = self.clock.now();
        // Validate and normalise first; the transaction only compares and writes.
        let mut errors = Vec::new();
        let mut good: Vec<Suppression> = Vec::with_capacity(rows.len());
        for (n, row) in rows {
            let Some(address) = normalise(&row.address) else {
                errors.push(RowError { row: *n, message: format!("`{}` is not an email address", row.address) });
                continue;
            };
            if !valid_kind(&row.kind) {
                errors.push(RowError { row: *n, message: format!("unknown kind `{}`", row.kind) });
                continue;
            }
            if !valid_reason(&row.reason) {
                errors.push(RowError { row: *n, message: format!("unknown reason `{}`", row.reason) });
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
            good.push(s);
        }
        errors.sort_by_key(|e| e.row);
        let mut domains: Vec<String> = good.iter().map(|s| s.domain.clone()).collect();
        domains.sort_unstable();
        domains.dedup();
        self.backend.transaction(Tx::Write { idempotent: true }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let mut out = ImportOutcome { rows: rows.len() as u64, errors: errors.clone(), ..ImportOutcome::default() };
            for s in &good {
                match get_suppression(tx, &s.address, &s.scope)? {
                    Some(existing) if existing == *s => out.unchanged += 1,
                    Some(_) => {
                        put(tx, s, now)?;
                        out.updated += 1;
                    }
                    None => {
                        put(tx, s, now)?;
                        out.inserted += 1;
                    }
                }
            }
            if out.inserted + out.updated > 0 {
                audit_write(tx, now, actor, "import", None, None, &serde_json::json!({ "rows": out.rows, "inserted": out.inserted, "updated": out.updated, "unchanged": out.unchanged, "errors": out.errors.len() }))?;
            }
            Ok(out)
        })
    }

    fn domains(&mut self, since: i64, limit: usize) -> Result<Vec<DomainStat>> {
        let limit = if limit == 0 { i64::MAX } else { limit as i64 };
        self.read(|tx| {
            let incidents = current_incidents(tx)?;
            tx.rows(sql::DOMAINS, args![since.div_euclid(DAY) * DAY, limit], |r| {
                let domain: String = r.get(0)?;
                Ok(DomainStat {
                    incident: incidents.get(&domain).copied(),
                    domain,
                    total: r.get(1)?,
                    hard: r.get(2)?,
                    soft: r.get(3)?,
                    block: r.get(4)?,
                    complaint: r.get(5)?,
                    delivered: r.get(6)?,
                    other: r.get(7)?,
                })
            })
        })
    }

    fn incidents(&mut self, include_closed: bool) -> Result<Vec<Incident>> {
        let q = format!("{} {} ORDER BY opened_at DESC, id DESC", sql::INCIDENT_SELECT, if include_closed { "" } else { "WHERE state <> 'closed'" });
        self.read(|tx| tx.rows(&q, &[], row_incident))
    }

    fn record_dns(&mut self, domain: &str, verdict: &Verdict) -> Result<Option<IncidentState>> {
        let domains = [normalise_domain(domain)];
        let now = self.clock.now();
        let detail = match verdict {
            Verdict::Mx { hosts } => Some(hosts.join(" ")),
            Verdict::Unknown { error } => Some(error.clone()),
            _ => None,
        };
        self.backend.transaction(Tx::Write { idempotent: true }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let Some(state) = tx.row(sql::INCIDENT_CURRENT, args![domains[0]], |r| r.text(0))? else {
                return Ok(None);
            };
            let state = parse_state(&state)?;
            let next = on_verdict(state, verdict);
            tx.execute(sql::INCIDENT_DNS, args![domains[0], verdict.name(), detail, now, next.unwrap_or(state).as_str()])?;
            Ok(next)
        })
    }

    fn alerts(&mut self, include_resolved: bool) -> Result<Vec<SenderAlert>> {
        self.read(|tx| {
            tx.rows(sql::ALERTS, args![include_resolved], |r| {
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
            })
        })
    }

    fn forget(&mut self, address: &str, keep_tombstone: bool, actor: &str) -> Result<ForgetOutcome> {
        let addr = normalise(address).ok_or_else(|| StoreError::InvalidAddress(address.to_string()))?;
        let salt = if keep_tombstone { Some(self.salt()?) } else { None };
        let now = self.clock.now();
        let domains = [domain_of(&addr).to_string()];
        self.backend.transaction(Tx::Write { idempotent: false }, &mut |tx| {
            tx.lock(Lock::Domains(&domains))?;
            let mut out = ForgetOutcome {
                events: tx.execute(sql::FORGET[0], args![addr])?,
                suppressions: tx.execute(sql::FORGET[1], args![addr])?,
                soft_bounces: tx.execute(sql::FORGET[2], args![addr])?,
                audit_redacted: tx.execute(sql::FORGET_AUDIT, args![addr])?,
                tombstone: false,
            };
            if let Some(salt) = &salt {
                tx.execute(sql::TOMBSTONE_INSERT, args![hash::tombstone(salt, &addr), now, actor])?;
                out.tombstone = true;
            }
            audit_write(tx, now, actor, "forget", None, None, &serde_json::json!({ "events": out.events, "suppressions": out.suppressions, "tombstone": out.tombstone }))?;
            Ok(out)
        })
    }

    fn report(&mut self, by: ReportBy, bucket: Bucket, since: i64, until: i64) -> Result<Vec<ReportRow>> {
        let key = match by {
            ReportBy::Kind => "kind",
            ReportBy::Reason => "reason",
            ReportBy::Domain => "domain",
        };
        let q = sql::report(key);
        let rows = self.read(|tx| tx.rows(&q, args![since, until], |r| Ok((r.int(0)?, r.text(1)?, r.int(2)?))))?;
        let mut grouped: BTreeMap<(i64, String), i64> = BTreeMap::new();
        let mut totals: HashMap<i64, i64> = HashMap::new();
        for (day, k, n) in rows {
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
        // One node at a time (PostgreSQL: an advisory lock); the others skip this round.
        if !self.backend.claim_cleanup()? {
            return Ok(CleanupOutcome { skipped: true, ..CleanupOutcome::default() });
        }
        let result = self.cleanup_claimed(vacuum);
        let released = self.backend.release_cleanup();
        let out = result?;
        released?;
        Ok(out)
    }

    fn counts(&mut self) -> Result<Counts> {
        let now = self.clock.now();
        self.read(|tx| {
            tx.one(sql::COUNTS, args![now], |r| {
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
            })
        })
    }

    fn audit(&mut self, limit: usize) -> Result<Vec<AuditEntry>> {
        let limit = if limit == 0 { i64::MAX } else { limit as i64 };
        self.read(|tx| {
            tx.rows(sql::AUDIT, args![limit], |r| {
                Ok(AuditEntry { id: r.get(0)?, at: r.get(1)?, actor: r.get(2)?, action: r.get(3)?, scope: r.get(4)?, address: r.get(5)?, detail: r.get(6)? })
            })
        })
    }

    fn integrity_check(&mut self) -> Result<String> {
        self.backend.integrity_check()
    }

    fn schema_version(&mut self) -> Result<i64> {
        self.read(|tx| tx.one(sql::SCHEMA_VERSION, &[], |r| r.int(0)))
    }
}

impl<B: Backend> SqlStore<B> {
    fn cleanup_claimed(&mut self, vacuum: bool) -> Result<CleanupOutcome> {
        let now = self.clock.now();
        let p = &self.policy;
        let (soft_bound, events_bound, incidents_bound, alerts_bound) =
            (now - p.longest_window().secs(), now - p.retention.events.secs(), now - p.incident.hold_for.secs(), now - p.retention.alerts.secs());
        let out = self.backend.transaction(Tx::Write { idempotent: true }, &mut |tx| {
            // Cleanup changes rows of every domain at once: it waits for the writers in
            // flight and holds the others back until it commits.
            tx.lock(Lock::All)?;
            Ok(CleanupOutcome {
                expired_suppressions: tx.execute(sql::CLEANUP_EXPIRE, args![now, now])?,
                soft_bounces_pruned: tx.execute(sql::CLEANUP_SOFT, args![soft_bound])?,
                events_pruned: tx.execute(sql::CLEANUP_EVENTS, args![events_bound])?,
                incidents_aged_out: tx.execute(sql::CLEANUP_INCIDENTS, args![incidents_bound, now])?,
                alerts_resolved: tx.execute(sql::CLEANUP_ALERTS, args![alerts_bound])?,
                vacuumed: vacuum,
                skipped: false,
            })
        })?;
        self.backend.maintain(vacuum)?;
        Ok(out)
    }
}

fn audit_write(tx: &mut dyn Sql, now: i64, actor: &str, action: &str, scope: Option<&Scope>, address: Option<&str>, detail: &serde_json::Value) -> Result<()> {
    tx.execute(sql::AUDIT_INSERT, args![now, actor, action, scope.map(|s| s.to_string()), address, detail.to_string()])?;
    Ok(())
}

fn put(tx: &mut dyn Sql, s: &Suppression, now: i64) -> Result<()> {
    tx.execute(
        sql::SUPPRESSION_PUT,
        args![s.address, s.scope.to_string(), s.domain, s.kind, s.reason, s.status_code, s.status.as_str(), s.first_seen, s.last_seen, s.count, s.expires_at, s.source, s.note, s.created_by, now],
    )?;
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
