//! [`Db`]: the synchronous store behind the async server.
//!
//! **Concurrency.** [`Store`] is synchronous and takes `&mut self`: one store is one
//! SQLite connection. The server therefore keeps
//!
//! - one **writer** connection behind a mutex — SQLite admits one writer at a time
//!   anyway, and ingest, suppression changes, imports and forget all go through it;
//! - a pool of **reader** connections, each behind its own mutex, for checks and
//!   listings: with WAL, readers run beside the writer and beside each other, so bulk
//!   checks scale with cores instead of queueing behind an import.
//!
//! Every store call runs on tokio's blocking pool ([`tokio::task::spawn_blocking`]):
//! a slow disk or a long transaction never stalls the async workers that serve other
//! connections. A reader is picked round-robin, skipping busy ones (`try_lock`); when all
//! are busy the caller waits for its round-robin pick. An in-memory database cannot be
//! shared between connections, so there the pool is the writer alone.
//!
//! `GET /v1/events` needs a listing the [`Store`] trait does not have yet; until it has,
//! [`EventsReader`] reads the `events` table through a read-only connection of its own
//! (see its docs).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bouncekit_store::{Options, Store, StoreError};
use rusqlite::{OpenFlags, OptionalExtension, params_from_iter};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

type Shared = Arc<Mutex<Box<dyn Store>>>;

/// The store pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    /// The one connection that writes.
    writer: Shared,
    /// Connections that read (checks, listings); empty for in-memory databases, where
    /// reads go to the writer.
    readers: Arc<[Shared]>,
    /// Round-robin position among the readers.
    next: Arc<AtomicUsize>,
    /// The events listing adapter; `None` for in-memory databases.
    events: Option<Arc<EventsReader>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("readers", &self.readers.len()).finish_non_exhaustive()
    }
}

/// The file path a store target names, or `None` for an in-memory database.
fn file_path(target: &str) -> Option<String> {
    let t = target.trim();
    let path = t.strip_prefix("sqlite://").or_else(|| t.strip_prefix("sqlite:")).unwrap_or(t);
    if path == ":memory:" || path.is_empty() { None } else { Some(path.to_string()) }
}

impl Db {
    /// Opens `target` (a path, `sqlite:PATH`, `sqlite::memory:`) with one writer and
    /// `readers` reader connections (at least one for a file).
    pub fn open(target: &str, options: Options, readers: usize) -> Result<Self, StoreError> {
        let writer = bouncekit_store::open(target, options.clone())?;
        let path = file_path(target);
        let mut pool: Vec<Shared> = Vec::new();
        let mut events = None;
        if let Some(p) = &path {
            for _ in 0..readers.max(1) {
                pool.push(Arc::new(Mutex::new(bouncekit_store::open(target, options.clone())?)));
            }
            events = Some(Arc::new(EventsReader::open(p)?));
        }
        Ok(Db { writer: Arc::new(Mutex::new(writer)), readers: pool.into(), next: Arc::new(AtomicUsize::new(0)), events })
    }

    /// Wraps one store (tests, in-memory use): reads and writes share it.
    pub fn from_store(store: Box<dyn Store>) -> Self {
        Db { writer: Arc::new(Mutex::new(store)), readers: Arc::new([]), next: Arc::new(AtomicUsize::new(0)), events: None }
    }

    fn lock(m: &Shared) -> MutexGuard<'_, Box<dyn Store>> {
        // A panic inside a store call leaves the connection usable: SQLite rolls back
        // the open transaction when it is dropped.
        m.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn pick_reader(&self) -> &Shared {
        if self.readers.is_empty() {
            return &self.writer;
        }
        let n = self.readers.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        for i in 0..n {
            let r = &self.readers[(start + i) % n];
            if let Ok(g) = r.try_lock() {
                drop(g);
                return r;
            }
        }
        &self.readers[start]
    }

    /// Runs `f` on a reader connection, on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.clone();
        blocking(move || {
            let conn = db.pick_reader();
            let mut g = Self::lock(conn);
            f(g.as_mut()).map_err(ApiError::from)
        })
        .await
    }

    /// Runs `f` on the writer connection, on the blocking pool.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let w = self.writer.clone();
        blocking(move || {
            let mut g = Self::lock(&w);
            f(g.as_mut()).map_err(ApiError::from)
        })
        .await
    }

    /// Runs `f` on the writer connection in the calling thread (for blocking contexts
    /// such as the SMTP sink's own blocking task).
    pub fn write_blocking<T>(&self, f: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut g = Self::lock(&self.writer);
        f(g.as_mut())
    }

    /// The events listing adapter, when the database is a file.
    pub fn events(&self) -> Option<Arc<EventsReader>> {
        self.events.clone()
    }
}

