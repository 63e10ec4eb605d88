//! `bouncekit poll --ingest` against a real Dovecot (started by each test): the bounce
//! samples go into a mailbox, the binary polls it over IMAPS or POP3S, the store ends
//! up with the suppressions a direct `ingest` of the same files gives, the messages are
//! moved, flagged or deleted, and a second run ingests nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use bouncekit_mailbox::testing::{Dovecot, PASSWORD};
use serde_json::Value;

use crate::bouncekit;

/// A fresh directory for one test's database, state and password files.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-cli-poll-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// The bounce samples of the repository, sorted by name.
pub fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/bounces");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir).expect("testdata/bounces").filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect();
    v.sort();
    assert!(v.len() >= 20, "the bounce samples are there");
    v
}

/// The messages of a sample as an MTA delivers them into a mailbox: one, or for a
/// sample that is an mbox (it starts with a `From ` separator line) each of its
/// messages without the separator.
pub fn messages(path: &Path) -> Vec<Vec<u8>> {
    let raw = String::from_utf8_lossy(&std::fs::read(path).expect("sample")).into_owned();
    if !raw.starts_with("From ") {
        return vec![raw.into_bytes()];
    }
    let mut out: Vec<String> = Vec::new();
    for line in raw.split_inclusive('\n') {
        if line.starts_with("From ") {
            out.push(String::new());
        } else if let Some(m) = out.last_mut() {
            m.push_str(line);
        }
    }
    out.into_iter().map(String::into_bytes).collect()
}

/// Runs `bouncekit --db DB poll URL --ingest …` with the password in a file.
fn poll(db: &Path, d: &Dovecot, url: &str, extra: &[&str], dir: &Path) -> Output {
    let pw = dir.join("password");
    std::fs::write(&pw, format!("{PASSWORD}\n")).expect("password file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bouncekit"));
    cmd.args(["--db", db.to_str().expect("utf-8"), "poll", url, "--ingest", "--timeout", "20"])
        .args(["--password-file", pw.to_str().expect("utf-8"), "--ca-file", d.ca_pem.to_str().expect("utf-8")])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.output().expect("binary runs")
}

/// The `N messages, M records: K new events` line of a run.
fn counts(o: &Output) -> (u64, u64, u64) {
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err.lines().find(|l| l.contains(" messages, ")).unwrap_or_else(|| panic!("no summary line in:\n{err}"));
    let num = |after: &str| -> u64 {
        let (head, _) = line.split_once(after).unwrap_or_else(|| panic!("{after:?} in {line}"));
        head.rsplit(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("number before {after:?} in {line}"))
    };
    (num(" messages"), num(" records"), num(" new events"))
}

/// Every suppressed address of a database with its reason, sorted.
fn suppressions(db: &Path) -> Vec<(String, String)> {
    let o = bouncekit(&["--db", db.to_str().expect("utf-8"), "suppressions", "list", "--status", "all", "--limit", "0", "--format", "json"], None);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let mut out: Vec<(String, String)> = v.as_array().expect("a list").iter().map(|s| (s["address"].as_str().unwrap_or("").to_string(), s["reason"].as_str().unwrap_or("").to_string())).collect();
    out.sort();
    out
}

