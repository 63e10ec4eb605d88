//! SQLite against PostgreSQL, one node against two: ingest and check throughput of the
//! store on each database, with one connection ("node") and with two working at once on
//! the same database (threads with a connection each — to the database, two processes
//! are the same thing).
//!
//! `cargo bench -p bouncekit-store --bench nodes`. PostgreSQL: the server in
//! `BENCH_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`; `off` skips it); a
//! database is created for each run and dropped after. Sizes: `BENCH_EVENTS` (default
//! 20000) events per ingest run, `BENCH_CHECKS` (default 20000) single checks per run.
//!
//! Each run starts on a fresh database: ingest one message per transaction (the
//! server's HTTP and SMTP paths), then 256 per transaction (`bouncekit ingest`), then
//! single checks and one bulk check of every address. With two nodes each does half.

use std::sync::{Arc, Barrier};
use std::time::Instant;

use bouncekit_core::{Blame, Kind, Reason, Record, StatusCode};
use bouncekit_policy::Scope;
use bouncekit_store::{Options, Store};

fn rec(i: usize) -> Record {
    let mut r = Record::new(format!("user{i}@domain{}.example", i % 5000));
    if i.is_multiple_of(2) {
        (r.kind, r.reason, r.blame) = (Kind::Hard, Reason::UserUnknown, Blame::Recipient);
        r.status = "5.1.1".parse::<StatusCode>().ok();
    } else {
        (r.kind, r.reason) = (Kind::Delivered, Reason::Delivered);
    }
    r.diagnostic = "550 5.1.1 <user@domain.example>: Recipient address rejected: User unknown".into();
    r.format = "postfix".into();
    r
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A fresh database of one kind; dropped (PostgreSQL) or deleted (SQLite) on drop.
enum Target {
    Sqlite(std::path::PathBuf),
    Postgres { server: String, name: String },
}

impl Target {
    fn new(kind: &str, n: usize) -> Target {
        match kind {
            "sqlite" => {
                let dir = std::env::temp_dir().join(format!("bouncekit-bench-nodes-{}-{n}", std::process::id()));
                let _ = std::fs::remove_dir_all(&dir);
                Target::Sqlite(dir.join("bench.db"))
            }
            _ => {
                let server = pg_server();
                let name = format!("bouncekit_bench_{}_{n}", std::process::id());
                let mut c = postgres::Client::connect(&server, postgres::NoTls).expect("PostgreSQL server");
                c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).expect("drop database");
                c.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create database");
                Target::Postgres { server, name }
            }
        }
    }

    fn url(&self) -> String {
        match self {
            Target::Sqlite(p) => format!("sqlite:{}", p.display()),
            Target::Postgres { server, name } => {
                let base = server.split('?').next().unwrap_or(server);
                let authority_end = base.find("://").map_or(0, |i| i + 3);
                let end = base[authority_end..].find('/').map_or(base.len(), |i| authority_end + i);
                format!("{}/{name}", &base[..end])
            }
        }
    }

    fn open(&self) -> Box<dyn Store> {
        bouncekit_store::open(&self.url(), Options::default()).expect("open")
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        match self {
            Target::Sqlite(p) => {
                if let Some(d) = p.parent() {
                    let _ = std::fs::remove_dir_all(d);
                }
            }
            Target::Postgres { server, name } => {
                if let Ok(mut c) = postgres::Client::connect(server, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
        }
    }
}

fn pg_server() -> String {
    std::env::var("BENCH_PG").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `work(node, store)` on `nodes` stores at once; items per second over the wall
/// time of the slowest.
fn timed(stores: &mut [Box<dyn Store>], items: usize, work: impl Fn(usize, &mut dyn Store) + Sync) -> f64 {
    let start = Arc::new(Barrier::new(stores.len()));
    let t = std::thread::scope(|sc| {
        let handles: Vec<_> = stores
            .iter_mut()
            .enumerate()
            .map(|(n, s)| {
                let (start, work) = (start.clone(), &work);
                sc.spawn(move || {
                    start.wait();
                    let t = Instant::now();
                    work(n, s.as_mut());
                    t
                })
            })
            .collect();
        let starts: Vec<Instant> = handles.into_iter().map(|h| h.join().expect("node")).collect();
        starts.into_iter().min().map(|t| t.elapsed()).unwrap_or_default()
    });
    items as f64 / t.as_secs_f64().max(1e-9)
}

/// Commits per second of `conns` connections each committing `n` one-row INSERTs.
fn commit_floor(url: &str, conns: usize, n: usize) -> f64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    c.batch_execute("CREATE TABLE IF NOT EXISTS bench_commit_floor (x BIGINT)").expect("table");
    let start = Barrier::new(conns);
    let t = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..conns)
            .map(|_| {
                let start = &start;
                sc.spawn(move || {
                    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                    let st = c.prepare("INSERT INTO bench_commit_floor VALUES ($1)").expect("prepare");
                    start.wait();
                    let t = Instant::now();
                    for i in 0..n as i64 {
                        c.execute(&st, &[&i]).expect("insert");
                    }
                    t
                })
            })
            .collect();
        let ts: Vec<Instant> = hs.into_iter().map(|h| h.join().expect("conn")).collect();
        ts.into_iter().min().map(|t| t.elapsed()).unwrap_or_default()
    });
    c.batch_execute("DROP TABLE bench_commit_floor").expect("drop");
    (conns * n) as f64 / t.as_secs_f64().max(1e-9)
}

