//! The PostgreSQL backend: several `bouncekit` nodes sharing one suppression list.
//!
//! One [`PgBackend`] is one connection (the synchronous `postgres` client), opened on
//! first use and again after it was lost. What it adds to the shared logic of
//! [`SqlStore`]:
//!
//! - **Transactions.** Writers run in READ COMMITTED and first take transaction-scoped
//!   advisory locks on the recipient domains they touch (sorted, so two writers never
//!   deadlock), after a shared lock on the whole list; cleanup and very wide batches take
//!   the whole list exclusively. Reads run in REPEATABLE READ, READ ONLY: one snapshot.
//! - **Retries, bounded.** A lost connection (server restart, network) is reopened and
//!   the transaction run again, with backoff, for at most [`RETRY_BUDGET`]; a deadlock or
//!   serialisation failure (not expected with the locks above, but possible under manual
//!   SQL) is retried at once up to [`CONFLICT_RETRIES`] times. When the connection dies
//!   during COMMIT the outcome is unknown: ingests, imports and cleanup run again (they
//!   are idempotent); manual changes are not repeated and report the error.
//! - **Cleanup** on one node at a time: a session advisory lock taken with
//!   `pg_try_advisory_lock`; a node that does not get it skips the round.
//!
//! Statements are the portable ones of `sql.rs`, `?N` rewritten to `$N`, prepared once
//! per connection. TLS to the server is not built in: connect through a Unix socket
//! (`host=/var/run/postgresql`), a private network, or a local TLS tunnel (ARCHITECTURE.md).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, IsolationLevel, NoTls, Statement};
use postgres::error::SqlState;

use crate::backend::{Arg, Backend, Lock, Result, Row, Sql, Tx};
use crate::dialect::{self, POSTGRES_MIGRATIONS, numbered_dollar};
use crate::engine::SqlStore;
use crate::{Options, StoreError};

/// The store on PostgreSQL: [`SqlStore`] over one server connection.
pub type PgStore = SqlStore<PgBackend>;

/// How long a transaction keeps retrying a lost connection before it fails with
/// [`StoreError::Unavailable`] (waits between attempts; connection attempts themselves
/// are bounded by `connect_timeout`, 3 s unless the URL says otherwise).
pub const RETRY_BUDGET: Duration = Duration::from_secs(5);

/// How often a transaction is run again after a deadlock or serialisation failure.
pub const CONFLICT_RETRIES: u32 = 8;

/// Prepared statements kept per connection (the store has about 50; built listings add
/// a few).
const STATEMENT_CACHE: usize = 256;

/// The outcome of one attempt: the error, and whether it happened at COMMIT.
type Attempt<T> = std::result::Result<T, (StoreError, bool)>;

/// A PostgreSQL connection as a store backend (see [`PgStore`]).
pub struct PgBackend {
    config: postgres::Config,
    /// `host:port/database`, for errors and `Debug` (never the password).
    target: String,
    client: Option<Client>,
    statements: HashMap<String, Statement>,
}

impl SqlStore<PgBackend> {
    /// Connects to the database a `postgres://` (or `postgresql://`, or key=value) URL
    /// names and brings its schema up to date. Several nodes may do this at once: one
    /// migrates, the others wait and find the schema current.
    pub fn connect(url: &str, options: Options) -> Result<Self> {
        SqlStore::new(PgBackend::new(url)?, options, dialect::PG_SCHEMA_VERSION_TABLE, POSTGRES_MIGRATIONS)
    }
}

impl PgBackend {
    /// A backend for `url`; connects on first use.
    pub fn new(url: &str) -> Result<Self> {
        let mut config: postgres::Config = url.parse().map_err(|e| StoreError::Config(format!("invalid PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(3));
        }
        if config.get_application_name().is_none() {
            config.application_name("bouncekit");
        }
        // Notice a dead peer in about a minute instead of the kernel's two hours.
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        let target = describe(&config);
        Ok(PgBackend { config, target, client: None, statements: HashMap::new() })
    }

    /// The open connection, opening it when there is none or it was closed.
    fn client(&mut self) -> Result<&mut Client> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.drop_connection();
        }
        if self.client.is_none() {
            self.client = Some(self.config.connect(NoTls)?);
        }
        self.client.as_mut().ok_or_else(|| StoreError::Corrupt("no connection".into()))
    }