#[test]
fn imaps_ingest_moves_every_sample_and_a_second_run_ingests_nothing() {
    let dir = scratch("imaps");
    let d = Dovecot::start();
    let files = samples();
    let mut delivered = 0;
    for m in files.iter().flat_map(|f| messages(f)) {
        d.deliver("bounces", &m);
        delivered += 1;
    }
    // What a direct ingest of the same files stores: the reference.
    let reference = dir.join("reference.db");
    let mut args = vec!["--db".to_string(), reference.to_string_lossy().into_owned(), "ingest".into(), "--no-progress".into()];
    args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = bouncekit(&refs, None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = suppressions(&reference);
    assert!(expected.len() >= 10, "{expected:?}");
    assert!(expected.contains(&("alice@example.com".into(), "userunknown".into())), "{expected:?}");

    let db = dir.join("polled.db");
    let state = dir.join("imaps.state.json");
    let url = format!("imaps://bounces@localhost:{}/INBOX", d.imaps);
    let extra = ["--after", "move:Processed", "--state", state.to_str().expect("utf-8")];
    let first = poll(&db, &d, &url, &extra, &dir);
    assert_ne!(first.status.code(), Some(2), "{}\n{}", String::from_utf8_lossy(&first.stderr), d.logs());
    let (messages, records, new) = counts(&first);
    assert_eq!(messages, delivered, "every message was fetched and acknowledged");
    assert!(records >= messages && new == records, "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(suppressions(&db), expected, "polling stores what ingesting the files stores");
    // Acknowledged by moving: the INBOX is empty, Processed has them all.
    assert!(d.files("bounces", "").is_empty(), "{:?}", d.files("bounces", ""));
    assert_eq!(d.files("bounces", "Processed").len() as u64, delivered);
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).expect("state written")).expect("JSON");
    assert_eq!(saved["last_uid"], delivered, "{saved}");

    // Again: nothing new in the mailbox, nothing new in the store.
    let second = poll(&db, &d, &url, &extra, &dir);
    assert_eq!(second.status.code(), Some(0), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(counts(&second), (0, 0, 0));
    assert_eq!(suppressions(&db), expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn imap_flag_and_pop3s_delete_ingest_once() {
    let dir = scratch("flag-delete");
    let d = Dovecot::start();
    let picked: Vec<PathBuf> = samples().into_iter().filter(|p| ["lhost-postfix.eml", "lhost-exim.eml", "rhost-microsoft.eml"].iter().any(|n| p.ends_with(n))).collect();
    assert_eq!(picked.len(), 3);
    for f in &picked {
        for m in messages(f) {
            d.deliver("flagged", &m);
            d.deliver("popped", &m);
        }
    }
    let db = dir.join("b.db");

    // IMAP on loopback in plain text, flagging: the messages stay, marked \Seen.
    let url = format!("imap://flagged@127.0.0.1:{}/INBOX", d.imap);
    let state = dir.join("flag.state.json");
    let extra = ["--after", "flag", "--state", state.to_str().expect("utf-8")];
    let first = poll(&db, &d, &url, &extra, &dir);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let (messages, _, new) = counts(&first);
    assert_eq!(messages, 3);
    assert!(new >= 3);
    let inbox = d.files("flagged", "");
    assert_eq!(inbox.len(), 3);
    assert!(inbox.iter().all(|f| f.contains(":2,") && f.rsplit(',').next().is_some_and(|flags| flags.contains('S'))), "{inbox:?}");
    assert_eq!(counts(&poll(&db, &d, &url, &extra, &dir)), (0, 0, 0));
    let after_imap = suppressions(&db);
    for a in ["alice@example.com", "frank@example.com"] {
        assert!(after_imap.iter().any(|(s, _)| s == a), "{a} suppressed: {after_imap:?}");
    }
    // A sender-side block never suppresses the recipient.
    assert!(!after_imap.iter().any(|(s, _)| s == "chris@example.org"), "{after_imap:?}");

    // The same bounces over POP3S, deleting: the messages are gone, and the store
    // already knew them (same content, same events).
    let url = format!("pop3s://popped@localhost:{}", d.pop3s);
    let state = dir.join("pop.state.json");
    let extra = ["--after", "delete", "--state", state.to_str().expect("utf-8")];
    let first = poll(&db, &d, &url, &extra, &dir);
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let (messages, records, _) = counts(&first);
    assert_eq!(messages, 3);
    assert!(records >= 3);
    assert!(d.files("popped", "").is_empty(), "{:?}", d.files("popped", ""));
    assert_eq!(counts(&poll(&db, &d, &url, &extra, &dir)), (0, 0, 0));
    assert_eq!(suppressions(&db), after_imap);

    // A wrong password is a login error (exit 2) that does not show the password.
    let bad = dir.join("bad-password");
    std::fs::write(&bad, "not-the-password-4711\n").expect("file");
    let o = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
        .args(["--db", db.to_str().expect("utf-8"), "poll", &url, "--ingest", "--password-file", bad.to_str().expect("utf-8"), "--ca-file", d.ca_pem.to_str().expect("utf-8")])
        .args(["--after", "delete", "--state", state.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("not-the-password-4711"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
