//! Store throughput, in process, on a database file in the temp directory:
//! ingest events per second (one message per transaction, and 256 per transaction as
//! `bouncekit ingest` commits), single checks per second and bulk checks per second.
//!
//! `cargo bench -p bouncekit-store` (sizes: BENCH_SUPPRESSIONS, default 200000).

use std::time::Instant;

use bouncekit_core::{Blame, Kind, Reason, Record, StatusCode};
use bouncekit_policy::Scope;
use bouncekit_store::{Options, SqliteStore, Store};

fn rec(i: usize) -> Record {
    let mut r = Record::new(format!("user{i}@domain{}.example", i % 5000));
    // Every other address is a hard bounce (suppressed), the rest deliveries.
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

fn main() {
    let n: usize = std::env::var("BENCH_SUPPRESSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let dir = std::env::temp_dir().join(format!("bouncekit-bench-{}", std::process::id()));
    let path = dir.join("bench.db");
    let mut store = if std::env::var_os("BENCH_MEMORY").is_some() {
        SqliteStore::open_in_memory(Options::default()).expect("open")
    } else {
        SqliteStore::open(&path, Options::default()).expect("open")
    };

    // Ingest: one message (1 record) per transaction for the first 10k; then the rest
    // in transactions of 256 one-record messages, as `bouncekit ingest` commits.
    let single = 10_000.min(n);
    let t = Instant::now();
    for i in 0..single {
        store.ingest(Some(&format!("msg-{i}")), &[rec(i)]).expect("ingest");
    }
    let per_msg = single as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut i = single;
    while i < n {
        let recs: Vec<(String, [Record; 1])> = (i..(i + 256).min(n)).map(|j| (format!("msg-{j}"), [rec(j)])).collect();
        let batch: Vec<(Option<&str>, &[Record])> = recs.iter().map(|(id, r)| (Some(id.as_str()), &r[..])).collect();
        store.ingest_batch(&batch).expect("ingest");
        i += 256;
    }
    let batched = (n - single) as f64 / t.elapsed().as_secs_f64().max(1e-9);

    let addrs: Vec<String> = (0..n).map(|i| format!("User{i}@Domain{}.example", i % 5000)).collect();
    let refs: Vec<&str> = addrs.iter().map(String::as_str).collect();
    let t = Instant::now();
    let checks = store.check_many(&refs, &Scope::Global).expect("bulk");
    let bulk = n as f64 / t.elapsed().as_secs_f64();
    assert_eq!(checks.iter().filter(|c| !c.is_allowed()).count(), n.div_ceil(2));

    // A bulk request much smaller than the list takes the prepared-statement path.
    let few = (n / 10).max(1);
    let t = Instant::now();
    store.check_many(&refs[..few], &Scope::Global).expect("bulk");
    let bulk_stmt = few as f64 / t.elapsed().as_secs_f64();

    let singles = 50_000.min(n);
    let t = Instant::now();
    for a in refs.iter().take(singles) {
        store.check(a, &Scope::Global).expect("check");
    }
    let one = singles as f64 / t.elapsed().as_secs_f64();

    println!("store bench: {n} events, {} suppressions, file {}", n.div_ceil(2), path.display());
    println!("  ingest, 1 message per transaction:         {per_msg:>10.0} events/s");
    println!("  ingest, 256 messages per transaction:       {batched:>10.0} events/s");
    println!("  check, single (one call per address):      {one:>10.0} addresses/s");
    println!("  check, bulk ({n} addresses in one call):  {bulk:>10.0} addresses/s  (in-memory index)");
    println!("  check, bulk ({few} addresses in one call):   {bulk_stmt:>10.0} addresses/s  (prepared statement)");
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
