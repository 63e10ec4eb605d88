//! Hostile input: every prefix of every sample line, byte flips and random bytes, fed to
//! every format's parser. Nothing may panic, every line is counted, and line kinds add up.

use bouncekit_logs::{LineKind, LogOptions, LogParser, Mta};

fn parsers() -> Vec<LogParser> {
    let mut v: Vec<LogParser> = Mta::ALL
        .iter()
        .map(|m| {
            LogParser::new(LogOptions {
                mta: Some(*m),
                queue_capacity: 8,
                ..LogOptions::default()
            })
        })
        .collect();
    v.push(LogParser::new(LogOptions::default()));
    v
}

fn sample_lines() -> Vec<Vec<u8>> {
    let dir = super::root().join("testdata/logs");
    let mut lines = Vec::new();
    for e in std::fs::read_dir(dir)
        .expect("samples")
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.to_string_lossy().ends_with(".json") {
            continue;
        }
        let bytes = std::fs::read(&p).expect("sample readable");
        lines.extend(bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec));
    }
    lines
}

#[test]
fn truncated_flipped_and_random_lines_never_panic() {
    let lines = sample_lines();
    let mut parsers = parsers();
    let mut fed = 0u64;
    let mut record_lines = vec![0u64; parsers.len()];
    let mut out = Vec::new();
    {
        let mut feed = |line: &[u8], parsers: &mut Vec<LogParser>| {
            for (i, p) in parsers.iter_mut().enumerate() {
                out.clear();
                match p.push_line(line, &mut out) {
                    LineKind::Records(n) => {
                        assert_eq!(n, out.len());
                        assert!(n > 0);
                        record_lines[i] += 1;
                    }
                    _ => assert!(out.is_empty()),
                }
            }
            fed += 1;
        };
        for line in &lines {
            for cut in 0..=line.len() {
                feed(&line[..cut], &mut parsers);
            }
        }
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for line in &lines {
            for _ in 0..20 {
                let mut l = line.clone();
                if l.is_empty() {
                    continue;
                }
                for _ in 0..1 + rnd() % 4 {
                    let i = (rnd() % l.len() as u64) as usize;
                    const NASTY: &[u8] = b"<>[](),;:=\" \\\x00\xff{}-.";
                    l[i] = NASTY[(rnd() % NASTY.len() as u64) as usize];
                }
                feed(&l, &mut parsers);
            }
        }
        for _ in 0..2000 {
            let len = (rnd() % 300) as usize;
            let l: Vec<u8> = (0..len).map(|_| rnd() as u8).collect();
            feed(&l, &mut parsers);
        }
    }
    for (p, with_records) in parsers.iter().zip(record_lines) {
        let s = p.stats();
        assert_eq!(s.lines, fed);
        assert_eq!(s.lines, s.noise + s.pending + s.malformed + with_records);
        assert!(s.records >= with_records);
        assert!(s.queued <= 8, "the join map stays bounded: {}", s.queued);
    }
}

/// A line naming a hundred thousand recipients with a long status yields at most
/// `MAX_RECIPIENTS_PER_LINE` records (and does not take quadratic time or memory).
#[test]
fn many_recipients_on_one_line_are_capped() {
    let to: Vec<String> = (0..100_000).map(|i| format!("<u{i}@example.com>")).collect();
    let line = format!(
        "Nov 29 02:05:03 mail sm-mta[1]: 4ATB53xx001234: to={}, mailer=esmtp, dsn=5.1.1, stat=User unknown {}",
        to.join(","),
        "x, y=z ".repeat(10_000)
    );
    let mut p = LogParser::new(LogOptions { mta: Some(Mta::Sendmail), ..LogOptions::default() });
    let mut out = Vec::new();
    assert_eq!(p.push_line(line.as_bytes(), &mut out), LineKind::Records(bouncekit_logs::MAX_RECIPIENTS_PER_LINE));
}

/// A line longer than `MAX_LINE` is skipped whole and counted; the next line reads.
#[test]
fn overlong_line_is_counted_and_skipped() {
    let mut log = vec![b'a'; bouncekit_logs::MAX_LINE + 10];
    log.extend_from_slice(b"\nNov 29 02:05:03 mail postfix/smtp[1]: ABC12: to=<a@example.com>, relay=none, dsn=5.1.1, status=bounced (unknown user)\n");
    let mut r = bouncekit_logs::LogReader::new(&log[..], LogOptions::named("big"));
    let rec = r.next().expect("a record").expect("no IO error");
    assert_eq!(rec.origin.name, "big:2");
    assert_eq!(r.stats().malformed, 1);
    assert_eq!(r.stats().first_malformed.as_ref().map(|m| m.line), Some(1));
}
