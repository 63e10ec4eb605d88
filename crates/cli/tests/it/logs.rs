//! `bouncekit logs`: the samples, detection failures, checkpoint resume and `--follow`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use super::{bouncekit, text};

fn sample(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/logs").join(name).to_string_lossy().into_owned()
}

fn jsonl(out: &str) -> Vec<Value> {
    out.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

/// A fresh temporary directory, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("bouncekit-cli-logs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bounce_line(qid: &str, rcpt: &str) -> String {
    format!(
        "Nov 29 02:05:02 mail postfix/smtp[13]: {qid}: to=<{rcpt}>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n"
    )
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("log opens");
    f.write_all(text.as_bytes()).expect("log written");
}

#[test]
fn exim_sample_as_jsonl_with_detection() {
    let o = bouncekit(&["logs", "--format", "jsonl", &sample("exim.log")], None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let records = jsonl(&text(&o));
    assert_eq!(records.len(), 8);
    assert_eq!(records[0]["recipient"], "bad@example.com");
    assert_eq!(records[0]["format"], "exim-log");
    assert_eq!(records[0]["origin"]["kind"], "log");
    assert!(records[0]["origin"]["name"].as_str().is_some_and(|n| n.ends_with("exim.log:4")));
}

#[test]
fn failures_only_drops_deliveries() {
    let o = bouncekit(&["logs", "--failures-only", "--format", "jsonl", "--mta", "exim", &sample("exim.log")], None);
    let records = jsonl(&text(&o));
    assert_eq!(records.len(), 5);
    assert!(records.iter().all(|r| r["kind"] != "delivered"));
}

#[test]
fn malformed_lines_and_unknown_formats_exit_1() {
    let o = bouncekit(&["logs", "--format", "jsonl", &sample("postfix.log")], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(jsonl(&text(&o)).len(), 6);
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 malformed lines (first at line 22"));
    let o = bouncekit(&["logs", "-"], Some(b"just some text\nnothing to see\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no MTA log format recognised"));
}

#[test]
fn usage_errors_exit_2() {
    let o = bouncekit(&["logs", "--utc-offset", "soon", &sample("exim.log")], None);
    assert_eq!(o.status.code(), Some(2));
    let o = bouncekit(&["logs", "--checkpoint", "/nonexistent/cp.json", "-"], Some(b""));
    assert_eq!(o.status.code(), Some(2));
    let o = bouncekit(&["logs", "--mta", "qmail", "x"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn checkpoint_resumes_where_the_last_run_stopped() {
    let dir = Temp::new("checkpoint");
    let log = dir.0.join("mail.log");
    let cp = dir.0.join("cp.json");
    append(&log, &(bounce_line("AAA111", "a@example.com") + &bounce_line("AAA111", "b@example.com")));
    let run = || {
        let o = bouncekit(&["logs", "--format", "jsonl", "--checkpoint", cp.to_str().expect("utf-8"), log.to_str().expect("utf-8")], None);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        jsonl(&text(&o))
    };
    assert_eq!(run().len(), 2);
    append(&log, &bounce_line("AAA111", "c@example.com"));
    let again = run();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["recipient"], "c@example.com");
    assert!(again[0]["origin"]["name"].as_str().is_some_and(|n| n.ends_with("mail.log:3")));
    assert!(run().is_empty());
    let saved: Value = serde_json::from_slice(&std::fs::read(&cp).expect("checkpoint written")).expect("checkpoint is JSON");
    assert_eq!(saved["files"][0]["line"], 3);
}

#[test]
fn follow_streams_new_lines_and_checkpoints_them() {
    let dir = Temp::new("follow");
    let log = dir.0.join("mail.log");
    let cp = dir.0.join("cp.json");
    append(&log, &bounce_line("BBB222", "first@example.com"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
        .args(["logs", "--follow", "--format", "jsonl", "--checkpoint", cp.to_str().expect("utf-8"), log.to_str().expect("utf-8")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || -> Value { serde_json::from_str(&rx.recv_timeout(Duration::from_secs(20)).expect("a record within 20 s")).expect("JSON") };
    assert_eq!(next()["recipient"], "first@example.com");
    append(&log, &bounce_line("BBB222", "second@example.com"));
    assert_eq!(next()["recipient"], "second@example.com");
    // Rotation by rename while running.
    std::fs::rename(&log, dir.0.join("mail.log.1")).expect("rotated");
    append(&log, &bounce_line("BBB222", "third@example.com"));
    assert_eq!(next()["recipient"], "third@example.com");
    // The checkpoint is saved right after the records are written: wait for it.
    let line_saved = || -> Option<Value> {
        let saved: Value = serde_json::from_slice(&std::fs::read(&cp).ok()?).ok()?;
        Some(saved["files"][0]["line"].clone())
    };
    let mut waited = 0;
    while line_saved() != Some(Value::from(1)) && waited < 200 {
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    }
    // This test started the child: it ends it.
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(line_saved(), Some(Value::from(1)));
}

#[test]
fn ingest_stores_log_records_once() {
    let dir = std::env::temp_dir().join(format!("bouncekit-logs-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("b.db").to_string_lossy().into_owned();
    let log = sample("exim.log");
    let first = bouncekit(&["--db", &db, "logs", "--ingest", &log], None);
    let err = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(err.contains(" new events") && !err.contains(" 0 new events"), "{err}");
    let again = bouncekit(&["--db", &db, "logs", "--ingest", &log], None);
    let err = String::from_utf8_lossy(&again.stderr).into_owned();
    assert!(err.contains(" 0 new events") && err.contains("already stored"), "re-reading a log changes nothing: {err}");
    let list = bouncekit(&["--db", &db, "suppressions", "list", "--format", "jsonl"], None);
    assert!(!text(&list).trim().is_empty(), "hard bounces from the log are suppressed");
    let _ = std::fs::remove_dir_all(&dir);
}

fn gzip(text: &str) -> Vec<u8> {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(text.as_bytes()).expect("compressed");
    e.finish().expect("compressed")
}

#[test]
fn rotated_gzip_logs_are_read_by_their_magic_bytes() {
    let dir = Temp::new("gzip");
    // Rotated and compressed (`.gz`), compressed without the extension, and plain.
    std::fs::write(dir.0.join("mail.log.2.gz"), gzip(&bounce_line("CCC333", "oldest@example.com"))).expect("written");
    std::fs::write(dir.0.join("mail.log.1"), gzip(&(bounce_line("CCC333", "older@example.com") + &bounce_line("CCC333", "old@example.com")))).expect("written");
    append(&dir.0.join("mail.log"), &bounce_line("CCC333", "new@example.com"));
    let paths: Vec<String> = ["mail.log.2.gz", "mail.log.1", "mail.log"].iter().map(|n| dir.0.join(n).to_string_lossy().into_owned()).collect();
    let mut args = vec!["logs", "--format", "jsonl"];
    args.extend(paths.iter().map(String::as_str));
    let o = bouncekit(&args, None);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let records = jsonl(&text(&o));
    let rcpts: Vec<&str> = records.iter().filter_map(|r| r["recipient"].as_str()).collect();
    assert_eq!(rcpts, ["oldest@example.com", "older@example.com", "old@example.com", "new@example.com"]);
    assert!(records[2]["origin"]["name"].as_str().is_some_and(|n| n.ends_with("mail.log.1:2")), "{}", records[2]["origin"]);
    assert_eq!(records[0]["reason"], "userunknown");

    // Piped in compressed: the same.
    let o = bouncekit(&["logs", "--format", "jsonl", "-"], Some(&gzip(&bounce_line("DDD444", "piped@example.com"))));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(jsonl(&text(&o))[0]["recipient"], "piped@example.com");

    // A damaged file is reported and counted as an error, after its readable lines.
    let mut cut = gzip(&bounce_line("EEE555", "cut@example.com").repeat(50));
    cut.truncate(cut.len() - 8);
    std::fs::write(dir.0.join("cut.gz"), cut).expect("written");
    let o = bouncekit(&["logs", "--format", "jsonl", dir.0.join("cut.gz").to_str().expect("utf-8")], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(!jsonl(&text(&o)).is_empty());
}
