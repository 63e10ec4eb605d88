//! Fault injection: the process killed while it acknowledges bounces, the disk full, the
//! database locked by another process, and SIGKILL during an ingest into PostgreSQL.
//! (SIGKILL during a SQLite ingest is `store::sigkill_during_ingest_loses_and_doubles_nothing`;
//! PostgreSQL going down or restarting under running nodes is in `nodes`.)
//!
//! What must hold in every case: nothing acknowledged (exit 0, HTTP 200, SMTP 250) is
//! lost, nothing is stored by halves, the database stays consistent, and the error says
//! what happened.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use bouncekit_policy::Scope;
use bouncekit_store::{CheckVerdict, Options, SqliteStore, Store};

use crate::catalogue::{postfix, smtp, smtp_read};

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-fault-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// A `bouncekit serve` on free loopback ports (HTTP and SMTP), its addresses read from
/// its log. Killed (SIGKILL) on drop if still running.
struct Node {
    child: Child,
    http: SocketAddr,
    smtp: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Node {
    fn start(db: &str, dir: &Path) -> Node {
        let config = dir.join("serve.toml");
        std::fs::write(&config, "[bounce]\ndomains = [\"bounce.example.net\"]\n").expect("config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
            .args(["--db", db, "serve", "--config", config.to_str().expect("utf-8"), "--listen", "127.0.0.1:0", "--smtp", "127.0.0.1:0"])
            .args(["--cleanup-every", "0", "--threads", "2", "--readers", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let keep = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                keep.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line.clone());
                let _ = tx.send(line);
            }
        });
        let (mut http, mut smtp) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(60);
        while http.is_none() || smtp.is_none() {
            let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).unwrap_or_else(|_| panic!("serve did not start: {:?}", log.lock().map(|l| l.clone())));
            if let Some(rest) = line.split("serving http://").nth(1) {
                http = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            }
            if let Some(rest) = line.split("smtp listener on ").nth(1) {
                smtp = rest.split_whitespace().next().and_then(|a| a.parse().ok());
            }
        }
        Node { child, http: http.expect("http"), smtp: smtp.expect("smtp"), log }
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

/// Delivers `message` for `rcpt` over SMTP: the final reply line.
fn deliver_smtp(addr: SocketAddr, rcpt: &str, message: &str) -> Option<String> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    if !smtp_read(&mut c).starts_with("220") {
        return None;
    }
    smtp(&mut c, b"EHLO mx.example.org\r\n");
    smtp(&mut c, b"MAIL FROM:<>\r\n");
    let local = rcpt.replace('@', "=");
    smtp(&mut c, format!("RCPT TO:<bounces+{local}@bounce.example.net>\r\n").as_bytes());
    smtp(&mut c, b"DATA\r\n");
    let r = smtp(&mut c, format!("{}.\r\n", message.replace('\n', "\r\n")).as_bytes());
    let _ = c.write_all(b"QUIT\r\n");
    Some(r)
}

/// Posts `message` to `/v1/messages`: the HTTP status.
fn deliver_http(addr: SocketAddr, message: &str) -> Option<u16> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let head = format!("POST /v1/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: message/rfc822\r\nContent-Length: {}\r\n\r\n", message.len());
    c.write_all(head.as_bytes()).ok()?;
    c.write_all(message.as_bytes()).ok()?;
    let mut raw = String::new();
    c.read_to_string(&mut raw).ok()?;
    raw.split_whitespace().nth(1)?.parse().ok()
}

/// The status of `GET /healthz`.
fn healthz(addr: SocketAddr) -> Option<u16> {
    let mut c = TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = String::new();
    c.read_to_string(&mut raw).ok()?;
    raw.split_whitespace().nth(1)?.parse().ok()
}

/// The verdicts of `addresses` in the SQLite database at `db`, after an integrity check.
fn verdicts(db: &Path, addresses: &[String]) -> Vec<CheckVerdict> {
    let mut s = SqliteStore::open(db, Options::default()).expect("the database opens");
    assert_eq!(s.integrity_check().expect("integrity_check"), "ok");
    let refs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    s.check_many(&refs, &Scope::Global).expect("check").into_iter().map(|c| c.verdict).collect()
}

