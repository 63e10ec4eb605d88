//! Tests of the SQLite store: ingest and dedupe, checks, the suppression list, incidents,
//! alerts, forget, cleanup, import/export, migrations.

mod exchange;
mod lifecycle;
mod support;
