//! Several `bouncekit serve` nodes on one PostgreSQL database, end to end: real
//! processes of the built binary, HTTP and SMTP on loopback, the PostgreSQL server on
//! 127.0.0.1:5432 (or `BOUNCEKIT_TEST_PG`; `off` skips these tests).
//!
//! - two nodes ingesting overlapping streams at once end exactly as one node does;
//! - a node whose database is down answers 503 (HTTP) and 451 (SMTP), and recovers;
//! - a PostgreSQL restart in the middle of an ingest loses no acknowledged event
//!   (restarts the cluster: runs only with `BOUNCEKIT_PG_RESTART_TEST=1`, alone; see
//!   the test's docs).
//!
//! Each test creates its own database and drops it at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, mpsc};
use std::time::{Duration, Instant};

use bouncekit_policy::SystemClock;
use bouncekit_store::{Counts, Options, Store, SuppressionFilter, SuppressionStatus};

fn pg_server() -> String {
    std::env::var("BOUNCEKIT_TEST_PG").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn pg_enabled() -> bool {
    if pg_server() == "off" {
        eprintln!("BOUNCEKIT_TEST_PG=off: PostgreSQL test skipped");
        return false;
    }
    true
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..authority_end])
}

fn admin() -> postgres::Client {
    let server = pg_server();
    postgres::Client::connect(&server, postgres::NoTls).unwrap_or_else(|e| panic!("the PostgreSQL test server {server} does not answer ({e}); set BOUNCEKIT_TEST_PG, or `off` to skip"))
}

/// A database of the test's own, dropped on drop.
struct PgDatabase {
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(label: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("bouncekit_cli_{label}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        admin().batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create the test database");
        PgDatabase { url: with_database(&pg_server(), &name), name }
    }

    fn store(&self) -> Box<dyn Store> {
        bouncekit_store::open(&self.url, Options::default()).expect("store opens")
    }

    /// Closes the database to new connections and ends the open ones: to its nodes the
    /// database is down (the server keeps serving the other tests).
    fn take_down(&self) {
        let mut a = admin();
        a.batch_execute(&format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS false", self.name)).expect("close");
        a.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", &[&self.name]).expect("terminate");
    }

    fn bring_up(&self) {
        admin().batch_execute(&format!("ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true", self.name)).expect("reopen");
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut a) = postgres::Client::connect(&pg_server(), postgres::NoTls) {
            let _ = a.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// One `bouncekit serve` process; killed on drop.
struct Node {
    child: Child,
    http: SocketAddr,
    smtp: Option<SocketAddr>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Node {
    /// Starts a node on `db` (HTTP on a free loopback port; SMTP too when `smtp`).
    fn start(db: &str, smtp: bool, dir: &std::path::Path) -> Node {
        let config = dir.join("serve.toml");
        std::fs::write(&config, "[bounce]\ndomains = [\"bounce.example.net\"]\n").expect("config");
        let mut args = vec!["--db".to_string(), db.to_string(), "serve".into(), "--listen".into(), "127.0.0.1:0".into(), "--cleanup-every".into(), "0".into(), "--readers".into(), "2".into()];
        if smtp {
            args.extend(["--config".into(), config.display().to_string(), "--smtp".into(), "127.0.0.1:0".into()]);
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let keep = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                keep.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line.clone());
                let _ = tx.send(line);
            }
        });
        let (mut http, mut smtp_addr) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.is_none() || (smtp && smtp_addr.is_none()) {
            let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or_else(|_| panic!("serve did not start: {:?}", log.lock().map(|l| l.clone())));
            if let Some(rest) = line.split("serving http://").nth(1) {
                http = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            }
            if let Some(rest) = line.split("smtp listener on ").nth(1) {
                smtp_addr = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            }
        }
        Node { child, http: http.expect("http address"), smtp: smtp_addr, log }
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.join("\n")).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; the status (0: no answer).
fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> u16 {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: message/rfc822\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    if s.write_all(head.as_bytes()).and_then(|()| s.write_all(body)).is_err() {
        return 0;
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

/// Delivers `message` for `rcpt` over SMTP; the reply code to the end of DATA (0: the
/// session broke before).
fn smtp(addr: SocketAddr, rcpt: &str, message: &[u8]) -> u16 {
    fn reply(r: &mut BufReader<TcpStream>) -> u16 {
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return 0;
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            }
        }
    }
    let Ok(s) = TcpStream::connect_timeout(&addr, Duration::from_secs(5)) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(60)));
    let mut w = s.try_clone().expect("clone");
    let mut r = BufReader::new(s);
    if reply(&mut r) != 220 {
        return 0;
    }
    let local = rcpt.replace('@', "=");
    for (cmd, want) in [("EHLO test.example\r\n".to_string(), 250), ("MAIL FROM:<>\r\n".into(), 250), (format!("RCPT TO:<bounces+{local}@bounce.example.net>\r\n"), 250), ("DATA\r\n".into(), 354)] {
        if w.write_all(cmd.as_bytes()).is_err() || reply(&mut r) != want {
            return 0;
        }
    }
    let mut data = Vec::with_capacity(message.len() + 8);
    for line in message.split_inclusive(|b| *b == b'\n') {
        if line.first() == Some(&b'.') {
            data.push(b'.');
        }
        data.extend_from_slice(line);
    }
    data.extend_from_slice(b".\r\n");
    if w.write_all(&data).is_err() {
        return 0;
    }
    let code = reply(&mut r);
    let _ = w.write_all(b"QUIT\r\n");
    code
}