/// `bouncekit serve` is SIGKILLed while MTAs deliver bounces over SMTP and HTTP: every
/// bounce it acknowledged (250, 200) before it died is in the database afterwards.
#[test]
fn sigkill_of_serve_loses_no_acknowledged_bounce() {
    let dir = scratch("serve-kill");
    let db = dir.join("bouncekit.db");
    let dbs = db.to_str().expect("utf-8").to_string();
    let mut acked: Vec<String> = Vec::new();
    let mut refused = 0;
    for round in 0..3 {
        let node = Node::start(&dbs, &dir);
        let stop = Arc::new(AtomicBool::new(false));
        let acked_round = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicUsize::new(0));
        let mut clients = Vec::new();
        for client in 0..2 {
            let (stop, acked_round, sent) = (Arc::clone(&stop), Arc::clone(&acked_round), Arc::clone(&sent));
            let (smtp_addr, http_addr) = (node.smtp, node.http);
            clients.push(std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let rcpt = format!("k{round}-{client}-{i}@d{}.example", i % 40);
                    let message = postfix(&rcpt);
                    let ok = if client == 0 {
                        deliver_smtp(smtp_addr, &rcpt, &message).is_some_and(|r| r.starts_with("250"))
                    } else {
                        deliver_http(http_addr, &message) == Some(200)
                    };
                    sent.fetch_add(1, Ordering::SeqCst);
                    if ok {
                        acked_round.lock().expect("lock").push(rcpt);
                    }
                    i += 1;
                }
            }));
        }
        // Kill at a random moment once some bounces went through.
        let deadline = Instant::now() + Duration::from_secs(30);
        while sent.load(Ordering::SeqCst) < 10 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(fastrand::u64(50..800)));
        let mut node = node;
        node.child.kill().expect("SIGKILL");
        let _ = node.child.wait();
        stop.store(true, Ordering::SeqCst);
        for c in clients {
            c.join().expect("client");
        }
        let round_acked = std::mem::take(&mut *acked_round.lock().expect("lock"));
        refused += sent.load(Ordering::SeqCst) - round_acked.len();
        assert!(!round_acked.is_empty(), "round {round}: nothing was acknowledged:\n{}", node.log());
        acked.extend(round_acked);
    }
    let v = verdicts(&db, &acked);
    let lost: Vec<&String> = acked.iter().zip(&v).filter(|(_, v)| **v != CheckVerdict::Suppressed).map(|(a, _)| a).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged bounces lost: {lost:?}", lost.len(), acked.len());
    eprintln!("{} acknowledged bounces survived 3 SIGKILLs ({refused} unacknowledged)", acked.len());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- a full disk -------------------------------------------------------------------------

/// A tmpfs of `size` mounted for the test; unmounted on drop.
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// `None` (with the reason printed) where mounting is impossible: not root, or no
    /// permission to mount in this container.
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).expect("mount point");
        let out = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(at).output();
        match out {
            Ok(o) if o.status.success() => Some(SmallDisk(at.to_path_buf())),
            Ok(o) => {
                eprintln!("SKIPPED: cannot mount a small tmpfs for the full-disk test: {}", String::from_utf8_lossy(&o.stderr).trim());
                None
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount for the full-disk test: {e}");
                None
            }
        }
    }

    /// Writes a filler file until the disk is full.
    fn fill(&self) -> PathBuf {
        let p = self.0.join("filler");
        let mut f = std::fs::File::create(&p).expect("filler");
        let chunk = vec![0u8; 4096];
        while f.write_all(&chunk).is_ok() {}
        let _ = f.sync_all();
        p
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn ingest(db: &str, input: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(["--db", db, "ingest", "--no-progress", "--format", "json"]).arg(input).output().expect("ingest runs")
}

/// An mbox of bounces for `prefix`0..`n` (5.1.1: each one a suppression).
fn mbox(prefix: &str, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str("From MAILER-DAEMON Thu Nov 14 22:13:20 2024\n");
        s.push_str(&postfix(&format!("{prefix}{i}@d{}.example", i % 30)));
        s.push('\n');
    }
    s
}