/// Runs `f` on the blocking pool; a panic becomes a 500 (logged, not sent).
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(ApiError::internal(format!("blocking task failed: {e}"))),
    }
}

/// One stored event, as `GET /v1/events` lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventRow {
    /// The event's id (also the paging cursor).
    pub id: i64,
    /// When it happened (RFC 3339).
    pub at: String,
    /// When it was stored (RFC 3339).
    pub ingested_at: String,
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
    /// The effects applied (JSON array).
    #[schema(value_type = Object)]
    pub effects: Value,
    /// Where it came from (`webhook`, `listener`, `api`…).
    pub origin: String,
    /// The format that produced it.
    pub format: String,
    /// The full record.
    #[schema(value_type = crate::schema::RecordDoc)]
    pub record: Value,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Only this (normalised) address.
    pub address: Option<String>,
    /// Only this domain.
    pub domain: Option<String>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this reason.
    pub reason: Option<String>,
    /// Only events at or after this instant.
    pub since: Option<i64>,
    /// Only events before this instant.
    pub until: Option<i64>,
    /// Only events with an id below this (the cursor).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: usize,
}

/// **Adapter** for `GET /v1/events`: the [`Store`] trait has no event listing yet, so
/// this reads the store's `events` table through a connection opened read-only
/// (`SQLITE_OPEN_READ_ONLY`): it cannot change anything, and it reads only the columns
/// of schema version 1. Replace it with `Store::events` when the store offers one.
pub struct EventsReader {
    conn: Mutex<rusqlite::Connection>,
}

impl std::fmt::Debug for EventsReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventsReader").finish_non_exhaustive()
    }
}

impl EventsReader {
    /// Opens the database file read-only.
    pub fn open(path: &str) -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(EventsReader { conn: Mutex::new(conn) })
    }

    /// Events matching `f`, newest first.
    pub fn list(&self, f: &EventFilter) -> Result<Vec<EventRow>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut q = String::from(
            "SELECT id, at, ingested_at, address, domain, scope, kind, reason, status_code, reply_code, rule, effects, origin, format, record FROM events WHERE 1 = 1",
        );
        let mut p: Vec<rusqlite::types::Value> = Vec::new();
        let mut cond = |q: &mut String, c: &str, v: rusqlite::types::Value| {
            p.push(v);
            q.push_str(&format!(" AND {c} ?{}", p.len()));
        };
        use rusqlite::types::Value as V;
        if let Some(a) = &f.address {
            cond(&mut q, "address =", V::Text(a.clone()));
        }
        if let Some(d) = &f.domain {
            cond(&mut q, "domain =", V::Text(d.clone()));
        }
        if let Some(k) = &f.kind {
            cond(&mut q, "kind =", V::Text(k.clone()));
        }
        if let Some(r) = &f.reason {
            cond(&mut q, "reason =", V::Text(r.clone()));
        }
        if let Some(t) = f.since {
            cond(&mut q, "at >=", V::Integer(t));
        }
        if let Some(t) = f.until {
            cond(&mut q, "at <", V::Integer(t));
        }
        if let Some(id) = f.before_id {
            cond(&mut q, "id <", V::Integer(id));
        }
        q.push_str(&format!(" ORDER BY id DESC LIMIT {}", f.limit.max(1)));
        let mut st = conn.prepare(&q)?;
        let rows = st.query_map(params_from_iter(p.iter()), |r| {
            let ts = |i: usize| -> rusqlite::Result<String> { Ok(bouncekit_policy::time::format_rfc3339(r.get(i)?)) };
            let effects: String = r.get(11)?;
            let record: String = r.get(14)?;
            Ok(EventRow {
                id: r.get(0)?,
                at: ts(1)?,
                ingested_at: ts(2)?,
                address: r.get(3)?,
                domain: r.get(4)?,
                scope: r.get(5)?,
                kind: r.get(6)?,
                reason: r.get(7)?,
                status_code: r.get(8)?,
                reply_code: r.get(9)?,
                rule: r.get(10)?,
                effects: serde_json::from_str(&effects).unwrap_or(Value::Array(Vec::new())),
                origin: r.get(12)?,
                format: r.get(13)?,
                record: serde_json::from_str(&record).unwrap_or(Value::Null),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// True when the database answers (for `/readyz`).
    pub fn ping(&self) -> bool {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).optional().is_ok()
    }
}
