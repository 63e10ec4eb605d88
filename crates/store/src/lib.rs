//! The bouncekit store: what bouncekit remembers, behind one [`Store`] trait.
//!
//! - [`Store`] — ingest records (policy decisions applied in the same transaction as the
//!   event), check addresses (single and bulk), manage the suppression list, incidents,
//!   sender alerts, reports, GDPR forget and cleanup;
//! - [`SqliteStore`] — the embedded implementation: a file created on first use, WAL,
//!   versioned migrations compiled in (`migrations/sqlite/`, table `schema_version`);
//! - [`PgStore`] — the same on PostgreSQL, for several nodes sharing one list
//!   (`migrations/postgres/`; concurrency, retries and cleanup in [`mod@postgres`]);
//! - [`open`] — a store from a path or URL (`sqlite:PATH`, `postgres://…`).
//!
//! This is the only crate that writes SQL. The logic is written once ([`SqlStore`], in
//! `engine.rs`) over a small [`backend`] interface; the statements are portable
//! (`sql.rs`); what is each database's own is in `dialect.rs` and the two backends.
//!
//! **Durability:** an ingest of one message's records is one transaction; an event counts
//! once it is committed, and re-ingesting the same message (same content id) or the same
//! webhook event (same event id) changes nothing — also when two nodes receive it at once.
//!
//! ```
//! use bouncekit_core::{Kind, Reason, Record};
//! use bouncekit_policy::{Policy, Scope, SystemClock};
//! use bouncekit_store::{CheckVerdict, Options, SqliteStore, Store};
//!
//! let mut store = SqliteStore::open_in_memory(Options::default()).unwrap();
//! let mut r = Record::new("gone@example.com");
//! (r.kind, r.reason) = (Kind::Hard, Reason::UserUnknown);
//! let first = store.ingest(Some("message-1"), &[r.clone()]).unwrap();
//! let again = store.ingest(Some("message-1"), &[r]).unwrap();
//! assert_eq!((first.new_events, again.duplicates), (1, 1));
//! let check = store.check("Gone@Example.com", &Scope::Global).unwrap();
//! assert_eq!(check.verdict, CheckVerdict::Suppressed);
//! ```

pub mod backend;
mod dialect;
mod engine;
pub mod exchange;
pub mod hash;
pub mod postgres;
mod sql;
mod sqlite;
pub mod ts;
mod types;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bouncekit_core::Record;
use bouncekit_policy::{Clock, IncidentState, Policy, Scope, SystemClock, Verdict};

pub use dialect::{MIGRATIONS, Migration, POSTGRES_MIGRATIONS, numbered_dollar};
pub use engine::SqlStore;
pub use postgres::{PgBackend, PgStore};
pub use sqlite::{SqliteBackend, SqliteStore};
pub use types::*;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database said no.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database file's directory could not be created.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// PostgreSQL said no.
    #[error("PostgreSQL: {}", postgres::describe_error(.0))]
    Postgres(#[from] ::postgres::Error),
    /// The database cannot be reached (refused, lost, restarting) and the bounded
    /// retries did not help. Nothing was committed unless `commit_unknown`.
    #[error("the database {target} is unavailable ({attempts} attempts in {waited_ms} ms): {cause}{}", if *.commit_unknown { "; the connection was lost during COMMIT, so whether the last change was stored is unknown" } else { "" })]
    Unavailable {
        /// Which database (no password).
        target: String,
        /// Connection attempts made.
        attempts: u32,
        /// Time spent, in milliseconds.
        waited_ms: u64,
        /// The last failure.
        cause: String,
        /// The connection died while COMMIT was under way (a change that is not safe to
        /// repeat was not repeated).
        commit_unknown: bool,
    },
    /// The URL or connection settings are invalid.
    #[error("{0}")]
    Config(String),
    /// The URL names a backend this build does not have.
    #[error("unsupported database `{0}`: use a file path, sqlite:PATH or postgres://…")]
    Unsupported(String),
    /// The database was written by a newer bouncekit.
    #[error("the database has schema version {found}; this bouncekit knows up to {known}: upgrade bouncekit")]
    TooNew {
        /// The version found.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// Not an address.
    #[error("`{0}` is not an email address")]
    InvalidAddress(String),
    /// A stored value could not be read back.
    #[error("unreadable stored value: {0}")]
    Corrupt(String),
    /// A record could not be serialised.
    #[error("cannot serialise: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// True when retrying later may succeed: the database is unavailable (PostgreSQL
    /// down or restarting), busy (SQLite's lock beyond the busy timeout) or kept
    /// conflicting. Servers answer these with 503 (HTTP) or 451 (SMTP).
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Unavailable { .. } => true,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            }
            StoreError::Postgres(e) => e.code().is_some_and(|c| {
                *c == ::postgres::error::SqlState::T_R_SERIALIZATION_FAILURE || *c == ::postgres::error::SqlState::T_R_DEADLOCK_DETECTED
            }),
            _ => false,
        }
    }
}