    fn drop_connection(&mut self) {
        self.client = None;
        self.statements.clear();
    }

    /// One run of `f` in a transaction; the error says whether it happened at COMMIT.
    fn attempt<T>(&mut self, kind: Tx, f: &mut dyn FnMut(&mut dyn Sql) -> Result<T>) -> Attempt<T> {
        self.client().map_err(|e| (e, false))?;
        let Self { client, statements, .. } = self;
        let client = client.as_mut().ok_or_else(|| (StoreError::Corrupt("no connection".into()), false))?;
        let mut tx = match kind {
            Tx::Read => client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start(),
            Tx::Write { .. } => client.build_transaction().isolation_level(IsolationLevel::ReadCommitted).start(),
        }
        .map_err(|e| (e.into(), false))?;
        if statements.len() > STATEMENT_CACHE {
            statements.clear();
        }
        let out = f(&mut PgTx { tx: &mut tx, statements }).map_err(|e| (e, false))?;
        tx.commit().map_err(|e| (e.into(), true))?;
        Ok(out)
    }

    /// Runs `op` with the retry rules of the module docs. `op` returns its error and
    /// whether it happened at COMMIT; `idempotent` allows a retry after that.
    fn retrying<T>(&mut self, idempotent: bool, op: &mut dyn FnMut(&mut Self) -> Attempt<T>) -> Result<T> {
        let start = Instant::now();
        let (mut attempts, mut conflicts) = (0u32, 0u32);
        loop {
            attempts += 1;
            let (err, at_commit) = match op(self) {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match classify(&err) {
                Class::Conflict if conflicts < CONFLICT_RETRIES => {
                    conflicts += 1;
                    std::thread::sleep(Duration::from_millis(u64::from(conflicts) * fastish_jitter()));
                }
                Class::Stale if conflicts < CONFLICT_RETRIES => {
                    conflicts += 1;
                    self.statements.clear();
                }
                Class::Connection => {
                    self.drop_connection();
                    let delay = backoff(attempts);
                    if (at_commit && !idempotent) || start.elapsed() + delay > RETRY_BUDGET {
                        return Err(StoreError::Unavailable {
                            target: self.target.clone(),
                            attempts,
                            waited_ms: start.elapsed().as_millis() as u64,
                            cause: error_text(&err),
                            commit_unknown: at_commit,
                        });
                    }
                    std::thread::sleep(delay);
                }
                _ => return Err(err),
            }
        }
    }
}

/// Waits between connection attempts: 50 ms, doubling, at most 1 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis((50u64 << attempt.saturating_sub(1).min(5)).min(1000))
}

/// A few milliseconds that differ between processes, so that two nodes that collided
/// do not collide again in step.
fn fastish_jitter() -> u64 {
    2 + u64::from(std::process::id() % 5)
}

fn describe(c: &postgres::Config) -> String {
    let host = match c.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = c.get_ports().first().copied().unwrap_or(5432);
    format!("postgres://{}{host}:{port}/{}", c.get_user().map(|u| format!("{u}@")).unwrap_or_default(), c.get_dbname().unwrap_or(""))
}

/// How a failure is handled.
#[derive(Debug, PartialEq, Eq)]
enum Class {
    /// Deadlock or serialisation failure: run the transaction again.
    Conflict,
    /// A prepared statement outlived a schema change: prepare again.
    Stale,
    /// The connection is gone or the server is (re)starting: reconnect, with backoff.
    Connection,
    /// Anything else: report it.
    Fatal,
}