fn main() {
    let events = env("BENCH_EVENTS", 20_000);
    let checks = env("BENCH_CHECKS", 20_000);
    let mut kinds = vec!["sqlite"];
    if pg_server() != "off" {
        kinds.push("postgres");
    }
    println!("nodes bench: {events} events per ingest run, {checks} single checks, bulk check of {} addresses", 2 * events);
    println!("{:<10} {:>5} {:>16} {:>16} {:>16} {:>16}", "database", "nodes", "ingest 1/tx", "ingest 256/tx", "check single", "check bulk");
    for (k, kind) in kinds.iter().enumerate() {
        for nodes in [1usize, 2] {
            let target = Target::new(kind, k * 10 + nodes);
            let mut stores: Vec<Box<dyn Store>> = (0..nodes).map(|_| target.open()).collect();
            if let Target::Postgres { .. } = &target {
                // The peer in the same run: what the server commits per second, one
                // one-row INSERT per transaction per connection (the floor of
                // "ingest 1/tx", which commits once per message as well).
                let floor = commit_floor(&target.url(), nodes, 1000);
                println!("{:<10} {nodes:>5} server floor: {floor:.0} commits/s (one-row INSERT per transaction, {nodes} connection(s))", "postgres");
            }
            // Node n ingests the events i with i % nodes == n.
            let one = timed(&mut stores, events, |n, s| {
                for i in (n..events).step_by(nodes) {
                    s.ingest(Some(&format!("msg-{i}")), &[rec(i)]).expect("ingest");
                }
            });
            let batched = timed(&mut stores, events, |n, s| {
                let mine: Vec<usize> = (events + n..2 * events).step_by(nodes).collect();
                for chunk in mine.chunks(256) {
                    let recs: Vec<(String, [Record; 1])> = chunk.iter().map(|&j| (format!("msg-{j}"), [rec(j)])).collect();
                    let batch: Vec<(Option<&str>, &[Record])> = recs.iter().map(|(id, r)| (Some(id.as_str()), &r[..])).collect();
                    s.ingest_batch(&batch).expect("ingest");
                }
            });
            let single = timed(&mut stores, checks, |n, s| {
                for i in (n..checks).step_by(nodes) {
                    s.check(&format!("User{i}@Domain{}.example", i % 5000), &Scope::Global).expect("check");
                }
            });
            let all: Vec<String> = (0..2 * events).map(|i| format!("user{i}@domain{}.example", i % 5000)).collect();
            let bulk = timed(&mut stores, 2 * events, |n, s| {
                let part: Vec<&str> = all.iter().skip(n).step_by(nodes).map(String::as_str).collect();
                let c = s.check_many(&part, &Scope::Global).expect("bulk");
                assert_eq!(c.iter().filter(|c| !c.is_allowed()).count(), part.iter().filter(|a| a.trim_start_matches("user").split('@').next().and_then(|d| d.parse::<usize>().ok()).is_some_and(|i| i % 2 == 0)).count());
            });
            println!("{kind:<10} {nodes:>5} {:>12.0} ev/s {:>12.0} ev/s {:>11.0} addr/s {:>11.0} addr/s", one, batched, single, bulk);
            drop(stores);
        }
    }
}
