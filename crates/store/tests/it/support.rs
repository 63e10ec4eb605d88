//! Helpers: records, stores on a fixed clock, on SQLite or on PostgreSQL.
//!
//! Every test of the shared suite runs on both databases (see [`both!`]). A PostgreSQL
//! test gets a database of its own on the server `BOUNCEKIT_TEST_PG` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), created for it and dropped when the
//! store is dropped, also when the test fails. `BOUNCEKIT_TEST_PG=off` skips the
//! PostgreSQL half (say so in the output); a server that does not answer fails the tests.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bouncekit_core::{Blame, Kind, Reason, Record, StatusCode};
use bouncekit_policy::{FixedClock, Policy};
use bouncekit_store::{Options, SqliteStore, Store};

pub const NOW: i64 = 1_700_000_000;
pub const DAY: i64 = 86_400;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Runs each named test (a `fn(Db)`) on SQLite and on PostgreSQL, as
/// `<module>::sqlite::<name>` and `<module>::postgres::<name>`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name($crate::support::Db::Sqlite) } )*
        }
        mod postgres {
            $( #[test] fn $name() { if $crate::support::pg_enabled() { super::$name($crate::support::Db::Postgres) } } )*
        }
    };
}
pub(crate) use both;

pub fn rec(addr: &str, kind: Kind, reason: Reason, status: &str) -> Record {
    let mut r = Record::new(addr);
    r.kind = kind;
    r.reason = reason;
    r.blame = if kind == Kind::Complaint { Blame::Recipient } else { reason.blame() };
    r.status = (!status.is_empty()).then(|| status.parse::<StatusCode>().expect("valid status"));
    r
}

/// The PostgreSQL server the tests use.
pub fn pg_server() -> String {
    std::env::var("BOUNCEKIT_TEST_PG").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// False when `BOUNCEKIT_TEST_PG=off`.
pub fn pg_enabled() -> bool {
    if pg_server() == "off" {
        eprintln!("BOUNCEKIT_TEST_PG=off: PostgreSQL test skipped");
        return false;
    }
    true
}

/// `url` with its database replaced by `db` (scheme, user, host, port and query kept).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..authority_end])
}

/// A database of its own on the test server, dropped on drop.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(label: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("bouncekit_test_{label}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let server = pg_server();
        let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap_or_else(|e| panic!("the PostgreSQL test server {server} does not answer ({e}); set BOUNCEKIT_TEST_PG to its URL, or to `off` to skip"));
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create the test database");
        PgDatabase { url: with_database(&server, &name), name }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&pg_server(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// A store for one test; on PostgreSQL it owns its database (dropped after the store).
pub struct TestStore {
    pub store: Box<dyn Store>,
    /// Dropped after the store (fields drop in order).
    _db: Option<PgDatabase>,
}

impl Deref for TestStore {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        self.store.as_ref()
    }
}

impl DerefMut for TestStore {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.store.as_mut()
    }
}

pub fn options(policy: &str, clock: &Arc<FixedClock>) -> Options {
    Options { policy: Policy::from_toml(policy).expect("valid policy"), clock: clock.clone(), sync_full: false }
}

pub fn store_with(db: Db, policy: &str) -> (TestStore, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(NOW));
    let options = options(policy, &clock);
    let s = match db {
        Db::Sqlite => TestStore { store: Box::new(SqliteStore::open_in_memory(options).expect("store opens")), _db: None },
        Db::Postgres => {
            let pg = PgDatabase::create("store");
            TestStore { store: bouncekit_store::open(&pg.url, options).expect("store opens"), _db: Some(pg) }
        }
    };
    (s, clock)
}

pub fn store(db: Db) -> (TestStore, Arc<FixedClock>) {
    store_with(db, "")
}
