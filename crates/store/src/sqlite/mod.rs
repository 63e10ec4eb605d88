//! The SQLite backend: one rusqlite connection, WAL, versioned migrations compiled in
//! (`migrations/sqlite/`). The store's logic is in [`crate::engine`]; this module only
//! opens the file, runs transactions and statements, and maintains the database.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::backend::{Arg, Backend, Lock, Result, Row, Sql, Tx};
use crate::dialect::{self, MIGRATIONS};
use crate::engine::SqlStore;
use crate::{Options, StoreError};

/// The embedded store: [`SqlStore`] on one SQLite connection.
pub type SqliteStore = SqlStore<SqliteBackend>;

/// A SQLite connection as a store backend (see [`SqliteStore`]).
pub struct SqliteBackend {
    conn: Connection,
}

impl SqlStore<SqliteBackend> {
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

    fn init(conn: Connection, options: Options) -> Result<Self> {
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
        SqlStore::new(SqliteBackend { conn }, options, dialect::SCHEMA_VERSION_TABLE, MIGRATIONS)
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Arg::Null => ToSqlOutput::Owned(Value::Null),
            Arg::Int(v) => ToSqlOutput::Owned(Value::Integer(v)),
            Arg::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

struct SqliteRow<'a, 'b>(&'a rusqlite::Row<'b>);

impl Row for SqliteRow<'_, '_> {
    fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.0.get(i)?)
    }

    fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.0.get(i)?)
    }
}

/// An open SQLite transaction (the connection inside `BEGIN`).
struct SqliteTx<'a>(&'a Connection);

fn each_row(st: &mut rusqlite::Statement<'_>, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
    let mut rows = st.query(rusqlite::params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        each(&SqliteRow(r))?;
    }
    Ok(())
}

impl Sql for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        Ok(self.0.prepare_cached(sql)?.execute(rusqlite::params_from_iter(args.iter()))? as u64)
    }

    fn query(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        each_row(&mut *self.0.prepare_cached(sql)?, args, each)
    }

    fn query_once(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()> {
        each_row(&mut self.0.prepare(sql)?, args, each)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    /// Nothing to take: a SQLite write transaction (`BEGIN IMMEDIATE`) already excludes
    /// every other writer, in this process and in others.
    fn lock(&mut self, _lock: Lock<'_>) -> Result<()> {
        Ok(())
    }
}

impl Backend for SqliteBackend {
    fn transaction<T>(&mut self, kind: Tx, f: &mut dyn FnMut(&mut dyn Sql) -> Result<T>) -> Result<T> {
        let behavior = match kind {
            Tx::Read => TransactionBehavior::Deferred,
            Tx::Write { .. } => TransactionBehavior::Immediate,
        };
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let out = f(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    fn maintain(&mut self, vacuum: bool) -> Result<()> {
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
        Ok(())
    }

    fn integrity_check(&mut self) -> Result<String> {
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
    }

    /// One process writes at a time anyway; cleanup's transaction waits for the others.
    fn claim_cleanup(&mut self) -> Result<bool> {
        Ok(true)
    }

    fn release_cleanup(&mut self) -> Result<()> {
        Ok(())
    }

    fn lookup_chunk(&self) -> usize {
        1
    }

    fn describe(&self) -> String {
        match self.conn.path() {
            Some(p) if !p.is_empty() => format!("sqlite:{p}"),
            _ => "sqlite::memory:".into(),
        }
    }
}
