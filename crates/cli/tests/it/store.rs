//! The store commands end to end: ingest twice, a domain incident against a loopback DNS
//! server, SIGKILL during ingest, the suppression list commands.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bouncekit_dns::testing::{Rr, ZoneServer, standard_zone};
use serde_json::Value;

use crate::bouncekit;

/// A fresh directory for one test's database and inputs.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Runs `bouncekit --db DB args…` and parses its JSON output.
fn json(db: &Path, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["--db", db.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = bouncekit(&all, None);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\nstdout: {}\nstderr: {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

fn summary(db: &Path, args: &[&str]) -> Value {
    json(db, args).0[0].clone()
}

/// An RFC 3464 report for one recipient.
fn dsn(id: &str, rcpt: &str, action: &str, status: &str, diag: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.sender.example\r\nTo: bounces@sender.example\r\nSubject: Delivery Status Notification\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\nMessage-ID: <{id}@mx.sender.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nDelivery report.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.sender.example\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nAction: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {diag}\r\n\r\n--B--\r\n"
    )
}

fn check(db: &Path, addr: &str) -> (String, String) {
    let (v, _) = json(db, &["suppressions", "check", addr]);
    (v[0]["verdict"].as_str().unwrap_or("").to_string(), v[0]["detail"].as_str().unwrap_or("").to_string())
}

#[test]
fn ingesting_the_corpus_twice_counts_like_once() {
    let dir = scratch("corpus");
    let db = dir.join("bouncekit.db");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/emails");
    let corpus = corpus.to_str().expect("utf-8 path");
    let first = summary(&db, &["ingest", "--no-progress", corpus]);
    assert!(first["new_events"].as_i64().unwrap_or(0) > 300, "{first}");
    let snapshot = |db: &Path| {
        let (list, _) = json(db, &["suppressions", "list", "--status", "all", "--limit", "0"]);
        let (domains, _) = json(db, &["domains", "--since", "1990-01-01", "--limit", "0"]);
        let (alerts, _) = json(db, &["alerts", "--all"]);
        (list, domains, alerts)
    };
    let once = snapshot(&db);
    let second = summary(&db, &["ingest", "--no-progress", corpus]);
    assert_eq!(second["new_events"], 0, "{second}");
    assert_eq!(second["duplicates"], first["records"], "every record of the second run is a duplicate");
    assert_eq!(snapshot(&db), once, "a second ingest changes nothing");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_domain_incident_end_to_end_against_a_loopback_dns_server() {
    let dir = scratch("incident");
    let db = dir.join("bouncekit.db");
    let dns = ZoneServer::start("test.", standard_zone()).expect("DNS server");
    // Five recipients at each of two domains fail with system errors.
    for (domain, status, diag) in [("good.test", "5.3.0", "550 5.3.0 Mail system error"), ("nullmx.test", "4.4.1", "421 4.4.1 Connection timed out")] {
        let inbox = dir.join(domain);
        std::fs::create_dir_all(&inbox).expect("dir");
        for i in 0..5 {
            std::fs::write(inbox.join(format!("{i}.eml")), dsn(&format!("{domain}{i}"), &format!("user{i}@{domain}"), "failed", status, diag)).expect("write");
        }
        let s = summary(&db, &["ingest", "--no-progress", inbox.to_str().expect("path")]);
        assert_eq!(s["incidents_opened"], 1, "{domain}: {s}");
        assert_eq!(s["released_by_incident"], if status.starts_with('5') { 4 } else { 0 }, "{domain}: {s}");
    }
    for a in ["user0@good.test", "someone-else@good.test", "user3@nullmx.test"] {
        assert_eq!(check(&db, a), ("held".into(), "held: domain incident".into()), "{a}");
    }
    // DNS: null MX makes that incident dead (the whole domain is suppressed); working
    // MX hosts leave the other one held.
    let ns = dns.addr().to_string();
    let (incidents, _) = json(&db, &["domains", "--incidents", "--check-dns", "--nameserver", &ns]);
    let state = |v: &Value, d: &str| v.as_array().and_then(|a| a.iter().find(|i| i["domain"] == d && i["state"] != "closed").map(|i| (i["state"].as_str().unwrap_or("").to_string(), i["dns_verdict"].as_str().unwrap_or("").to_string())));
    assert_eq!(state(&incidents, "nullmx.test"), Some(("dead".into(), "null_mx".into())), "{incidents}");
    assert_eq!(state(&incidents, "good.test"), Some(("open".into(), "mx".into())), "{incidents}");
    assert_eq!(check(&db, "user3@nullmx.test").0, "suppressed");
    // A delivery closes the held domain's incident.
    let inbox = dir.join("delivered");
    std::fs::create_dir_all(&inbox).expect("dir");
    std::fs::write(inbox.join("d.eml"), dsn("d1", "user9@good.test", "delivered", "2.0.0", "250 2.0.0 OK")).expect("write");
    let s = summary(&db, &["ingest", "--no-progress", inbox.to_str().expect("path")]);
    assert_eq!(s["incidents_closed"], 1, "{s}");
    assert_eq!(check(&db, "user0@good.test").0, "allowed");
    // DNS recovery closes the dead one: the domain now publishes a real MX.
    let fixed = ZoneServer::start("test.", vec![Rr::Mx("nullmx.test.", 10, "mx.nullmx.test."), Rr::A("mx.nullmx.test.", std::net::Ipv4Addr::new(127, 0, 0, 3))]).expect("DNS server");
    let (incidents, _) = json(&db, &["domains", "--incidents", "--check-dns", "--nameserver", &fixed.addr().to_string()]);
    let closed = incidents.as_array().map(|a| a.iter().filter(|i| i["state"] == "closed").map(|i| (i["domain"].as_str().unwrap_or("").to_string(), i["close_cause"].as_str().unwrap_or("").to_string())).collect::<Vec<_>>()).unwrap_or_default();
    assert!(closed.contains(&("nullmx.test".into(), "dns recovery".into())), "{incidents}");
    assert!(closed.contains(&("good.test".into(), "delivery".into())), "{incidents}");
    assert_eq!(check(&db, "user3@nullmx.test").0, "allowed");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Messages in the crash test's mbox.
const CRASH_MESSAGES: usize = 2_000;

#[test]
fn sigkill_during_ingest_loses_and_doubles_nothing() {
    let dir = scratch("crash");
    let mbox = dir.join("bounces.mbox");
    let mut text = String::new();
    for i in 0..CRASH_MESSAGES {
        let (status, diag) = match i % 4 {
            0 => ("5.1.1", "550 5.1.1 User unknown"),
            1 => ("4.2.2", "452 4.2.2 Mailbox full"),
            2 => ("5.7.1", "550 5.7.1 Message rejected as spam"),
            _ => ("2.0.0", "250 2.0.0 OK"),
        };
        let action = if status.starts_with('2') { "delivered" } else { "failed" };
        text.push_str("From MAILER-DAEMON Tue Nov 14 22:13:20 2023\n");
        text.push_str(&dsn(&format!("c{i}"), &format!("r{}@d{}.example", i % 700, i % 37), action, status, diag).replace("\r\n", "\n"));
        text.push('\n');
    }
    std::fs::write(&mbox, text).expect("write mbox");
    let args = |db: &Path| vec!["--db".to_string(), db.display().to_string(), "ingest".into(), "--no-progress".into(), "--format".into(), "json".into(), mbox.display().to_string()];
    // The reference: one clean run.
    let reference = dir.join("reference.db");
    let t = Instant::now();
    let ok = Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(args(&reference)).stdout(Stdio::null()).stderr(Stdio::null()).status().expect("runs");
    assert!(ok.success());
    let full = t.elapsed();
    // Twenty runs killed at random moments, each resuming the same database.
    let db = dir.join("crash.db");
    let mut killed = 0;
    for round in 0..20 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(args(&db)).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawns");
        let wait = Duration::from_micros(fastrand::u64(0..=full.as_micros() as u64));
        std::thread::sleep(wait);
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("SIGKILL"); // Child::kill sends SIGKILL on Unix.
            killed += 1;
        }
        let status = child.wait().expect("reaped");
        assert!(status.success() || status.code().is_none(), "round {round}: {status:?}");
    }
    assert!(killed >= 5, "only {killed} of 20 runs were killed mid-way");
    let counts = |path: &Path| {
        let mut s = bouncekit_store::SqliteStore::open(path, bouncekit_store::Options::default()).expect("opens");
        use bouncekit_store::Store;
        assert_eq!(s.integrity_check().expect("integrity_check"), "ok");
        s.counts().expect("counts")
    };
    let _ = counts(&db);
    // A final run completes the ingest; everything counts exactly once.
    let out = Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(args(&db)).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (counts(&db), counts(&reference));
    assert_eq!((a.events, a.suppressions, a.soft_bounces, a.alerts_open), (b.events, b.suppressions, b.soft_bounces, b.alerts_open));
    assert_eq!(b.events as usize, CRASH_MESSAGES);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_suppression_list_commands() {
    let dir = scratch("list");
    let db = dir.join("bouncekit.db");
    let d = db.to_str().expect("path");
    let out = bouncekit(&["--db", d, "suppressions", "add", "A@Example.com", "b@example.com", "--scope", "list:news", "--note", "asked", "--by", "alice"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (v, code) = json(&db, &["suppressions", "check", "--scope", "list:news", "a@example.com", "c@example.com", "bad"]);
    assert_eq!(code, 1, "some address is not allowed");
    let verdicts: Vec<_> = v.as_array().expect("array").iter().map(|c| c["verdict"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(verdicts, ["suppressed", "allowed", "invalid"]);
    let (_, code) = json(&db, &["suppressions", "check", "c@example.com"]);
    assert_eq!(code, 0);
    // Export, import elsewhere twice: the second import changes nothing.
    let csv = dir.join("export.csv");
    assert!(bouncekit(&["--db", d, "suppressions", "export", "--to", "csv", "-o", csv.to_str().expect("path")], None).status.success());
    let other = dir.join("other.db");
    let first = summary(&other, &["suppressions", "import", csv.to_str().expect("path")]);
    assert_eq!((first["inserted"].as_i64(), first["errors"].as_i64()), (Some(2), Some(0)), "{first}");
    let again = summary(&other, &["suppressions", "import", csv.to_str().expect("path")]);
    assert_eq!((again["inserted"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)), "{again}");
    // Bad rows are named by number; exit status 1.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "address,expires_at\nok@example.com,\nnope,\nlate@example.com,someday\n").expect("write");
    let out = bouncekit(&["--db", d, "suppressions", "import", bad.to_str().expect("path")], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 2: `nope` is not an email address") && err.contains("row 3: expires_at"), "{err}");
    // Remove, list with filters and paging, forget with a tombstone.
    assert!(bouncekit(&["--db", d, "suppressions", "remove", "b@example.com", "--scope", "list:news"], None).status.success());
    let (list, _) = json(&db, &["suppressions", "list", "--scope", "list:news", "--limit", "1"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let (list, _) = json(&db, &["suppressions", "list", "--status", "removed"]);
    assert_eq!(list[0]["address"], "b@example.com");
    let f = summary(&db, &["forget", "a@example.com", "--keep-tombstone"]);
    assert_eq!(f["suppressions_deleted"], 1, "{f}");
    assert_eq!(check(&db, "a@example.com"), ("suppressed".into(), "suppressed: forgotten (tombstone)".into()));
    let c = summary(&db, &["cleanup"]);
    assert_eq!(c["vacuumed"], "false");
    let (r, _) = json(&db, &["report", "--by", "reason", "--since", "2000-01-01"]);
    assert!(r.is_array());
    let _ = std::fs::remove_dir_all(&dir);
}
