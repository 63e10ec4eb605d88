//! What is SQLite's own, in one place: connection pragmas, migrations, maintenance.
//! A PostgreSQL backend replaces this module (and `migrations/sqlite/`) and reuses the
//! portable statements of `sql.rs` through [`numbered_dollar`].

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
pub const MIGRATIONS: &[Migration] = &[Migration { version: 1, name: "initial", sql: include_str!("../migrations/sqlite/0001_initial.sql") }];

/// The table that records applied migrations (same text works on PostgreSQL).
pub const SCHEMA_VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

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
