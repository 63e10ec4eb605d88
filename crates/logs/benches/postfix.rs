//! Reads a generated one-million-line Postfix log and reports lines per second on one
//! thread.
//!
//! The log is what a busy outbound relay writes: per message a connection, the
//! Message-ID, the sender, one to three delivery lines (70 % sent, 15 % bounced with a
//! remote reply, 15 % deferred), the removal and a disconnection, interleaved with
//! unrelated noise (TLS, anvil, other daemons). Every line goes through the whole path:
//! line splitting, UTF-8 check, syslog header, joins, SMTP reply parsing, classification
//! and record building.
//!
//! Run with `cargo bench -p bouncekit-logs --bench postfix`; `BOUNCEKIT_BENCH_LINES`
//! changes the count; `BOUNCEKIT_BENCH_WRITE=FILE` writes the log to FILE and exits (used
//! by `bench/logs.sh` to time the CLI on the same input).

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use bouncekit_logs::{LogOptions, LogReader, Mta};

/// A small deterministic generator (xorshift), so every run reads the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const DOMAINS: &[&str] = &["gmail.com", "yahoo.com", "outlook.com", "example.com", "example.net", "web.de", "gmx.de", "icloud.com"];
const BOUNCES: &[&str] = &[
    "550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table",
    "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser a1si123.45 - gsmtp",
    "554 5.7.1 Service unavailable; Client host [198.51.100.1] blocked using zen.spamhaus.org",
    "552 5.2.2 <{r}>: Mailbox full",
];
const DEFERRALS: &[&str] = &[
    "450 4.2.0 <{r}>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/example.html",
    "421 4.7.0 [TSS04] Messages from 198.51.100.1 temporarily deferred due to unexpected volume or user complaints",
    "452 4.2.2 The email account that you tried to reach is over quota.",
];

/// Appends lines until `n` lines are written.
fn generate(n: usize) -> String {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(n * 160);
    let mut lines = 0usize;
    let mut second = 0u64;
    while lines < n {
        second += 1;
        let ts = format!("Nov {:2} {:02}:{:02}:{:02}", 1 + (second / 86_400) % 28, (second / 3600) % 24, (second / 60) % 60, second % 60);
        let qid = format!("{:X}", 0x1000_0000 + rng.below(0xEFFF_FFFF));
        let pid = 1000 + rng.below(9000);
        let _ = writeln!(out, "{ts} mail postfix/smtpd[{pid}]: connect from app{}.internal[10.0.0.{}]", rng.below(9), rng.below(250));
        let _ = writeln!(out, "{ts} mail postfix/cleanup[{pid}]: {qid}: message-id=<{}.{}@example.org>", rng.next(), second);
        let _ = writeln!(out, "{ts} mail postfix/qmgr[99]: {qid}: from=<news@example.org>, size={}, nrcpt=1 (queue active)", 2000 + rng.below(50_000));
        lines += 3;
        for _ in 0..1 + rng.below(3) {
            let domain = DOMAINS[rng.below(DOMAINS.len() as u64) as usize];
            let r = format!("user{}@{domain}", rng.below(1_000_000));
            let relay = format!("mx{}.{domain}[192.0.2.{}]:25", rng.below(4), rng.below(250));
            let roll = rng.below(100);
            let _ = if roll < 70 {
                writeln!(out, "{ts} mail postfix/smtp[{pid}]: {qid}: to=<{r}>, relay={relay}, delay=0.9, delays=0.1/0/0.3/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK  1732845903 x1si{} - gsmtp)", rng.below(99_999))
            } else if roll < 85 {
                let reply = BOUNCES[rng.below(BOUNCES.len() as u64) as usize].replace("{r}", &r);
                let dsn = &reply[4..9];
                writeln!(out, "{ts} mail postfix/smtp[{pid}]: {qid}: to=<{r}>, relay={relay}, delay=1.2, delays=0.1/0/0.5/0.6, dsn={dsn}, status=bounced (host {} said: {reply} (in reply to RCPT TO command))", &relay[..relay.find(':').unwrap_or(relay.len())])
            } else {
                let reply = DEFERRALS[rng.below(DEFERRALS.len() as u64) as usize].replace("{r}", &r);
                let dsn = &reply[4..9];
                writeln!(out, "{ts} mail postfix/smtp[{pid}]: {qid}: to=<{r}>, relay={relay}, delay=3, delays=0.1/0/0.5/2.4, dsn={dsn}, status=deferred (host {} said: {reply} (in reply to RCPT TO command))", &relay[..relay.find(':').unwrap_or(relay.len())])
            };
            lines += 1;
        }
        let _ = writeln!(out, "{ts} mail postfix/qmgr[99]: {qid}: removed");
        let _ = writeln!(out, "{ts} mail postfix/smtpd[{pid}]: disconnect from app.internal[10.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
        let _ = writeln!(out, "{ts} mail postfix/smtp[{pid}]: Trusted TLS connection established to mx.example.com[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
        lines += 3;
    }
    out
}

/// CPU seconds (user + system) this process used so far, from `/proc/self/stat` (Linux;
/// clock ticks of 1/100 s). Reported beside wall time because a shared machine's load
/// stretches wall time but not CPU time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = after.split(' ').collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let n: usize = std::env::var("BOUNCEKIT_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let log = generate(n);
    if let Ok(path) = std::env::var("BOUNCEKIT_BENCH_WRITE") {
        std::fs::write(&path, &log).expect("bench log written");
        eprintln!("wrote {} lines ({:.1} MB) to {path}", log.lines().count(), log.len() as f64 / 1e6);
        return;
    }
    let options = || LogOptions { mta: Some(Mta::Postfix), reference_time: Some(1_736_899_200), ..LogOptions::named("bench.log") };
    // Warm up: builds the classifier's automaton.
    for r in LogReader::new(&log.as_bytes()[..log.len().min(1 << 20)], options()) {
        black_box(r.ok());
    }
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let mut reader = LogReader::new(log.as_bytes(), options());
    let mut records = 0u64;
    for r in reader.by_ref() {
        black_box(r.ok());
        records += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(cpu_seconds()).map(|(a, b)| b - a).filter(|c| *c > 0.0);
    let stats = reader.stats();
    println!(
        "postfix log: {} lines ({:.1} MB, {records} records, {} malformed) in {secs:.3} s = {:.0} lines/s, {:.1} MB/s (1 thread)",
        stats.lines,
        log.len() as f64 / 1e6,
        stats.malformed,
        stats.lines as f64 / secs,
        log.len() as f64 / 1e6 / secs
    );
    if let Some(cpu) = cpu {
        println!("postfix log: {cpu:.2} CPU s = {:.0} lines per CPU second", stats.lines as f64 / cpu);
    }
}
