//! Helpers: records, stores on a fixed clock.

use std::sync::Arc;

use bouncekit_core::{Blame, Kind, Reason, Record, StatusCode};
use bouncekit_policy::{FixedClock, Policy};
use bouncekit_store::{Options, SqliteStore};

pub const NOW: i64 = 1_700_000_000;
pub const DAY: i64 = 86_400;

pub fn rec(addr: &str, kind: Kind, reason: Reason, status: &str) -> Record {
    let mut r = Record::new(addr);
    r.kind = kind;
    r.reason = reason;
    r.blame = if kind == Kind::Complaint { Blame::Recipient } else { reason.blame() };
    r.status = (!status.is_empty()).then(|| status.parse::<StatusCode>().expect("valid status"));
    r
}

pub fn store_with(policy: &str) -> (SqliteStore, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(NOW));
    let options = Options { policy: Policy::from_toml(policy).expect("valid policy"), clock: clock.clone(), sync_full: false };
    (SqliteStore::open_in_memory(options).expect("store opens"), clock)
}

pub fn store() -> (SqliteStore, Arc<FixedClock>) {
    store_with("")
}
