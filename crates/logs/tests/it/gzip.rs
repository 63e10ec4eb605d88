//! Gzip-compressed logs (`mail.log.2.gz`): recognised by their magic bytes, read whole
//! by the reader and by the follower, resumed from a checkpoint in decompressed bytes.

use std::fs;
use std::io::{BufRead, Write};
use std::path::Path;

use bouncekit_core::Record;
use bouncekit_logs::{Checkpoints, Follower, LogOptions, LogReader, Mta, input};
use flate2::Compression;
use flate2::write::GzEncoder;

use super::{REFERENCE, TempDir};

fn bounce(qid: &str, rcpt: &str) -> String {
    format!(
        "Nov 29 02:05:02 mail postfix/smtp[13]: {qid}: to=<{rcpt}>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command))\n"
    )
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(text.as_bytes()).expect("compressed");
    e.finish().expect("compressed")
}

fn options() -> LogOptions {
    LogOptions { mta: Some(Mta::Postfix), reference_time: Some(REFERENCE), ..LogOptions::default() }
}

fn read(reader: impl BufRead) -> Vec<String> {
    LogReader::new(reader, options()).map(|r| r.expect("no IO error").recipient).collect()
}

fn drain(f: &mut Follower) -> Vec<Record> {
    let mut all = Vec::new();
    loop {
        let mut out = Vec::new();
        let progress = f.poll(&mut out).expect("poll succeeds");
        all.extend(out);
        if !progress {
            return all;
        }
    }
}

#[test]
fn compressed_logs_are_recognised_by_content_not_name() {
    let dir = TempDir::new("gzip-names");
    let text = bounce("AAA111", "a@example.com") + &bounce("AAA111", "b@example.com");
    // Compressed without the extension, and plain text with it: both read right.
    let hidden = dir.0.join("mail.log.2");
    fs::write(&hidden, gzip(&text)).expect("written");
    let misnamed = dir.0.join("mail.log.1.gz");
    fs::write(&misnamed, &text).expect("written");
    assert_eq!(read(input::open(&hidden).expect("opens")), ["a@example.com", "b@example.com"]);
    assert_eq!(read(input::open(&misnamed).expect("opens")), ["a@example.com", "b@example.com"]);
    assert!(input::LogFile::open(&hidden).expect("opens").is_compressed());
    assert!(!input::LogFile::open(&misnamed).expect("opens").is_compressed());

    // Several gzip members in one file (`gzip -c a >> b.gz`) are all read.
    let mut two = gzip(&bounce("BBB222", "c@example.com"));
    two.extend(gzip(&bounce("BBB222", "d@example.com")));
    let multi = dir.0.join("mail.log.3.gz");
    fs::write(&multi, &two).expect("written");
    assert_eq!(read(input::open(&multi).expect("opens")), ["c@example.com", "d@example.com"]);

    // A stream that cannot seek (standard input) is sniffed through its buffer.
    assert_eq!(read(input::decompress(&two[..]).expect("sniffed")), ["c@example.com", "d@example.com"]);
    assert_eq!(read(input::decompress(text.as_bytes()).expect("sniffed")), ["a@example.com", "b@example.com"]);

    // One-byte and empty files are plain.
    let tiny = dir.0.join("tiny.log");
    fs::write(&tiny, [0x1f]).expect("written");
    assert!(!input::LogFile::open(&tiny).expect("opens").is_compressed());
}

#[test]
fn a_damaged_gzip_file_is_an_io_error_after_the_lines_before_the_damage() {
    let dir = TempDir::new("gzip-damaged");
    let mut bytes = gzip(&(bounce("CCC333", "a@example.com").repeat(200)));
    let cut = bytes.len() - 8;
    bytes.truncate(cut);
    let path = dir.0.join("cut.gz");
    fs::write(&path, &bytes).expect("written");
    let mut reader = LogReader::new(input::open(&path).expect("opens"), options());
    let mut ok = 0;
    let mut failed = false;
    for r in reader.by_ref() {
        match r {
            Ok(_) => ok += 1,
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "a truncated stream is an error, not a silent end");
    assert!(ok > 0, "the lines before the damage were read");
}

#[test]
fn the_follower_reads_a_compressed_file_and_resumes_in_decompressed_bytes() {
    let dir = TempDir::new("gzip-follow");
    let path = dir.0.join("mail.log.2.gz");
    let cp_file = dir.0.join("checkpoint.json");
    let text = bounce("DDD444", "a@example.com") + &bounce("DDD444", "b@example.com");
    fs::write(&path, gzip(&text)).expect("written");
    let mut f = Follower::open(&path, options(), None).expect("opens");
    let got = drain(&mut f);
    assert_eq!(got.iter().map(|r| r.recipient.as_str()).collect::<Vec<_>>(), ["a@example.com", "b@example.com"]);
    let cp = f.checkpoint();
    assert_eq!((cp.offset, cp.line), (text.len() as u64, 2), "offsets count decompressed bytes");
    // At its end the file stays put: no truncation is seen in its compressed length.
    assert!(drain(&mut f).is_empty());
    let mut cps = Checkpoints::default();
    cps.set(f.checkpoint());
    cps.save(&cp_file).expect("saved");
    drop(f);

    // Resumed: nothing again. A checkpoint half-way resumes half-way.
    let cps = Checkpoints::load(&cp_file).expect("loads");
    let mut f = Follower::open(&path, options(), cps.get(&path)).expect("reopens");
    assert!(drain(&mut f).is_empty());
    let mut half = cps.get(&path).expect("checkpoint").clone();
    half.offset = bounce("DDD444", "a@example.com").len() as u64;
    half.line = 1;
    let mut f = Follower::open(&path, options(), Some(&half)).expect("reopens half-way");
    let got = drain(&mut f);
    assert_eq!(got.iter().map(|r| r.recipient.as_str()).collect::<Vec<_>>(), ["b@example.com"]);
    assert!(got[0].origin.name.ends_with("mail.log.2.gz:2"), "{}", got[0].origin.name);

    // A checkpoint beyond the content (the file was replaced by a shorter one) starts over.
    half.offset = 1 << 20;
    let mut f = Follower::open(&path, options(), Some(&half)).expect("reopens");
    assert_eq!(drain(&mut f).len(), 2);
    assert!(Path::new(&path).exists());
}
