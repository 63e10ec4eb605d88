//! [`Db`]: the synchronous store behind the async server.
//!
//! **Concurrency.** [`Store`] is synchronous and takes `&mut self`: one store is one
//! database connection (SQLite, or PostgreSQL for several nodes). The server therefore
//! keeps
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

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bouncekit_store::{Options, Store, StoreError};
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
        if path.is_some() {
            for _ in 0..readers.max(1) {
                pool.push(Arc::new(Mutex::new(bouncekit_store::open(target, options.clone())?)));
            }
        }
        Ok(Db { writer: Arc::new(Mutex::new(writer)), readers: pool.into(), next: Arc::new(AtomicUsize::new(0)) })
    }

    /// Wraps one store (tests, in-memory use): reads and writes share it.
    pub fn from_store(store: Box<dyn Store>) -> Self {
        Db { writer: Arc::new(Mutex::new(store)), readers: Arc::new([]), next: Arc::new(AtomicUsize::new(0)) }
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
    /// The input it came from (a path, a mailbox URL, a webhook event id…).
    pub origin: String,
    /// What kind of input: `file`, `stdin`, `reply`, `log`, `webhook`, `listener`,
    /// `mailbox` or `api`.
    pub source: String,
    /// The format that produced it.
    pub format: String,
    /// The full record.
    #[schema(value_type = crate::schema::RecordDoc)]
    pub record: Value,
}


impl From<bouncekit_store::StoredEvent> for EventRow {
    fn from(e: bouncekit_store::StoredEvent) -> Self {
        use bouncekit_policy::time::format_rfc3339;
        EventRow {
            id: e.id,
            at: format_rfc3339(e.at),
            ingested_at: format_rfc3339(e.ingested_at),
            address: e.address,
            domain: e.domain,
            scope: e.scope,
            kind: e.kind,
            reason: e.reason,
            status_code: e.status_code,
            reply_code: e.reply_code,
            rule: e.rule,
            effects: e.effects,
            origin: e.origin,
            source: e.source,
            format: e.format,
            record: e.record,
        }
    }
}