/// How to open a store.
#[derive(Clone)]
pub struct Options {
    /// The policy applied at ingest, at cleanup and for incident windows.
    pub policy: Policy,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// SQLite: `synchronous=FULL` instead of `NORMAL`: with WAL, `NORMAL` loses no
    /// committed transaction when the process dies, only (possibly the last ones) on
    /// power loss; `FULL` syncs every commit. (PostgreSQL: the server's
    /// `synchronous_commit` decides.)
    pub sync_full: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { policy: Policy::default(), clock: Arc::new(SystemClock), sync_full: false }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options").field("sync_full", &self.sync_full).finish_non_exhaustive()
    }
}

/// Periods of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// UTC days.
    Day,
    /// Weeks starting on Monday.
    Week,
    /// Calendar months.
    Month,
}

/// Everything bouncekit remembers. Implemented by [`SqliteStore`] and [`PgStore`] (one
/// logic, [`SqlStore`]). Methods take `&mut self`: a store is one connection.
pub trait Store: Send {
    /// Ingests the records of one message (or one webhook event) in one transaction:
    /// each record becomes an event unless its dedupe key is stored already, the policy
    /// decides it against the stored history, and the decision's effects are applied.
    /// `source_id` identifies the message (see [`hash::content_id`]) or event; without
    /// one, records are deduplicated by their fields.
    fn ingest(&mut self, source_id: Option<&str>, records: &[Record]) -> Result<IngestOutcome, StoreError> {
        let mut v = self.ingest_batch(&[(source_id, records)])?;
        v.pop().ok_or_else(|| StoreError::Corrupt("ingest returned nothing".into()))
    }

    /// Ingests several messages in one transaction (each as [`ingest`](Self::ingest)
    /// would): all of them count once it commits, none if it does not. Amortises the
    /// commit, which dominates on slow disks.
    fn ingest_batch(&mut self, messages: &[(Option<&str>, &[Record])]) -> Result<Vec<IngestOutcome>, StoreError>;

    /// May I send to these addresses in `scope`? One answer per address, in order, from
    /// one consistent snapshot.
    fn check_many(&mut self, addresses: &[&str], scope: &Scope) -> Result<Vec<Check>, StoreError>;

    /// May I send to this address in `scope`?
    fn check(&mut self, address: &str, scope: &Scope) -> Result<Check, StoreError> {
        let mut v = self.check_many(&[address], scope)?;
        v.pop().ok_or_else(|| StoreError::Corrupt("check returned nothing".into()))
    }

    /// Suppresses an address by hand (replacing what is stored for it in that scope).
    fn add(&mut self, s: &NewSuppression, actor: &str) -> Result<Suppression, StoreError>;

    /// Removes a suppression by hand (it stays listed as removed) and clears the
    /// address's soft counts in that scope. False when there was nothing to remove.
    fn remove(&mut self, address: &str, scope: &Scope, actor: &str, note: Option<&str>) -> Result<bool, StoreError>;

    /// Lists suppressions, most recently seen first.
    fn suppressions(&mut self, filter: &SuppressionFilter) -> Result<Vec<Suppression>, StoreError>;

    /// Imports suppressions (numbered rows, as read by [`exchange`]) in one transaction.
    /// Idempotent: a row identical to what is stored changes nothing.
    fn import(&mut self, rows: &[(u64, Suppression)], actor: &str) -> Result<ImportOutcome, StoreError>;

    /// Stored events matching the filter, newest first.
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError>;