/// The disk fills up under an ingest and under a running server: the ingest fails with
/// "disk is full", the server answers 451 (SMTP) and 5xx (HTTP) instead of acknowledging,
/// nothing committed before is lost, the database stays consistent, and once there is
/// room again the same inputs go in completely.
#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = scratch("full-disk");
    let Some(disk) = SmallDisk::mount(&dir.join("mnt"), "16m") else { return };
    let db = disk.0.join("bouncekit.db");
    let dbs = db.to_str().expect("utf-8").to_string();
    let first = dir.join("first.mbox");
    std::fs::write(&first, mbox("before", 20)).expect("write");
    let out = ingest(&dbs, &first);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The server starts while there is room (opening a database needs some), then the
    // disk fills up under it.
    let node = Node::start(&dbs, &dir);
    let filler = disk.fill();

    // The CLI.
    let second = dir.join("second.mbox");
    std::fs::write(&second, mbox("during", 2000)).expect("write");
    let out = ingest(&dbs, &second);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "an ingest onto a full disk cannot succeed");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("full"), "the error says the disk is full: {stderr}");

    // The server: nothing acknowledged while the disk is full.
    let r = deliver_smtp(node.smtp, "smtp-full@d1.example", &postfix("smtp-full@d1.example")).unwrap_or_default();
    assert!(r.starts_with("451"), "SMTP while the disk is full: {r:?}\n{}", node.log());
    let status = deliver_http(node.http, &postfix("http-full@d2.example")).unwrap_or(0);
    assert!((500..600).contains(&status), "HTTP while the disk is full: {status}\n{}", node.log());
    assert_eq!(healthz(node.http), Some(200), "the server still answers");
    drop(node);

    // Room again (opening the store writes, so it is checked only now): what was
    // committed before is there, and everything goes in, once.
    std::fs::remove_file(&filler).expect("free the disk");
    let before: Vec<String> = (0..20).map(|i| format!("before{i}@d{}.example", i % 30)).collect();
    assert!(verdicts(&db, &before).iter().all(|v| *v == CheckVerdict::Suppressed), "what was committed before is kept");
    let out = ingest(&dbs, &second);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let during: Vec<String> = (0..2000).map(|i| format!("during{i}@d{}.example", i % 30)).collect();
    assert!(verdicts(&db, &during).iter().all(|v| *v == CheckVerdict::Suppressed), "the second ingest is complete");
    let mut s = SqliteStore::open(&db, Options::default()).expect("opens");
    assert_eq!(s.counts().expect("counts").events, 2020);
    drop(s);
    drop(disk);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- a locked database ---------------------------------------------------------------------