fn classify(e: &StoreError) -> Class {
    let StoreError::Postgres(pe) = e else {
        return Class::Fatal;
    };
    if let Some(code) = pe.code() {
        return if *code == SqlState::T_R_SERIALIZATION_FAILURE || *code == SqlState::T_R_DEADLOCK_DETECTED {
            Class::Conflict
        } else if *code == SqlState::FEATURE_NOT_SUPPORTED && pe.as_db_error().is_some_and(|d| d.message().contains("cached plan")) {
            Class::Stale
        } else if code.code().starts_with("08")
            || [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW, SqlState::TOO_MANY_CONNECTIONS].contains(code)
            // An administrator closed the database for a while (ALLOW_CONNECTIONS false).
            || (*code == SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE && pe.as_db_error().is_some_and(|d| d.message().contains("not currently accepting connections")))
        {
            Class::Connection
        } else {
            Class::Fatal
        };
    }
    if pe.is_closed() || caused_by_io(pe) || pe.to_string().contains("timeout") || pe.to_string().starts_with("error connecting") {
        Class::Connection
    } else {
        Class::Fatal
    }
}

fn caused_by_io(e: &postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// A client error in one line: the server's message and SQLSTATE when the server
/// answered, else the client's error and its cause (refused, reset, timeout…).
pub fn describe_error(e: &postgres::Error) -> String {
    if let Some(d) = e.as_db_error() {
        let mut s = format!("{}: {} (SQLSTATE {})", d.severity(), d.message(), d.code().code());
        if let Some(detail) = d.detail() {
            s.push_str(&format!("; {detail}"));
        }
        return s;
    }
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(c) = source {
        let c_text = c.to_string();
        if !s.contains(&c_text) {
            s.push_str(&format!(": {c_text}"));
        }
        source = c.source();
    }
    s
}

/// A failure in one line.
fn error_text(e: &StoreError) -> String {
    match e {
        StoreError::Postgres(pe) => describe_error(pe),
        other => other.to_string(),
    }
}

impl ToSql for Arg<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Arg::Null => Ok(IsNull::Yes),
            Arg::Int(v) => {
                if *ty == Type::INT8 {
                    v.to_sql(ty, out)
                } else if *ty == Type::INT4 {
                    i32::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (v != 0).to_sql(ty, out)
                } else {
                    Err(format!("an integer cannot be bound to a parameter of type {ty}").into())
                }
            }
            // PostgreSQL text cannot hold NUL; hostile input may.
            Arg::Text(s) if s.contains('\0') => s.replace('\0', "\u{fffd}").as_str().to_sql(ty, out),
            Arg::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

struct PgRow<'a>(&'a postgres::Row);

impl Row for PgRow<'_> {
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        let r = self.0;
        let ty = r.columns().get(i).map(|c| c.type_().clone()).ok_or_else(|| StoreError::Corrupt(format!("no column {i}")))?;
        Ok(if ty == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)?
        } else if ty == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)?.map(i64::from)
        } else if ty == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)?.map(i64::from)
        } else if ty == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)?.map(i64::from)
        } else {
            return Err(StoreError::Corrupt(format!("column {i} is {ty}, not an integer")));
        })
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.0.try_get::<_, Option<String>>(i)?)
    }
}

/// An open PostgreSQL transaction and the connection's prepared statements.
struct PgTx<'a, 'c> {
    tx: &'a mut postgres::Transaction<'c>,
    statements: &'a mut HashMap<String, Statement>,
}

impl PgTx<'_, '_> {
    fn prepared(&mut self, sql: &str) -> Result<Statement> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(&numbered_dollar(sql))?;
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// Prepares (once per connection) a statement written for PostgreSQL.
    fn prepared_raw(&mut self, sql: &str) -> Result<Statement> {
        if let Some(st) = self.statements.get(sql) {
            return Ok(st.clone());
        }
        let st = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }

    fn each(&mut self, st: &Statement, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        let mut rows = self.tx.query_raw(st, args.iter().map(|a| a as &dyn ToSql))?;
        while let Some(r) = rows.next()? {
            each(&PgRow(&r))?;
        }
        Ok(())
    }
}

impl Sql for PgTx<'_, '_> {
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let st = self.prepared(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        Ok(self.tx.execute(&st, &params)?)
    }

    fn query(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        let st = self.prepared(sql)?;
        self.each(&st, args, each)
    }

