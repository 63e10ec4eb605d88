//! The small interface the store's logic runs on, implemented once per database.
//!
//! Everything the store decides — ingest with the policy, checks, the suppression list,
//! incidents, imports, forget, reports — lives once in [`SqlStore`](crate::SqlStore) and talks to the
//! database only through these traits:
//!
//! - [`Backend`] runs a closure inside a transaction of a [`Tx`] kind (and retries it
//!   where that is safe), and does what is the database's own: maintenance after cleanup,
//!   the consistency check, the cleanup lock;
//! - [`Sql`] is the open transaction: run a portable statement (`?N` placeholders) with
//!   [`Arg`]s, read its rows through [`Row`], take [`Lock`]s;
//! - [`Row`] reads a column as an integer or text.
//!
//! SQLite implements it over a rusqlite connection (`crate::sqlite`), PostgreSQL over a
//! `postgres` client (`crate::postgres`). Not meant to be implemented outside this crate.

use crate::StoreError;

pub(crate) type Result<T> = std::result::Result<T, StoreError>;

/// A value bound to a statement parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    /// SQL NULL.
    Null,
    /// An integer (PostgreSQL: bound as whatever integer type the parameter has).
    Int(i64),
    /// Text.
    Text(&'a str),
}

/// Turns a Rust value into an [`Arg`] borrowing from it.
pub trait ToArg {
    /// The argument.
    fn to_arg(&self) -> Arg<'_>;
}

impl ToArg for i64 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(*self)
    }
}

impl ToArg for i32 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}

impl ToArg for u32 {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}

impl ToArg for bool {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Int(i64::from(*self))
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Arg<'_> {
        Arg::Text(self)
    }
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Arg<'_> {
        (**self).to_arg()
    }
}

impl<T: ToArg> ToArg for Option<T> {
    fn to_arg(&self) -> Arg<'_> {
        self.as_ref().map_or(Arg::Null, ToArg::to_arg)
    }
}

/// `args![a, b, …]`: a slice of [`Arg`]s borrowing from the expressions.
macro_rules! args {
    ($($e:expr),* $(,)?) => {
        &[$($crate::backend::ToArg::to_arg(&$e)),*][..]
    };
}
pub(crate) use args;

/// One result row.
pub trait Row {
    /// An integer column (NULL is an error).
    fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
    /// An integer column that may be NULL.
    fn opt_int(&self, i: usize) -> Result<Option<i64>>;
    /// A text column (NULL is an error).
    fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?.ok_or_else(|| StoreError::Corrupt(format!("column {i} is NULL")))
    }
    /// A text column that may be NULL.
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
}

/// Column types [`Row::get`](trait.Row.html) can read.
pub trait FromCol: Sized {
    /// Reads column `i` of `r`.
    fn from_col(r: &dyn Row, i: usize) -> Result<Self>;
}

impl FromCol for i64 {
    fn from_col(r: &dyn Row, i: usize) -> Result<Self> {
        r.int(i)
    }
}

impl FromCol for Option<i64> {
    fn from_col(r: &dyn Row, i: usize) -> Result<Self> {
        r.opt_int(i)
    }
}

impl FromCol for String {
    fn from_col(r: &dyn Row, i: usize) -> Result<Self> {
        r.text(i)
    }
}

impl FromCol for Option<String> {
    fn from_col(r: &dyn Row, i: usize) -> Result<Self> {
        r.opt_text(i)
    }
}

impl dyn Row + '_ {
    /// Column `i` as `T`.
    pub fn get<T: FromCol>(&self, i: usize) -> Result<T> {
        T::from_col(self, i)
    }
}

/// What a write transaction locks before it reads what its decisions depend on.
///
/// SQLite needs none of this: a write transaction there is exclusive (`BEGIN
/// IMMEDIATE`). PostgreSQL runs writers side by side (READ COMMITTED) and serialises
/// them with transaction-scoped advisory locks, always taken in the same order, so
/// two writers can neither interleave on the same domain nor deadlock (ARCHITECTURE.md,
/// "Several nodes on PostgreSQL").
#[derive(Debug, Clone, Copy)]
pub enum Lock<'a> {
    /// The recipient domains whose history the transaction reads and writes: events
    /// (dedupe), soft counts, suppressions, incidents. Other writers of the same domains
    /// wait; writers of other domains run beside it.
    Domains(&'a [String]),
    /// Everything: waits for every writer, and every writer waits for it (imports of
    /// many domains, cleanup, a batch touching more domains than is worth locking one by
    /// one).
    All,
    /// Schema migrations (one node migrates, the others wait and find it done).
    Migrations,
}

