//! Following a log file while it grows, rotates and is truncated, and resuming from
//! checkpoints after a restart.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use bouncekit_core::Record;
use bouncekit_logs::{Checkpoints, Follower, LogOptions, Mta};

use super::{REFERENCE, TempDir};

fn from(qid: &str, sender: &str) -> String {
    format!("Nov 29 02:05:01 mail postfix/qmgr[12]: {qid}: from=<{sender}>, size=100, nrcpt=1 (queue active)\n")
}

fn bounce(qid: &str, rcpt: &str) -> String {
    format!(
        "Nov 29 02:05:02 mail postfix/smtp[13]: {qid}: to=<{rcpt}>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n"
    )
}

fn append(path: &Path, text: &str) {
    let mut f = OpenOptions::new().create(true).append(true).open(path).expect("log opens for append");
    f.write_all(text.as_bytes()).expect("log written");
}

fn options() -> LogOptions {
    LogOptions { mta: Some(Mta::Postfix), reference_time: Some(REFERENCE), ..LogOptions::default() }
}

/// Polls until the follower is idle, collecting records.
fn drain(f: &mut Follower) -> Vec<Record> {
    let mut all = Vec::new();
    for _ in 0..100 {
        let mut out = Vec::new();
        let progress = f.poll(&mut out).expect("poll succeeds");
        all.extend(out);
        if !progress {
            return all;
        }
    }
    panic!("follower never became idle");
}

fn recipients(records: &[Record]) -> Vec<&str> {
    records.iter().map(|r| r.recipient.as_str()).collect()
}

fn origins(records: &[Record]) -> Vec<String> {
    records.iter().map(|r| r.origin.name.rsplit('/').next().unwrap_or_default().to_string()).collect()
}

#[test]
fn follows_growth_partial_lines_rotation_and_truncation() {
    let dir = TempDir::new("follow");
    let log = dir.0.join("mail.log");
    // The file does not exist yet: the follower waits for it.
    let mut f = Follower::open(&log, options(), None).expect("opens");
    assert!(drain(&mut f).is_empty());

    let first = from("AAA111", "s@example.org") + &bounce("AAA111", "a@example.com");
    let half = bounce("AAA111", "b@example.com");
    let (head, tail) = half.split_at(60);
    append(&log, &(first.clone() + head));
    let got = drain(&mut f);
    assert_eq!(recipients(&got), ["a@example.com"]);
    assert_eq!(got[0].sender.as_deref(), Some("s@example.org"));
    // The unfinished line is not consumed: the checkpoint stops before it.
    assert_eq!(f.checkpoint().offset, first.len() as u64);
    assert_eq!(f.checkpoint().line, 2);

    append(&log, tail);
    assert_eq!(recipients(&drain(&mut f)), ["b@example.com"]);

    // Rotation by rename: the writer still adds to the old file (last line without a
    // newline), then the new file appears. The message's sender joins across files.
    fs::rename(&log, dir.0.join("mail.log.1")).expect("rotated");
    append(&dir.0.join("mail.log.1"), bounce("AAA111", "c@example.com").trim_end());
    append(&log, &bounce("AAA111", "d@example.com"));
    let got = drain(&mut f);
    assert_eq!(recipients(&got), ["c@example.com", "d@example.com"]);
    assert_eq!(origins(&got), ["mail.log:4", "mail.log:1"]);
    assert_eq!(got[1].sender.as_deref(), Some("s@example.org"));

    // Truncation (copytruncate): shorter than what was read, so reading restarts at 0.
    fs::write(&log, "").expect("truncated");
    assert!(drain(&mut f).is_empty());
    append(&log, &bounce("BBB222", "e@example.com"));
    let got = drain(&mut f);
    assert_eq!(recipients(&got), ["e@example.com"]);
    assert_eq!(origins(&got), ["mail.log:1"]);
    assert_eq!(f.stats().malformed, 0);
}

#[test]
fn checkpoint_resumes_after_restart() {
    let dir = TempDir::new("checkpoint");
    let log = dir.0.join("mail.log");
    let cp_file = dir.0.join("checkpoint.json");
    append(&log, &(from("CCC333", "s@example.org") + &bounce("CCC333", "a@example.com") + &bounce("CCC333", "b@example.com")));

    let mut cps = Checkpoints::load(&cp_file).expect("missing checkpoint file is empty");
    assert!(cps.files.is_empty());
    let mut f = Follower::open(&log, options(), cps.get(&log)).expect("opens");
    assert_eq!(recipients(&drain(&mut f)), ["a@example.com", "b@example.com"]);
    cps.set(f.checkpoint());
    cps.save(&cp_file).expect("checkpoint saved");
    drop(f);

    // Restart after the log grew: only the new lines are read, numbered on.
    append(&log, &bounce("CCC333", "c@example.com"));
    let cps = Checkpoints::load(&cp_file).expect("checkpoint loads");
    let mut f = Follower::open(&log, options(), cps.get(&log)).expect("reopens");
    let got = drain(&mut f);
    assert_eq!(recipients(&got), ["c@example.com"]);
    assert_eq!(origins(&got), ["mail.log:4"]);
    let mut cps = cps;
    cps.set(f.checkpoint());
    cps.save(&cp_file).expect("checkpoint saved");
    drop(f);

    // Rotated while stopped: the rest of the old file (found by inode) comes first.
    append(&log, &bounce("CCC333", "d@example.com"));
    fs::rename(&log, dir.0.join("mail.log.1")).expect("rotated");
    append(&log, &bounce("CCC333", "e@example.com"));
    let mut f = Follower::open(&log, options(), cps.get(&log)).expect("reopens after rotation");
    let got = drain(&mut f);
    assert_eq!(recipients(&got), ["d@example.com", "e@example.com"]);
    assert_eq!(origins(&got), ["mail.log.1:5", "mail.log:1"]);
    cps.set(f.checkpoint());
    cps.save(&cp_file).expect("checkpoint saved");
    drop(f);

    // Truncated while stopped (same inode, now shorter): read from the start.
    fs::write(&log, bounce("DDD44", "f@ex.com")).expect("rewritten");
    let mut f = Follower::open(&log, options(), cps.get(&log)).expect("reopens after truncation");
    assert_eq!(recipients(&drain(&mut f)), ["f@ex.com"]);

    // A checkpoint of another path is ignored.
    let other = Checkpoints::load(&cp_file).expect("loads");
    let mut f = Follower::open(&dir.0.join("mail.log.1"), options(), other.get(&log)).expect("opens");
    assert_eq!(drain(&mut f).len(), 4);
}
