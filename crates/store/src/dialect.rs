//! What is each database's own, in one place: migrations (`migrations/sqlite/`,
//! `migrations/postgres/`), SQLite's connection pragmas and maintenance, PostgreSQL's
//! advisory-lock keys and placeholders ([`numbered_dollar`]). The statements themselves
//! are portable and shared (`sql.rs`).

/// A schema migration compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its version; applied in ascending order, each once.
    pub version: i64,
    /// A short name.
    pub name: &'static str,
    /// The SQL.
    pub sql: &'static str,
}

/// The SQLite migrations, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../migrations/sqlite/0001_initial.sql") },
    Migration { version: 2, name: "event source", sql: include_str!("../migrations/sqlite/0002_event_source.sql") },
];

/// The PostgreSQL migrations, oldest first. Same versions and meaning as the SQLite ones;
/// only key columns and types differ (identity keys, BIGINT seconds).
pub const POSTGRES_MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "initial", sql: include_str!("../migrations/postgres/0001_initial.sql") },
    Migration { version: 2, name: "event source", sql: include_str!("../migrations/postgres/0002_event_source.sql") },
];

/// The table that records applied migrations (SQLite).
pub const SCHEMA_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

/// The table that records applied migrations (PostgreSQL: seconds need 64 bits).
pub const PG_SCHEMA_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// First key of every PostgreSQL advisory lock bouncekit takes in the two-key form
/// (`pg_advisory_xact_lock(int, int)`): "bkit". The second key says which lock.
pub const PG_LOCK_SPACE: i32 = 0x626b_6974;
/// Second key: the whole list (writers take it shared, cleanup and large batches
/// exclusive).
pub const PG_LOCK_ALL: i32 = 1;
/// Second key: cleanup runs on one node at a time (session lock, try only).
pub const PG_LOCK_CLEANUP: i32 = 2;
/// Second key: schema migrations.
pub const PG_LOCK_MIGRATIONS: i32 = 3;
/// A write transaction locks each of its domains when it has at most this many (a
/// batch of 256 one-recipient messages, as `bouncekit ingest` commits, stays below);
/// beyond, it takes the whole list ([`PG_LOCK_ALL`]) exclusively instead. This bounds
/// what one writer holds in the server's shared lock table, which has room for
/// `max_locks_per_transaction` × `max_connections` locks (64 × 100 by default).
pub const PG_MAX_DOMAIN_LOCKS: usize = 256;

/// The advisory-lock key of a recipient domain (single 64-bit key form, which does not
/// overlap the two-key form): FNV-1a, stable across versions and machines.
pub fn pg_domain_key(domain: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in domain.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h as i64
}

/// Pragmas set on every connection, before anything else. `auto_vacuum` only takes on a
/// new file (it must precede the first table), which is when it matters.
pub const PRAGMAS: &[(&str, &str)] = &[
    ("auto_vacuum", "INCREMENTAL"),
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("temp_store", "MEMORY"),
    ("cache_size", "-65536"),
    // Checkpoint the write-ahead log every 16 MiB instead of 4: hot index pages are
    // written back once per checkpoint, not once per 1000 pages.
    ("wal_autocheckpoint", "4000"),
];

/// How long a writer waits for another writer's lock before failing, in milliseconds.
pub const BUSY_TIMEOUT_MS: u64 = 10_000;

/// Maintenance after cleanup: refresh planner statistics, give free pages back,
/// truncate the write-ahead log.
pub const OPTIMISE: &str = "PRAGMA optimize; PRAGMA incremental_vacuum; PRAGMA wal_checkpoint(TRUNCATE);";

/// Full rebuild of the file (slow, takes an exclusive lock).
pub const VACUUM: &str = "VACUUM";

/// Rewrites `?N` placeholders as PostgreSQL's `$N`. Leaves text inside single quotes
/// alone.
pub fn numbered_dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '?' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}