/// Another process (Python's sqlite3) holding an exclusive lock on the database for
/// `seconds`; returns once the lock is taken.
fn lock_for(db: &Path, seconds: f64) -> Child {
    let script = format!(
        "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep({seconds})\nc.execute('COMMIT')\n"
    );
    let mut child = Command::new("python3").arg("-c").arg(script).arg(db).stdout(Stdio::piped()).spawn().expect("python3 runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("lock taken");
    assert_eq!(line.trim(), "locked");
    child
}

/// The database is locked by another process: an ingest waits for it (up to the busy
/// timeout) and completes when the lock goes; when the lock outlasts the timeout, it
/// fails saying the database is locked, stores nothing by halves, and the same ingest
/// completes later.
#[test]
fn a_locked_database_is_waited_for_then_a_clear_error_and_nothing_is_lost() {
    let dir = scratch("locked");
    let db = dir.join("bouncekit.db");
    let dbs = db.to_str().expect("utf-8").to_string();
    let first = dir.join("first.mbox");
    std::fs::write(&first, mbox("one", 10)).expect("write");
    assert!(ingest(&dbs, &first).status.success(), "creates the database");

    // A short lock: waited for.
    let second = dir.join("second.mbox");
    std::fs::write(&second, mbox("two", 50)).expect("write");
    let mut holder = lock_for(&db, 2.0);
    let started = Instant::now();
    let out = ingest(&dbs, &second);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(started.elapsed() > Duration::from_millis(1500), "it waited for the lock");
    holder.wait().expect("holder ends");

    // A lock longer than the busy timeout: a clear error, nothing stored by halves.
    let third = dir.join("third.mbox");
    std::fs::write(&third, mbox("three", 50)).expect("write");
    let mut holder = lock_for(&db, 14.0);
    let out = ingest(&dbs, &third);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("locked") || stderr.contains("busy"), "the error says the database is locked: {stderr}");
    holder.wait().expect("holder ends");
    let mut s = SqliteStore::open(&db, Options::default()).expect("opens");
    assert_eq!(s.integrity_check().expect("check"), "ok");
    assert_eq!(s.counts().expect("counts").events, 60, "nothing of the refused ingest is stored");
    drop(s);
    let out = ingest(&dbs, &third);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut s = SqliteStore::open(&db, Options::default()).expect("opens");
    assert_eq!(s.counts().expect("counts").events, 110);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- SIGKILL during an ingest into PostgreSQL ----------------------------------------------

fn pg_server() -> Option<String> {
    let url = std::env::var("BOUNCEKIT_TEST_PG").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if url == "off" {
        eprintln!("BOUNCEKIT_TEST_PG=off: PostgreSQL test skipped");
        return None;
    }
    Some(url)
}

/// A database of the test's own on the PostgreSQL test server, dropped on drop.
struct PgDb {
    server: String,
    name: String,
    url: String,
}

impl PgDb {
    fn create(server: &str) -> PgDb {
        let name = format!("bouncekit_fault_{}_{}", std::process::id(), fastrand::u32(..));
        let mut admin = postgres::Client::connect(server, postgres::NoTls).unwrap_or_else(|e| panic!("the PostgreSQL test server {server} does not answer ({e}); set BOUNCEKIT_TEST_PG, or `off` to skip"));
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")).expect("create database");
        let (base, query) = server.split_once('?').map_or((server, String::new()), |(b, q)| (b, format!("?{q}")));
        let authority_end = base.find("://").map_or(0, |i| i + 3);
        let authority_end = base[authority_end..].find('/').map_or(base.len(), |i| authority_end + i);
        PgDb { server: server.to_string(), url: format!("{}/{name}{query}", &base[..authority_end]), name }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut a) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = a.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// The SQLite test of `store`, on PostgreSQL: ingests killed at random moments, then a
/// complete one; everything counts exactly once, as after one clean run.
#[test]
fn sigkill_during_ingest_into_postgresql_loses_and_doubles_nothing() {
    let Some(server) = pg_server() else { return };
    let dir = scratch("pg-kill");
    let input = dir.join("bounces.mbox");
    std::fs::write(&input, mbox("pg", 600)).expect("write");
    let (killed_db, reference) = (PgDb::create(&server), PgDb::create(&server));
    let t = Instant::now();
    assert!(ingest(&reference.url, &input).status.success(), "the reference run");
    let full = t.elapsed();
    let mut killed = 0;
    for _ in 0..8 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
            .args(["--db", &killed_db.url, "ingest", "--no-progress"])
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawns");
        std::thread::sleep(Duration::from_micros(fastrand::u64(0..=full.as_micros() as u64)));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("SIGKILL");
            killed += 1;
        }
        let _ = child.wait();
    }
    assert!(killed >= 2, "only {killed} of 8 runs were killed mid-way");
    let out = ingest(&killed_db.url, &input);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counts = |url: &str| bouncekit_store::open(url, Options::default()).expect("opens").counts().expect("counts");
    let (a, b) = (counts(&killed_db.url), counts(&reference.url));
    assert_eq!((a.events, a.suppressions, a.soft_bounces), (b.events, b.suppressions, b.soft_bounces));
    assert_eq!(b.events, 600);
    let _ = std::fs::remove_dir_all(&dir);
}