/// An open transaction.
pub trait Sql {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64>;
    /// Runs a query, handing each row to `each`. The statement stays prepared.
    fn query(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()>;
    /// Like [`query`](Self::query) for a statement built for this call (not kept
    /// prepared).
    fn query_once(&mut self, sql: &str, args: &[Arg<'_>], each: &mut dyn FnMut(&dyn Row) -> Result<()>) -> Result<()>;
    /// Runs several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Takes a lock until the end of the transaction (see [`Lock`]).
    fn lock(&mut self, lock: Lock<'_>) -> Result<()>;
}

impl dyn Sql + '_ {
    /// The rows of a query, each mapped by `f`.
    pub fn rows<T>(&mut self, sql: &str, args: &[Arg<'_>], mut f: impl FnMut(&dyn Row) -> Result<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.query(sql, args, &mut |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The rows of a one-off query (see [`Sql::query_once`]), each mapped by `f`.
    pub fn rows_once<T>(&mut self, sql: &str, args: &[Arg<'_>], mut f: impl FnMut(&dyn Row) -> Result<T>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.query_once(sql, args, &mut |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query mapped by `f`, if there is one.
    pub fn row<T>(&mut self, sql: &str, args: &[Arg<'_>], f: impl FnOnce(&dyn Row) -> Result<T>) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.query(sql, args, &mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query mapped by `f`; no row is an error.
    pub fn one<T>(&mut self, sql: &str, args: &[Arg<'_>], f: impl FnOnce(&dyn Row) -> Result<T>) -> Result<T> {
        self.row(sql, args, f)?.ok_or_else(|| StoreError::Corrupt(format!("no row from `{}`", sql.chars().take(60).collect::<String>())))
    }

    /// True when the query returns a row.
    pub fn exists(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<bool> {
        Ok(self.row(sql, args, |_| Ok(()))?.is_some())
    }
}

/// The kind of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tx {
    /// Reads from one consistent snapshot (PostgreSQL: REPEATABLE READ, READ ONLY).
    Read,
    /// Writes. `idempotent`: running the closure again after a commit whose outcome is
    /// unknown (the connection died during COMMIT) changes nothing — true for ingest
    /// (events are deduplicated), import, DNS verdicts and cleanup; false for manual
    /// changes, which count and write the audit log.
    Write {
        /// See above.
        idempotent: bool,
    },
}

/// A database the store runs on.
pub trait Backend: Send {
    /// Runs `f` in a transaction of kind `kind` and commits when it returns `Ok`.
    /// May run `f` again after a transient failure (a lost connection, a serialisation
    /// conflict) within the backend's bounded retries; `f` must start from scratch each
    /// time.
    fn transaction<T>(&mut self, kind: Tx, f: &mut dyn FnMut(&mut dyn Sql) -> Result<T>) -> Result<T>;

    /// Runs after cleanup's transaction committed: the database's own maintenance
    /// (`vacuum`: also rebuild/compact storage).
    fn maintain(&mut self, vacuum: bool) -> Result<()>;

    /// The database's consistency check: `ok` when sound.
    fn integrity_check(&mut self) -> Result<String>;

    /// Claims the right to run cleanup (`true`), or says another node is running it
    /// (`false`). Released by [`release_cleanup`](Self::release_cleanup).
    fn claim_cleanup(&mut self) -> Result<bool>;

    /// Releases what [`claim_cleanup`](Self::claim_cleanup) claimed.
    fn release_cleanup(&mut self) -> Result<()>;

    /// Bulk checks look addresses up this many at a time in one statement
    /// (`address IN (…)`); 1 means one prepared lookup per address, which is the faster
    /// choice in process (SQLite), while a server round trip per address is not.
    fn lookup_chunk(&self) -> usize;

    /// A description for `Debug` (never a password).
    fn describe(&self) -> String;
}
