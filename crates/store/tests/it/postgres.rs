//! PostgreSQL only: migrations by several nodes at once, two writers deciding exactly as
//! one, a lost connection, an unreachable database, cleanup on one node at a time.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use bouncekit_core::{Kind, Reason, Record};
use bouncekit_policy::{FixedClock, Scope};
use bouncekit_store::{Counts, SqliteStore, Store, StoreError, SuppressionFilter, SuppressionStatus};

use crate::support::*;

fn admin() -> postgres::Client {
    postgres::Client::connect(&pg_server(), postgres::NoTls).expect("admin connection")
}

fn open_pg(db: &PgDatabase, clock: &Arc<FixedClock>) -> Box<dyn Store> {
    bouncekit_store::open(&db.url, options("", clock)).expect("store opens")
}

#[test]
fn nodes_starting_together_migrate_once() {
    if !pg_enabled() {
        return;
    }
    let db = PgDatabase::create("migrate");
    let clock = Arc::new(FixedClock::new(NOW));
    let start = Arc::new(Barrier::new(4));
    let nodes: Vec<_> = (0..4)
        .map(|_| {
            let (url, clock, start) = (db.url.clone(), clock.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut s = bouncekit_store::open(&url, options("", &clock)).expect("opens");
                s.schema_version().expect("version")
            })
        })
        .collect();
    let latest = bouncekit_store::POSTGRES_MIGRATIONS.last().expect("migrations").version;
    for n in nodes {
        assert_eq!(n.join().expect("node"), latest);
    }
    assert_eq!(bouncekit_store::POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>(), bouncekit_store::MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>(), "both databases have the same schema versions");
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let applied: i64 = c.query_one("SELECT COUNT(*) FROM schema_version", &[]).expect("count").get(0);
    assert_eq!(applied, latest, "each migration recorded once");
    drop(c);
    let mut s = open_pg(&db, &clock);
    assert_eq!(s.integrity_check().expect("check"), "ok");
    s.ingest(Some("m"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    let c = s.cleanup(true).expect("cleanup with vacuum");
    assert!(c.vacuumed && !c.skipped);
}

/// The messages of the concurrency test: every effect whose outcome a race could change
/// (dedupe, soft-bounce windows, incident thresholds, counters), with timestamps chosen
/// so that the final state does not depend on the order of arrival.
fn workload() -> Vec<(String, Vec<Record>)> {
    let at = NOW - 3600;
    let mut msgs: Vec<(String, Vec<Record>)> = Vec::new();
    let mut push = |r: Record| {
        let mut r = r;
        r.timestamp = Some(at);
        msgs.push((format!("msg-{}", msgs.len()), vec![r]));
    };
    for i in 0..40 {
        push(rec(&format!("gone{i}@d{}.example", i % 8), Kind::Hard, Reason::UserUnknown, "5.1.1"));
    }
    // Three soft bounces suppress, two do not; a fourth counts the suppression again.
    for i in 0..30 {
        for _ in 0..(2 + i % 3) {
            push(rec(&format!("full{i}@d{}.example", i % 8), Kind::Soft, Reason::MailboxFull, "4.2.2"));
        }
    }
    // Three domains whose recipients fail with system errors: an incident each.
    for d in 0..3 {
        for i in 0..8 {
            push(rec(&format!("u{i}@broken{d}.example"), Kind::Hard, Reason::SystemError, "5.3.0"));
        }
    }
    for i in 0..20 {
        let domain = if i % 2 == 0 { "gmail.com" } else { "outlook.com" };
        push(rec(&format!("b{i}@{domain}"), Kind::Block, Reason::Blocked, "5.7.1"));
    }
    for i in 0..10 {
        push(rec(&format!("ok{i}@fine{}.example", i % 3), Kind::Delivered, Reason::Delivered, "2.0.0"));
    }
    msgs
}

/// What must come out the same: the suppressions in force, the sizes, the incidents,
/// the per-domain statistics and the sender alerts.
/// address, scope, kind, reason, count, expires_at, first_seen, last_seen.
type Active = (String, String, String, String, i64, Option<i64>, i64, i64);

#[derive(Debug, PartialEq)]
struct Snapshot {
    active: Vec<Active>,
    counts: Counts,
    incidents: Vec<(String, String, i64, i64, i64)>,
    domains: Vec<(String, i64, i64, i64, i64)>,
    alerts: Vec<(String, String, i64)>,
}

fn snapshot(s: &mut dyn Store) -> Snapshot {
    let mut active: Vec<_> = s
        .suppressions(&SuppressionFilter { status: Some(SuppressionStatus::Active), ..Default::default() })
        .expect("list")
        .into_iter()
        .map(|x| (x.address, x.scope.to_string(), x.kind, x.reason, x.count, x.expires_at, x.first_seen, x.last_seen))
        .collect();
    active.sort();
    let mut incidents: Vec<_> = s.incidents(true).expect("incidents").into_iter().map(|i| (i.domain, i.state.as_str().to_string(), i.recipients, i.failures, i.released)).collect();
    incidents.sort();
    let mut domains: Vec<_> = s.domains(0, 0).expect("domains").into_iter().map(|d| (d.domain, d.total, d.hard, d.soft, d.block)).collect();
    domains.sort();
    let mut alerts: Vec<_> = s.alerts(true).expect("alerts").into_iter().map(|a| (a.provider, a.reason, a.count)).collect();
    alerts.sort();
    Snapshot { active, counts: s.counts().expect("counts"), incidents, domains, alerts }
}

#[test]
fn two_writers_on_one_database_decide_exactly_as_one() {
    if !pg_enabled() {
        return;
    }
    let input = workload();
    let clock = Arc::new(FixedClock::new(NOW));
    let mut one = SqliteStore::open_in_memory(options("", &clock)).expect("reference");
    for (id, recs) in &input {
        one.ingest(Some(id), recs).expect("ingest");
    }
    let reference = snapshot(&mut one);
    assert_eq!((reference.incidents.len(), reference.counts.events), (3, input.len() as i64), "the workload opens three incidents");
    assert!(reference.active.len() > 50, "{}", reference.active.len());
    for round in 0..3u64 {
        let db = PgDatabase::create("writers");
        // About a third of the messages go through both writers, the rest through one.
        let mut rng = fastrand::Rng::with_seed(round);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for m in &input {
            match rng.u8(0..3) {
                0 => {
                    a.push(m.clone());
                    b.push(m.clone());
                }
                1 => a.push(m.clone()),
                _ => b.push(m.clone()),
            }
        }
        rng.shuffle(&mut a);
        rng.shuffle(&mut b);
        let start = Arc::new(Barrier::new(2));
        let writers: Vec<_> = [a, b]
            .into_iter()
            .enumerate()
            .map(|(n, msgs)| {
                let mut s = open_pg(&db, &clock);
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    // Writer 0 commits message by message; writer 1 in batches of 8, whose
                    // domains it locks together.
                    let size = if n == 0 { 1 } else { 8 };
                    for chunk in msgs.chunks(size) {
                        let batch: Vec<(Option<&str>, &[Record])> = chunk.iter().map(|(id, r)| (Some(id.as_str()), &r[..])).collect();
                        s.ingest_batch(&batch).expect("ingest");
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer");
        }
        let mut s = open_pg(&db, &clock);
        assert_eq!(snapshot(s.as_mut()), reference, "round {round}: two writers on PostgreSQL differ from one on SQLite");
    }
}

#[test]
fn a_lost_connection_is_reopened_and_the_call_succeeds() {
    if !pg_enabled() {
        return;
    }
    let db = PgDatabase::create("reconnect");
    let clock = Arc::new(FixedClock::new(NOW));
    let mut s = open_pg(&db, &clock);
    s.ingest(Some("m1"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest");
    let killed: i64 = admin()
        .query_one("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", &[&db.name])
        .expect("terminate")
        .get(0);
    assert_eq!(killed, 1, "the store's one connection");
    let o = s.ingest(Some("m2"), &[rec("b@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest after the connection was killed");
    assert_eq!(o.new_events, 1);
    assert_eq!(s.counts().expect("counts").events, 2);
}

#[test]
fn an_unreachable_database_fails_clearly_within_bounds_and_recovers() {
    if !pg_enabled() {
        return;
    }
    let db = PgDatabase::create("outage");
    let clock = Arc::new(FixedClock::new(NOW));
    let mut s = open_pg(&db, &clock);
    let mut admin = admin();
    admin.batch_execute(&format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false", db.name)).expect("close the database");
    admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", &[&db.name]).expect("terminate");
    let t = Instant::now();
    let err = s.ingest(Some("m1"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect_err("the database is closed");
    let took = t.elapsed();
    assert!(err.is_transient(), "{err}");
    assert!(matches!(err, StoreError::Unavailable { commit_unknown: false, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("is unavailable") && text.contains(&db.name) && text.contains("attempts"), "{text}");
    assert!(took < bouncekit_store::postgres::RETRY_BUDGET + Duration::from_secs(4), "bounded: {took:?}");
    assert!(took >= Duration::from_millis(500), "it retried: {took:?}");
    admin.batch_execute(&format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true", db.name)).expect("reopen the database");
    let o = s.ingest(Some("m1"), &[rec("a@example.com", Kind::Hard, Reason::UserUnknown, "5.1.1")]).expect("ingest once it is back");
    assert_eq!(o.new_events, 1, "nothing of the failed call was stored");
    assert!(!s.check("a@example.com", &Scope::Global).expect("check").is_allowed());
}

#[test]
fn cleanup_runs_on_one_node_at_a_time() {
    if !pg_enabled() {
        return;
    }
    let db = PgDatabase::create("cleanup");
    let clock = Arc::new(FixedClock::new(NOW));
    let mut a = open_pg(&db, &clock);
    let mut soft = rec("full@example.com", Kind::Soft, Reason::MailboxFull, "4.2.2");
    soft.timestamp = Some(NOW - 30 * DAY);
    a.ingest(Some("old"), &[soft]).expect("ingest");
    // Another node holds the cleanup lock: this one skips the round and changes nothing.
    let mut other = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let got: bool = other.query_one("SELECT pg_try_advisory_lock(1651206516, 2)", &[]).expect("lock").get(0);
    assert!(got);
    let skipped = a.cleanup(false).expect("cleanup");
    assert!(skipped.skipped, "{skipped:?}");
    assert_eq!((skipped.soft_bounces_pruned, a.counts().expect("counts").soft_bounces), (0, 1));
    other.execute("SELECT pg_advisory_unlock(1651206516, 2)", &[]).expect("unlock");
    let ran = a.cleanup(false).expect("cleanup");
    assert!(!ran.skipped);
    assert_eq!(ran.soft_bounces_pruned, 1);
    // The lock is released after a run: the other node gets it now.
    let got: bool = other.query_one("SELECT pg_try_advisory_lock(1651206516, 2)", &[]).expect("lock").get(0);
    assert!(got, "cleanup released its lock");
}

#[test]
fn text_the_server_cannot_store_is_kept_readable() {
    if !pg_enabled() {
        return;
    }
    let (mut s, _) = store(Db::Postgres);
    let mut r = rec("a@gmail.com", Kind::Block, Reason::Blocked, "5.7.1");
    r.diagnostic = "550 blocked\0here".into();
    s.ingest(Some("nul"), &[r]).expect("a NUL byte does not fail the ingest");
    let a = s.alerts(false).expect("alerts");
    assert_eq!(a[0].last_diagnostic.as_deref(), Some("550 blocked\u{fffd}here"));
    assert_eq!(s.counts().expect("counts").events, 1);
}