/// An RFC 3464 report for one recipient, dated `date`.
fn dsn(id: &str, rcpt: &str, action: &str, status: &str, diag: &str, date: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.sender.example\r\nTo: bounces@sender.example\r\nSubject: Delivery Status Notification\r\nDate: {date}\r\nMessage-ID: <{id}@mx.sender.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nDelivery report.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.sender.example\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {diag}\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

/// An hour ago, as a mail date: every event of a test happens at this one instant, so
/// windows and thresholds do not depend on the order of arrival.
fn an_hour_ago() -> String {
    use bouncekit_policy::Clock;
    let t = SystemClock.now() - 3600;
    let days = t.div_euclid(86_400);
    let (y, m, d) = bouncekit_policy::time::civil_from_days(days);
    let secs = t.rem_euclid(86_400);
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{d} {} {y} {:02}:{:02}:{:02} +0000", months[(m - 1) as usize], secs / 3600, secs % 3600 / 60, secs % 60)
}

/// The input of the two-node test: hard bounces, soft bounces (two to four per address),
/// three domains failing with system errors (an incident each), blocks at two providers
/// (alerts) and deliveries.
fn workload() -> Vec<(String, Vec<u8>)> {
    let date = an_hour_ago();
    let mut m: Vec<(String, Vec<u8>)> = Vec::new();
    let mut push = |rcpt: String, action: &str, status: &str, diag: &str| {
        let id = format!("m{}", m.len());
        let body = dsn(&id, &rcpt, action, status, diag, &date);
        m.push((rcpt, body));
    };
    for i in 0..30 {
        push(format!("gone{i}@d{}.example", i % 6), "failed", "5.1.1", "550 5.1.1 <x>: Recipient address rejected: User unknown");
    }
    for i in 0..20 {
        for _ in 0..(2 + i % 3) {
            push(format!("full{i}@d{}.example", i % 6), "failed", "4.2.2", "452 4.2.2 Mailbox full");
        }
    }
    for d in 0..3 {
        for i in 0..7 {
            push(format!("u{i}@broken{d}.example"), "failed", "5.3.0", "550 5.3.0 Mail system error");
        }
    }
    for i in 0..12 {
        let host = if i % 2 == 0 { "gmail.com" } else { "outlook.com" };
        push(format!("b{i}@{host}"), "failed", "5.7.1", "550 5.7.1 Message rejected as spam");
    }
    for i in 0..8 {
        push(format!("ok{i}@fine.example"), "delivered", "2.0.0", "250 2.0.0 OK");
    }
    m
}

/// address, scope, kind, reason, count, expires_at, first_seen, last_seen.
type Active = (String, String, String, String, i64, Option<i64>, i64, i64);

/// What must come out the same.
#[derive(Debug, PartialEq)]
struct Snapshot {
    active: Vec<Active>,
    counts: Counts,
    incidents: Vec<(String, String, i64, i64, i64)>,
    domains: Vec<(String, i64, i64, i64, i64)>,
    alerts: Vec<(String, String, i64)>,
}

fn snapshot(db: &PgDatabase) -> Snapshot {
    let mut s = db.store();
    let mut active: Vec<Active> = s
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

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-nodes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Sends `msgs` to `node` from `clients` threads at once; panics on any answer but 200.
fn send_all(node: SocketAddr, msgs: Vec<Vec<u8>>, clients: usize, start: &Barrier) {
    let queue = Arc::new(Mutex::new(msgs));
    start.wait();
    std::thread::scope(|sc| {
        for _ in 0..clients {
            let queue = queue.clone();
            sc.spawn(move || {
                loop {
                    let Some(m) = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop() else { return };
                    let code = http(node, "POST", "/v1/messages", &m);
                    assert_eq!(code, 200, "POST /v1/messages to {node}");
                }
            });
        }
    });
}

#[test]
fn two_nodes_ingesting_overlapping_streams_end_exactly_as_one_node() {
    if !pg_enabled() {
        return;
    }
    let started = Instant::now();
    let dir = scratch("pair");
    let input = workload();
    // The reference: one node, one message after the other.
    let reference = {
        let db = PgDatabase::create("one");
        let node = Node::start(&db.url, false, &dir);
        for (_, m) in &input {
            assert_eq!(http(node.http, "POST", "/v1/messages", m), 200, "{}", node.log());
        }
        drop(node);
        snapshot(&db)
    };
    assert_eq!(reference.incidents.len(), 3, "{reference:?}");
    assert_eq!(reference.counts.events, input.len() as i64);
    assert!(reference.counts.suppressions_active >= 40 && reference.alerts.len() == 2, "{reference:?}");
    for round in 0..10u64 {
        let db = PgDatabase::create("two");
        let (a, b) = std::thread::scope(|sc| {
            let a = sc.spawn(|| Node::start(&db.url, false, &dir));
            let b = Node::start(&db.url, false, &dir);
            (a.join().expect("node a"), b)
        });
        // A third of the messages go through both nodes (the same bytes: one event), the
        // rest through one of them; each node's share arrives in its own order, from two
        // clients at once.
        let mut rng = fastrand::Rng::with_seed(round);
        let (mut to_a, mut to_b) = (Vec::new(), Vec::new());
        for (_, m) in &input {
            match rng.u8(0..3) {
                0 => {
                    to_a.push(m.clone());
                    to_b.push(m.clone());
                }
                1 => to_a.push(m.clone()),
                _ => to_b.push(m.clone()),
            }
        }
        rng.shuffle(&mut to_a);
        rng.shuffle(&mut to_b);
        let start = Barrier::new(2);
        std::thread::scope(|sc| {
            sc.spawn(|| send_all(a.http, to_a, 2, &start));
            sc.spawn(|| send_all(b.http, to_b, 2, &start));
        });
        drop((a, b));
        assert_eq!(snapshot(&db), reference, "round {round}: two nodes differ from one");
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("10 rounds of two nodes in {:?}", started.elapsed());
}

#[test]
fn a_node_answers_503_and_451_while_its_database_is_down_and_recovers() {
    if !pg_enabled() {
        return;
    }
    let dir = scratch("outage");
    let db = PgDatabase::create("outage");
    let node = Node::start(&db.url, true, &dir);
    let smtp_addr = node.smtp.expect("smtp listener");
    let date = an_hour_ago();
    let msg = |n: u32| dsn(&format!("o{n}"), &format!("o{n}@example.com"), "failed", "5.1.1", "550 5.1.1 User unknown", &date);
    assert_eq!(http(node.http, "POST", "/v1/messages", &msg(1)), 200, "{}", node.log());
    assert_eq!(smtp(smtp_addr, "o2@example.com", &msg(2)), 250, "{}", node.log());
    db.take_down();
    let t = Instant::now();
    let (post, mail, ready) = std::thread::scope(|sc| {
        let post = sc.spawn(|| http(node.http, "POST", "/v1/messages", &msg(3)));
        let mail = sc.spawn(|| smtp(smtp_addr, "o4@example.com", &msg(4)));
        let ready = http(node.http, "GET", "/readyz", b"");
        (post.join().expect("post"), mail.join().expect("smtp"), ready)
    });
    assert_eq!((post, mail, ready), (503, 451, 503), "{}", node.log());
    assert!(t.elapsed() < Duration::from_secs(20), "answers came in {:?}", t.elapsed());
    assert!(node.log().contains("is unavailable"), "the log says why: {}", node.log());
    db.bring_up();
    // Recovery: the same messages again (what a client and an MTA do after 503/451).
    assert_eq!(http(node.http, "GET", "/readyz", b""), 200, "{}", node.log());
    assert_eq!(http(node.http, "POST", "/v1/messages", &msg(3)), 200, "{}", node.log());
    assert_eq!(smtp(smtp_addr, "o4@example.com", &msg(4)), 250, "{}", node.log());
    drop(node);
    let mut s = db.store();
    assert_eq!(s.counts().expect("counts").events, 4, "every acknowledged message once, the refused ones stored after their retry");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The PostgreSQL version directory under /etc/postgresql (Debian's cluster layout).
fn cluster_version() -> String {
    let mut v: Vec<String> = std::fs::read_dir("/etc/postgresql").expect("/etc/postgresql").filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v.pop().expect("a PostgreSQL version")
}

fn postmaster_start(db: &PgDatabase) -> String {
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    c.query_one("SELECT pg_postmaster_start_time()::text", &[]).expect("start time").get(0)
}

/// Restarts the PostgreSQL cluster (`pg_ctlcluster VERSION main restart`, VERSION from
/// /etc/postgresql) while two nodes
/// ingest over HTTP and SMTP; every message is resent until it is acknowledged (200 or
/// 250), as clients and MTAs do. Afterwards every acknowledged message is stored once.
///
/// It stops the server every other test uses, so it runs only when
/// `BOUNCEKIT_PG_RESTART_TEST=1` and alone:
/// `BOUNCEKIT_PG_RESTART_TEST=1 cargo test -p bouncekit --test it --locked -- --ignored --exact nodes::a_postgres_restart_mid_ingest_loses_no_acknowledged_event`
#[test]
#[ignore = "restarts the PostgreSQL cluster; run alone with BOUNCEKIT_PG_RESTART_TEST=1 (see its docs)"]
fn a_postgres_restart_mid_ingest_loses_no_acknowledged_event() {
    if std::env::var("BOUNCEKIT_PG_RESTART_TEST").as_deref() != Ok("1") {
        eprintln!("BOUNCEKIT_PG_RESTART_TEST is not 1: the restart test did nothing");
        return;
    }
    let version = cluster_version();
    let dir = scratch("restart");
    let db = PgDatabase::create("restart");
    let (a, b) = (Node::start(&db.url, true, &dir), Node::start(&db.url, true, &dir));
    let before = postmaster_start(&db);
    let date = an_hour_ago();
    const PER_CLIENT: usize = 150;
    let sent = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let restarted = AtomicBool::new(false);
    let acked: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        // Four clients: HTTP and SMTP to each node, each with addresses of its own.
        for (n, (node, use_smtp)) in [(&a, false), (&a, true), (&b, false), (&b, true)].into_iter().enumerate() {
            let (sent, refused, acked, date) = (&sent, &refused, &acked, &date);
            sc.spawn(move || {
                for i in 0..PER_CLIENT {
                    let rcpt = format!("r{n}x{i}@restart.example");
                    let m = dsn(&format!("r{n}-{i}"), &rcpt, "failed", "5.1.1", "550 5.1.1 User unknown", date);
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        let code = if use_smtp { smtp(node.smtp.expect("smtp"), &rcpt, &m) } else { http(node.http, "POST", "/v1/messages", &m) };
                        if code == 200 || code == 250 {
                            break;
                        }
                        assert!(Instant::now() < deadline, "{rcpt} never acknowledged (last answer {code})");
                        refused.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(200));
                    }
                    acked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(rcpt);
                    sent.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        // Restart once a quarter of the messages are in.
        sc.spawn(|| {
            while sent.load(Ordering::Relaxed) < PER_CLIENT {
                std::thread::sleep(Duration::from_millis(5));
            }
            // As the machine starts it (no systemd unit in between).
            let out = Command::new("pg_ctlcluster").args(["--skip-systemctl-redirect", version.as_str(), "main", "restart"]).output().expect("pg_ctlcluster runs");
            assert!(out.status.success(), "pg_ctlcluster {version} main restart: {}", String::from_utf8_lossy(&out.stderr));
            restarted.store(true, Ordering::Relaxed);
        });
    });
    assert!(restarted.load(Ordering::Relaxed));
    // Wait until the server answers again (pg_ctlcluster returns once it accepts).
    let deadline = Instant::now() + Duration::from_secs(30);
    while postgres::Client::connect(&db.url, postgres::NoTls).is_err() {
        assert!(Instant::now() < deadline, "PostgreSQL did not come back");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_ne!(postmaster_start(&db), before, "the server was restarted");
    drop((a, b));
    let acked = acked.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    assert_eq!(acked.len(), 4 * PER_CLIENT);
    let mut s = db.store();
    assert_eq!(s.counts().expect("counts").events, acked.len() as i64, "each acknowledged message stored once");
    let refs: Vec<&str> = acked.iter().map(String::as_str).collect();
    let checks = s.check_many(&refs, &bouncekit_policy::Scope::Global).expect("check");
    let missing: Vec<&str> = checks.iter().filter(|c| c.is_allowed()).map(|c| c.input.as_str()).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");
    eprintln!("restart test: {} messages acknowledged, {} answers were 503/451 or no answer during the restart", acked.len(), refused.load(Ordering::Relaxed));
    let _ = std::fs::remove_dir_all(&dir);
}