    fn query_once(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        let st = self.tx.prepare(&numbered_dollar(sql))?;
        self.each(&st, args, each)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.tx.batch_execute(sql)?)
    }

    fn lock(&mut self, lock: Lock<'_>) -> Result<()> {
        let space = dialect::PG_LOCK_SPACE;
        match lock {
            Lock::Domains(domains) => {
                let mut keys: Vec<i64> = domains.iter().map(|d| dialect::pg_domain_key(d)).collect();
                keys.sort_unstable();
                keys.dedup();
                if keys.len() > dialect::PG_MAX_DOMAIN_LOCKS {
                    return self.lock(Lock::All);
                }
                // One round trip: the shared list lock first (the target list is evaluated
                // left to right), then the domains in ascending key order, as every writer
                // takes them: no deadlock.
                let st = self.prepared_raw(
                    "SELECT pg_advisory_xact_lock_shared($1, $2), \
                     (SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(k) FROM unnest($3::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY n) AS l)",
                )?;
                self.tx.execute(&st, &[&space, &dialect::PG_LOCK_ALL, &keys])?;
            }
            Lock::All => {
                self.execute("SELECT pg_advisory_xact_lock(?1, ?2)", &[Arg::Int(space.into()), Arg::Int(dialect::PG_LOCK_ALL.into())])?;
            }
            Lock::Migrations => {
                self.execute("SELECT pg_advisory_xact_lock(?1, ?2)", &[Arg::Int(space.into()), Arg::Int(dialect::PG_LOCK_MIGRATIONS.into())])?;
            }
        }
        Ok(())
    }
}

impl Backend for PgBackend {
    fn transaction<T>(&mut self, kind: Tx, f: &mut dyn FnMut(&mut dyn Sql) -> Result<T>) -> Result<T> {
        let idempotent = !matches!(kind, Tx::Write { idempotent: false });
        self.retrying(idempotent, &mut |b| b.attempt(kind, f))
    }

    /// Autovacuum keeps PostgreSQL's tables in shape; `vacuum` also runs
    /// `VACUUM (ANALYZE)` on bouncekit's tables now.
    fn maintain(&mut self, vacuum: bool) -> Result<()> {
        if vacuum {
            self.retrying(true, &mut |b| {
                let c = b.client().map_err(|e| (e, false))?;
                c.batch_execute("VACUUM (ANALYZE) events, suppressions, soft_bounces, domain_stats, incidents, sender_alerts, audit_log, tombstones, meta")
                    .map_err(|e| (e.into(), false))
            })?;
        }
        Ok(())
    }

    /// PostgreSQL checks pages itself (checksums, WAL); this reports what would make the
    /// store unusable: indexes left invalid (an interrupted concurrent build) on its
    /// tables.
    fn integrity_check(&mut self) -> Result<String> {
        let invalid: Vec<String> = self.retrying(true, &mut |b| {
            let c = b.client().map_err(|e| (e, false))?;
            let rows = c
                .query(
                    "SELECT ci.relname::text FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid \
                     WHERE NOT i.indisvalid AND ct.relnamespace = current_schema()::regnamespace",
                    &[],
                )
                .map_err(|e| (e.into(), false))?;
            Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
        })?;
        Ok(if invalid.is_empty() { "ok".into() } else { format!("invalid indexes: {}", invalid.join(", ")) })
    }

    fn claim_cleanup(&mut self) -> Result<bool> {
        self.retrying(true, &mut |b| {
            let c = b.client().map_err(|e| (e, false))?;
            let row = c
                .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&dialect::PG_LOCK_SPACE, &dialect::PG_LOCK_CLEANUP])
                .map_err(|e| (e.into(), false))?;
            Ok(row.get::<_, bool>(0))
        })
    }

    fn release_cleanup(&mut self) -> Result<()> {
        // A lost connection released it already.
        if let Some(c) = self.client.as_mut().filter(|c| !c.is_closed())
            && c.execute("SELECT pg_advisory_unlock($1, $2)", &[&dialect::PG_LOCK_SPACE, &dialect::PG_LOCK_CLEANUP]).is_err()
        {
            self.drop_connection();
        }
        Ok(())
    }

    fn lookup_chunk(&self) -> usize {
        1000
    }

    fn describe(&self) -> String {
        self.target.clone()
    }
}