    /// Per-domain statistics since an instant, busiest first.
    fn domains(&mut self, since: i64, limit: usize) -> Result<Vec<DomainStat>, StoreError>;

    /// Incidents, newest first; closed ones only when asked.
    fn incidents(&mut self, include_closed: bool) -> Result<Vec<Incident>, StoreError>;

    /// Records what DNS says about a domain with a current incident; returns the new
    /// state when it changed (dead DNS → dead, recovery → closed).
    fn record_dns(&mut self, domain: &str, verdict: &Verdict) -> Result<Option<IncidentState>, StoreError>;

    /// Sender alerts, most recent first; resolved ones only when asked.
    fn alerts(&mut self, include_resolved: bool) -> Result<Vec<SenderAlert>, StoreError>;

    /// GDPR forget: deletes the address's events, suppressions and soft counts and
    /// clears it from the audit log; with `keep_tombstone`, keeps a salted hash that
    /// still suppresses it.
    fn forget(&mut self, address: &str, keep_tombstone: bool, actor: &str) -> Result<ForgetOutcome, StoreError>;

    /// Events per period and kind, reason or domain in `[since, until)`.
    fn report(&mut self, by: ReportBy, bucket: Bucket, since: i64, until: i64) -> Result<Vec<ReportRow>, StoreError>;

    /// Expires suppressions, prunes soft counts and old events, ages out incidents,
    /// resolves quiet alerts, optimises the database (`vacuum`: rebuild the file too).
    /// The server runs this on a schedule.
    fn cleanup(&mut self, vacuum: bool) -> Result<CleanupOutcome, StoreError>;

    /// Sizes of the store.
    fn counts(&mut self) -> Result<Counts, StoreError>;

    /// The audit log, newest first.
    fn audit(&mut self, limit: usize) -> Result<Vec<AuditEntry>, StoreError>;

    /// The database's own consistency check: `ok` when sound.
    fn integrity_check(&mut self) -> Result<String, StoreError>;

    /// The applied schema version.
    fn schema_version(&mut self) -> Result<i64, StoreError>;
}

/// `target` fit for logs and errors: a PostgreSQL URL without its password
/// (`postgres://user:***@host/db`, `password=***`); anything else as it is.
pub fn redact(target: &str) -> String {
    let t = target.trim();
    if !(t.starts_with("postgres://") || t.starts_with("postgresql://")) {
        return t.to_string();
    }
    let mut out = t.to_string();
    let scheme_end = out.find("://").map_or(0, |i| i + 3);
    let authority_end = out[scheme_end..].find(['/', '?']).map_or(out.len(), |i| scheme_end + i);
    if let Some(at) = out[scheme_end..authority_end].rfind('@').map(|i| scheme_end + i)
        && let Some(colon) = out[scheme_end..at].find(':').map(|i| scheme_end + i)
    {
        out.replace_range(colon + 1..at, "***");
    }
    if let Some(q) = out.find('?') {
        let query: Vec<String> = out[q + 1..]
            .split('&')
            .map(|kv| if kv.to_ascii_lowercase().starts_with("password=") { "password=***".to_string() } else { kv.to_string() })
            .collect();
        out.replace_range(q + 1.., &query.join("&"));
    }
    out
}

/// Opens the store a path or URL names: a file path, `sqlite:PATH`, `sqlite://PATH`,
/// `sqlite::memory:`, or a PostgreSQL URL (`postgres://user@host:port/database`,
/// `postgresql://…`). A SQLite file and its directory are created on first use; a
/// PostgreSQL database must exist (its tables are created on first use).
pub fn open(target: &str, options: Options) -> Result<Box<dyn Store>, StoreError> {
    let t = target.trim();
    if t.starts_with("postgres://") || t.starts_with("postgresql://") {
        return Ok(Box::new(PgStore::connect(t, options)?));
    }
    let path = t.strip_prefix("sqlite://").or_else(|| t.strip_prefix("sqlite:")).unwrap_or(t);
    if path == ":memory:" {
        return Ok(Box::new(SqliteStore::open_in_memory(options)?));
    }
    if t.contains("://") && !t.starts_with("sqlite://") {
        return Err(StoreError::Unsupported(t.to_string()));
    }
    Ok(Box::new(SqliteStore::open(Path::new(path), options)?))
}
