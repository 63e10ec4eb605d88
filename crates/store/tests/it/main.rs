//! Tests of the store: ingest and dedupe, checks, the suppression list, incidents,
//! alerts, forget, cleanup, import/export, migrations — the shared suite on SQLite and on
//! PostgreSQL (see `support.rs`), and what only PostgreSQL has (`postgres.rs`).

mod exchange;
mod lifecycle;
mod postgres;
mod support;
