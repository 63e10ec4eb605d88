//! The bad-input catalogue: hostile, broken and absurd inputs fed to the real binary.
//!
//! Every case runs `bouncekit` as a child process with a time limit, and its peak
//! resident memory is measured (the `VmHWM` of `/proc/<pid>/status`, read until the child
//! exits). Beyond its own expectation, every case must:
//!
//! - not panic, hang or die of a signal: the exit status is 0, 1 or 2;
//! - end within its time limit and stay within its memory limit;
//! - say what went wrong naming the input, or produce sensible records.
//!
//! The cases run on two threads; the whole catalogue takes well under a minute. Run it
//! alone with `cargo test -p bouncekit --test it catalogue -- --nocapture` to see each
//! case's time and memory. The server-side cases (HTTP and SMTP: malformed and huge
//! bodies, slow clients) are the `serve_*` tests below.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Default time limit of a case (debug build, shared machine: generous).
const TIME: Duration = Duration::from_secs(30);
/// Default peak memory limit of a case, in KiB.
const RSS: u64 = 256 * 1024;

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!("bouncekit-catalogue-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        Scratch(d)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(&p, bytes).expect("write input");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What a finished child did.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    elapsed: Duration,
    peak_kib: u64,
}

impl Run {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// The records of `--format jsonl` output.
    fn records(&self) -> Vec<serde_json::Value> {
        self.out().lines().filter(|l| !l.trim().is_empty()).filter_map(|l| serde_json::from_str(l).ok()).collect()
    }
}

/// The peak resident set of a running process, in KiB.
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Waits for `child` at most `limit`, sampling its peak memory; kills it on timeout.
fn watch(mut child: Child, limit: Duration) -> (Option<std::process::ExitStatus>, Duration, u64) {
    let started = Instant::now();
    let mut peak = 0;
    loop {
        if let Some(p) = peak_kib(child.id()) {
            peak = peak.max(p);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            return (Some(status), started.elapsed(), peak);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (None, started.elapsed(), peak);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs the binary with `args` in `dir`, standard input from `stdin` (or nothing).
fn run(dir: &Path, args: &[OsString], stdin: Option<&Path>, limit: Duration) -> Result<Run, String> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    let (out_path, err_path) = (dir.join(format!(".out-{n}")), dir.join(format!(".err-{n}")));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bouncekit"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("BOUNCEKIT_DB")
        .env_remove("BOUNCEKIT_POLICY")
        .env("XDG_DATA_HOME", dir.join(".xdg"))
        .stdin(match stdin {
            Some(p) => Stdio::from(File::open(p).expect("stdin file")),
            None => Stdio::null(),
        })
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"));
    let child = cmd.spawn().expect("binary runs");
    let (status, elapsed, peak_kib) = watch(child, limit);
    let stdout = std::fs::read(&out_path).unwrap_or_default();
    let stderr = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    let Some(status) = status else {
        return Err(format!("still running after {limit:?} (killed)"));
    };
    Ok(Run { code: status.code(), stdout, stderr, elapsed, peak_kib })
}

type Check = Box<dyn Fn(&Run) -> Result<(), String> + Send + Sync>;

/// One catalogue entry.
struct Case {
    name: &'static str,
    args: Vec<OsString>,
    stdin: Option<PathBuf>,
    time: Duration,
    rss_kib: u64,
    check: Check,
}

fn case(name: &'static str, args: &[&dyn AsRef<std::ffi::OsStr>], check: Check) -> Case {
    Case { name, args: args.iter().map(|a| a.as_ref().to_os_string()).collect(), stdin: None, time: TIME, rss_kib: RSS, check }
}

impl Case {
    fn stdin(mut self, p: PathBuf) -> Self {
        self.stdin = Some(p);
        self
    }
    fn limits(mut self, time: Duration, rss_mib: u64) -> Self {
        self.time = time;
        self.rss_kib = rss_mib * 1024;
        self
    }
}

// ---- expectations ----------------------------------------------------------------

/// Exit status `code`, and standard error naming `input` and saying `problem`.
fn fails(code: i32, input: &str, problem: &'static str) -> Check {
    let input = input.to_string();
    Box::new(move |r| {
        if r.code != Some(code) {
            return Err(format!("exit {:?}, expected {code}", r.code));
        }
        let line = r.stderr.lines().find(|l| l.contains(&input) && l.to_lowercase().contains(&problem.to_lowercase()));
        match line {
            Some(_) => Ok(()),
            None => Err(format!("no stderr line names `{input}` with `{problem}`")),
        }
    })
}

/// Exit status `code` and a line on standard error saying `problem`.
fn says(code: i32, problem: &'static str) -> Check {
    Box::new(move |r| {
        if r.code != Some(code) {
            return Err(format!("exit {:?}, expected {code}", r.code));
        }
        if !r.stderr.to_lowercase().contains(&problem.to_lowercase()) {
            return Err(format!("stderr does not say `{problem}`"));
        }
        Ok(())
    })
}

/// Between `min` and `max` JSON records on standard output, each with a recipient, and
/// `check` on them.
fn records(min: usize, max: usize, check: impl Fn(&[serde_json::Value]) -> Result<(), String> + Send + Sync + 'static) -> Check {
    Box::new(move |r| {
        let recs = r.records();
        if recs.len() < min || recs.len() > max {
            return Err(format!("{} records, expected {min}..={max}", recs.len()));
        }
        if let Some(bad) = recs.iter().find(|v| !v["recipient"].is_string()) {
            return Err(format!("record without a recipient: {bad}"));
        }
        check(&recs)
    })
}

/// `classify --json` output: every line a JSON object, at least `min` lines, the first
/// with `reason`.
fn replies(min: usize, reason: &'static str) -> Check {
    Box::new(move |r| {
        if !matches!(r.code, Some(0 | 1)) {
            return Err(format!("exit {:?}", r.code));
        }
        let lines: Vec<serde_json::Value> = r.out().lines().map(|l| serde_json::from_str(l).map_err(|e| format!("{e}: {l:.200}"))).collect::<Result<_, _>>()?;
        if lines.len() < min {
            return Err(format!("{} lines, expected at least {min}", lines.len()));
        }
        match lines.first() {
            Some(first) if first["reason"] != reason => Err(format!("first reply: {}", first["reason"])),
            _ => Ok(()),
        }
    })
}

fn any(_: &[serde_json::Value]) -> Result<(), String> {
    Ok(())
}

/// Some record names `recipient`.
fn has(recipient: &'static str) -> impl Fn(&[serde_json::Value]) -> Result<(), String> + Send + Sync {
    move |recs| {
        if recs.iter().any(|v| v["recipient"] == recipient) {
            Ok(())
        } else {
            Err(format!("no record for {recipient}"))
        }
    }
}

/// Both checks.
fn and(a: Check, b: Check) -> Check {
    Box::new(move |r| a(r).and_then(|()| b(r)))
}

/// Exit status 0 or 1, whatever the output: the input is just survived.
fn survives() -> Check {
    Box::new(|r| if matches!(r.code, Some(0 | 1)) { Ok(()) } else { Err(format!("exit {:?}", r.code)) })
}

// ---- inputs --------------------------------------------------------------------------

/// A Postfix bounce for `rcpt`, LF line ends.
pub(crate) fn postfix(rcpt: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nTo: sender@shop.example.org\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <b-{rcpt}@mx.example.org>\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n<{rcpt}>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <{rcpt}>:\n    Recipient address rejected: User unknown (in reply to RCPT TO command)\n"
    )
}

/// An RFC 3464 report, with `head` extra header lines, for the recipients given.
fn dsn(head: &str, recipients: impl Iterator<Item = String>) -> String {
    let mut s = format!(
        "From: MAILER-DAEMON@mx.example.org\nTo: sender@shop.example.org\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n{head}Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nDelivery failed.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n"
    );
    for r in recipients {
        let _ = write!(s, "\nFinal-Recipient: rfc822; {r}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <{r}>: user unknown\n");
    }
    s.push_str("\n--B--\n");
    s
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..len).map(|_| rng.u8(..)).collect()
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 57 + 4);
    for (i, c) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push('\n');
        }
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                out.push(char::from(A[(n >> (18 - 6 * k)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut child = Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("gzip runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data).expect("gzip input"));
    let out = child.wait_with_output().expect("gzip output");
    writer.join().expect("writer");
    out.stdout
}

// ---- the catalogue ---------------------------------------------------------------------

fn catalogue(s: &Scratch) -> Vec<Case> {
    let mut c = Vec::new();
    let p = |name: &str, bytes: &[u8]| s.write(name, bytes);
    let j = "--format";
    let jl = "jsonl";

    // -- bounce mail: empty, binary, NUL --
    let f = p("empty.eml", b"");
    c.push(case("empty file", &[&"parse", &j, &jl, &f], fails(1, "empty.eml", "empty input")));
    let f = p("blank.eml", b" \n\n\t\r\n   \n");
    c.push(case("whitespace-only file", &[&"parse", &j, &jl, &f], fails(1, "blank.eml", "empty input")));
    let f = p("random.eml", &noise(64 * 1024, 1));
    c.push(case("64 KiB of random bytes", &[&"parse", &j, &jl, &f], fails(1, "random.eml", "not a bounce")));
    let f = p("zeros.eml", &vec![0u8; 1 << 20]);
    c.push(case("1 MiB of NUL bytes", &[&"parse", &j, &jl, &f], fails(1, "zeros.eml", "not a bounce")));
    let f = p("nul-inside.eml", postfix("alice@example.com").replace("This is", "This\0 is").replace("Recipient", "Rec\0ipient").as_bytes());
    c.push(case("NUL bytes inside a bounce", &[&"parse", &j, &jl, &f], records(1, 1, has("alice@example.com"))));
    let f = p("elf.eml", &[b"\x7fELF\x02\x01\x01\0".as_slice(), &noise(20_000, 2)].concat());
    c.push(case("an executable", &[&"parse", &j, &jl, &f], fails(1, "elf.eml", "not a bounce")));

    // -- truncated and broken MIME --
    let full = dsn("", ["bob@example.com".to_string()].into_iter());
    let f = p("truncated-half.eml", &full.as_bytes()[..full.len() / 2]);
    c.push(case("DSN truncated in its text part", &[&"parse", &j, &jl, &f], fails(1, "truncated-half.eml", "not a bounce")));
    let cut = full.find("Status: 5.1.1").expect("status line") + 4;
    let f = p("truncated-status.eml", &full.as_bytes()[..cut]);
    c.push(case("DSN truncated inside the status part", &[&"parse", &j, &jl, &f], records(1, 1, has("bob@example.com"))));
    let f = p("truncated-header.eml", &full.as_bytes()[..60]);
    c.push(case("message truncated in its header", &[&"parse", &j, &jl, &f], fails(1, "truncated-header.eml", "not a bounce")));
    let f = p("no-closing-boundary.eml", full.replace("\n--B--\n", "\n").as_bytes());
    c.push(case("multipart without its closing boundary", &[&"parse", &j, &jl, &f], records(1, 1, has("bob@example.com"))));
    let f = p("boundary-unused.eml", full.replace("boundary=\"B\"", "boundary=\"NEVER-USED\"").as_bytes());
    c.push(case("boundary declared but never used", &[&"parse", &j, &jl, &f], records(1, 1, has("bob@example.com"))));
    let f = p("no-boundary-param.eml", full.replace("; boundary=\"B\"", "").as_bytes());
    c.push(case("multipart without a boundary parameter", &[&"parse", &j, &jl, &f], records(1, 1, has("bob@example.com"))));
    let f = p("long-boundary.eml", full.replace("\"B\"", &format!("\"{}\"", "b".repeat(10_000))).replace("--B", &format!("--{}", "b".repeat(10_000))).as_bytes());
    c.push(case("a 10 000-character boundary", &[&"parse", &j, &jl, &f], records(1, 1, has("bob@example.com"))));
    let mut params = String::from("Content-Type: text/plain");
    for i in 0..10_000 {
        let _ = write!(params, ";\n p{i}=\"v{i}\"");
    }
    let f = p("many-params.eml", postfix("carol@example.com").replace("Content-Type: text/plain", &params).as_bytes());
    c.push(case("Content-Type with 10 000 parameters", &[&"parse", &j, &jl, &f], records(1, 1, has("carol@example.com"))));

    // -- nesting --
    let mut nested = String::from("From: MAILER-DAEMON@mx.example.org\nSubject: nested\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for i in 0..10_000 {
        let _ = write!(nested, "--b{i}\nContent-Type: multipart/mixed; boundary=\"b{}\"\n\n", i + 1);
    }
    nested.push_str("--b10000\nContent-Type: text/plain\n\n550 5.1.1 <deep@example.com> user unknown\n");
    for i in (0..=10_000).rev() {
        let _ = writeln!(nested, "--b{i}--");
    }
    let f = p("nested-multipart.eml", nested.as_bytes());
    c.push(case("10 000 nested multiparts", &[&"parse", &j, &jl, &f], fails(1, "nested-multipart.eml", "nesting")));
    let mut rfc822 = String::new();
    for _ in 0..10_000 {
        rfc822.push_str("From: a@example.org\nContent-Type: message/rfc822\n\n");
    }
    rfc822.push_str("Subject: innermost\n\nhello\n");
    let f = p("nested-rfc822.eml", rfc822.as_bytes());
    c.push(case("10 000 nested message/rfc822 parts", &[&"parse", &j, &jl, &f], fails(1, "nested-rfc822.eml", "not a bounce")));
    // Base64 inside base64 inside base64…: each layer decodes to the next; memory must
    // stay linear in the input (MIME has no compression, so no real bomb is possible).
    let mut layer = postfix("onion@example.com");
    for _ in 0..12 {
        layer = format!("From: MAILER-DAEMON@mx.example.org\nSubject: layer\nMIME-Version: 1.0\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{}\n", base64(layer.as_bytes()));
    }
    let f = p("base64-onion.eml", layer.as_bytes());
    c.push(case("message/rfc822 base64-encoded 12 layers deep", &[&"parse", &j, &jl, &f], fails(1, "base64-onion.eml", "encoding problem")));

    // -- sizes --
    let mut huge = String::with_capacity(50 << 20);
    huge.push_str("From: MAILER-DAEMON@mx.example.org\nSubject: ");
    huge.extend(std::iter::repeat_n('x', 50 << 20));
    huge.push('\n');
    huge.push_str(&postfix("dave@example.com").replace("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n", ""));
    let f = p("header-50mb.eml", huge.as_bytes());
    drop(huge);
    c.push(case("a 50 MB header line", &[&"parse", &j, &jl, &f], records(1, 1, has("dave@example.com"))).limits(Duration::from_secs(60), 512));
    let mut many = String::from("From: MAILER-DAEMON@mx.example.org\n");
    for i in 0..100_000 {
        let _ = writeln!(many, "X-Header-{i}: value {i}");
    }
    many.push_str(&postfix("erin@example.com").replace("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n", ""));
    let f = p("100k-headers.eml", many.as_bytes());
    c.push(case("100 000 header fields", &[&"parse", &j, &jl, &f], records(1, 1, has("erin@example.com"))));
    let mut folded = String::from("From: MAILER-DAEMON@mx.example.org\nX-Folded: start\n");
    for _ in 0..100_000 {
        folded.push_str("  continued\n");
    }
    folded.push_str(&postfix("fred@example.com").replace("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n", ""));
    let f = p("folded.eml", folded.as_bytes());
    c.push(case("one header folded over 100 000 lines", &[&"parse", &j, &jl, &f], records(1, 1, has("fred@example.com"))));
    let mut longline = postfix("gina@example.com");
    longline.push_str(&"y".repeat(20 << 20));
    let f = p("body-20mb-line.eml", longline.as_bytes());
    c.push(case("a 20 MB body line without a line end", &[&"parse", &j, &jl, &f], records(1, 1, has("gina@example.com"))).limits(TIME, 384));
    let big = noise(20 << 20, 3);
    let att = format!(
        "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"A\"\n\n--A\nContent-Type: text/plain\n\n{}\n--A\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n{}\n--A--\n",
        postfix("hank@example.com").split("\n\n").skip(1).collect::<Vec<_>>().join("\n\n"),
        base64(&big)
    );
    drop(big);
    let f = p("base64-20mb.eml", att.as_bytes());
    c.push(case("a base64 part decoding to 20 MB", &[&"parse", &j, &jl, &f], and(records(1, 1, has("hank@example.com")), says(1, "only its first 256 KiB"))).limits(TIME, 384));
    let f = p("dsn-100k.eml", dsn("", (0..100_000).map(|i| format!("user{i}@example.com"))).as_bytes());
    c.push(case(
        "a DSN naming 100 000 recipients",
        &[&"parse", &j, &jl, &f],
        and(records(1000, 100_000, |r| if r.iter().all(|v| v["status"] == "5.1.1") { Ok(()) } else { Err("a record lost its status".into()) }), says(1, "only its first 256 KiB")),
    ));
    let mut text = String::from("From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\nSubject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\nThis is the mail system at host mx.example.org.\n\n");
    for i in 0..100_000 {
        let _ = write!(text, "<u{i}@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1 user unknown (in reply to RCPT TO command)\n\n");
    }
    let f = p("postfix-100k.eml", text.as_bytes());
    c.push(case("a Postfix bounce naming 100 000 recipients", &[&"parse", &j, &jl, &f], and(records(1000, 100_000, has("u0@example.com")), says(1, "only its first 256 KiB"))));
    let mut fields = dsn("", ["ivy@example.com".to_string()].into_iter());
    let extra: String = (0..10_000).map(|i| format!("X-Field-{i}: {i}\n")).collect();
    fields = fields.replacen("Reporting-MTA: dns; mx.example.org\n", &format!("Reporting-MTA: dns; mx.example.org\n{extra}"), 1);
    let f = p("dsn-10k-fields.eml", fields.as_bytes());
    c.push(case("a status block with 10 000 fields", &[&"parse", &j, &jl, &f], records(1, 1, has("ivy@example.com"))));

    // -- charsets and line ends --
    let latin1: Vec<u8> = postfix("jo@example.com").replace("This is the mail system", "Ceci est le syst\u{e8}me").bytes().map(|b| if b == 0xc3 { 0xe8 } else { b }).collect();
    let f = p("invalid-utf8.eml", &[latin1.as_slice(), b"\xff\xfe\xc0\x80 trailing \xed\xa0\x80\n"].concat());
    c.push(case("invalid UTF-8 in a bounce", &[&"parse", &j, &jl, &f], records(1, 1, has("jo@example.com"))));
    let f = p("unknown-charset.eml", dsn("", ["kim@example.com".to_string()].into_iter()).replace("Content-Type: text/plain", "Content-Type: text/plain; charset=\"x-no-such-charset-42\"").as_bytes());
    c.push(case("an unknown charset", &[&"parse", &j, &jl, &f], records(1, 1, has("kim@example.com"))));
    let f = p("utf7-subject.eml", postfix("lee@example.com").replace("Subject: Undelivered Mail Returned to Sender", "Subject: =?utf-7?Q?+AGEAYgBj-?= =?x-bogus?B?!!!?= =?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=").as_bytes());
    c.push(case("encoded words in odd and bogus charsets", &[&"parse", &j, &jl, &f], records(1, 1, has("lee@example.com"))));
    let mut utf16 = vec![0xff, 0xfe];
    for u in postfix("max@example.com").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let f = p("utf16.eml", &utf16);
    c.push(case("a bounce saved as UTF-16", &[&"parse", &j, &jl, &f], fails(1, "utf16.eml", "not a bounce")));
    let f = p("bom.eml", format!("\u{feff}{}", postfix("ned@example.com")).as_bytes());
    c.push(case("a UTF-8 byte order mark", &[&"parse", &j, &jl, &f], records(1, 1, has("ned@example.com"))));
    let f = p("cr-only.eml", postfix("ola@example.com").replace('\n', "\r").as_bytes());
    c.push(case("CR-only line ends", &[&"parse", &j, &jl, &f], records(1, 1, has("ola@example.com"))));
    let mixed: String = postfix("pam@example.com").split('\n').enumerate().map(|(i, l)| format!("{l}{}", ["\n", "\r\n", "\r"][i % 3])).collect();
    let f = p("mixed-eol.eml", mixed.as_bytes());
    c.push(case("mixed line ends", &[&"parse", &j, &jl, &f], records(1, 1, has("pam@example.com"))));
    let f = p("bad-base64.eml", dsn("", ["quinn@example.com".to_string()].into_iter()).replace("Content-Type: text/plain\n\nDelivery failed.", "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!*** not base64 ***\u{0}=").as_bytes());
    c.push(case("invalid base64", &[&"parse", &j, &jl, &f], records(1, 1, has("quinn@example.com"))));
    let f = p("bad-qp.eml", dsn("", ["rae@example.com".to_string()].into_iter()).replace("Content-Type: text/plain\n\nDelivery failed.", "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=0=1=\n=").as_bytes());
    c.push(case("invalid quoted-printable", &[&"parse", &j, &jl, &f], records(1, 1, has("rae@example.com"))));

    // -- mbox --
    let f = p("mbox-without-from.mbox", format!("{}\n{}", postfix("sam@example.com"), postfix("tia@example.com")).as_bytes());
    c.push(case("an mbox without From_ lines", &[&"parse", &j, &jl, &f], records(1, 2, has("sam@example.com"))));
    let mut mbox = String::new();
    for i in 0..10_000 {
        let _ = write!(mbox, "From MAILER-DAEMON Thu Nov 14 22:13:20 2024\n{}\n", postfix(&format!("m{i}@example.com")));
    }
    let f = p("10k.mbox", mbox.as_bytes());
    c.push(case("an mbox of 10 000 bounces", &[&"parse", &j, &jl, &f], records(10_000, 10_000, has("m9999@example.com"))).limits(Duration::from_secs(45), RSS / 1024));
    let f = p("from-lines.mbox", "From x\n".repeat(100_000).as_bytes());
    c.push(case("an mbox of 100 000 From_ lines only", &[&"parse", &j, &jl, &f], and(survives(), records(0, 0, any))));
    let mut endless = b"From MAILER-DAEMON Thu Nov 14 22:13:20 2024\n".to_vec();
    endless.extend_from_slice(postfix("ulla@example.com").as_bytes());
    endless.extend(std::iter::repeat_n(b'x', 200 << 20));
    let f = p("endless-line.mbox", &endless);
    drop(endless);
    c.push(case("an mbox message with a 200 MB line", &[&"parse", &j, &jl, &f], records(1, 1, has("ulla@example.com"))).limits(Duration::from_secs(45), 384));
    let f = s.path("sparse-1g.eml");
    File::create(&f).and_then(|file| file.set_len(1 << 30)).expect("sparse file");
    c.push(case("a 1 GB file of NUL bytes (sparse)", &[&"parse", &j, &jl, &f], fails(1, "sparse-1g.eml", "larger than 64 MiB")));
    let f = p("escaped.mbox", format!("From MAILER-DAEMON Thu Nov 14 22:13:20 2024\n{}>From the body, escaped\n>>From twice\n", postfix("uma@example.com")).as_bytes());
    c.push(case("an mbox with >From escapes", &[&"parse", &j, &jl, &f], records(1, 1, has("uma@example.com"))));

    // -- paths, directories, stdin --
    let f = s.path("does-not-exist.eml");
    c.push(case("a path that does not exist", &[&"parse", &j, &jl, &f], fails(1, "does-not-exist.eml", "cannot open")));
    let d = s.path("empty-dir");
    std::fs::create_dir_all(&d).expect("dir");
    c.push(case("an empty directory", &[&"parse", &j, &jl, &d], and(says(0, ""), records(0, 0, any))));
    let d = s.path("with-fifo");
    std::fs::create_dir_all(&d).expect("dir");
    s.write("with-fifo/a.eml", postfix("vic@example.com").as_bytes());
    let mkfifo = Command::new("mkfifo").arg(d.join("pipe.eml")).status().expect("mkfifo runs");
    assert!(mkfifo.success(), "mkfifo");
    c.push(case("a directory holding a named pipe", &[&"parse", &j, &jl, &d], records(1, 1, has("vic@example.com"))).limits(Duration::from_secs(15), RSS / 1024));
    let d = s.path("loop");
    std::fs::create_dir_all(&d).expect("dir");
    s.write("loop/a.eml", postfix("wes@example.com").as_bytes());
    std::os::unix::fs::symlink(&d, d.join("again")).expect("symlink");
    std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling.eml")).expect("symlink");
    c.push(case("a directory with a symlink loop and a dangling link", &[&"parse", &j, &jl, &d], records(1, 1, has("wes@example.com"))));
    let d = s.path("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(d.join(sub)).expect("maildir");
    }
    s.write("Maildir/new/1.host", postfix("xia@example.com").as_bytes());
    s.write("Maildir/tmp/2.host", &postfix("half@example.com").as_bytes()[..40]);
    c.push(case("a Maildir with a message still being written in tmp/", &[&"parse", &j, &jl, &d], records(1, 1, has("xia@example.com"))));
    let f = p("stdin.bin", &noise(100_000, 4));
    c.push(case("binary on standard input", &[&"parse", &j, &jl, &"-"], fails(1, "-", "not a bounce")).stdin(f));
    let f = p("stdin.eml", postfix("yan@example.com").as_bytes());
    c.push(case("a bounce on standard input", &[&"parse", &j, &jl, &"-"], records(1, 1, has("yan@example.com"))).stdin(f));

    // -- SMTP replies --
    let f = p("reply-1mb.txt", format!("550 5.1.1 <zed@example.com> {}\n", "user unknown ".repeat(80_000)).as_bytes());
    c.push(case("a 1 MB reply line (cut at 64 KiB)", &[&"classify", &"--json"], replies(1, "userunknown")).stdin(f));
    let f = p("replies-invalid.txt", &[b"550 5.1.1 \xff\xfe user unknown \xc0\n".as_slice(), &noise(10_000, 5)].concat());
    c.push(case("invalid UTF-8 replies", &[&"classify", &"--json"], replies(1, "userunknown")).stdin(f));
    let f = p("replies-100k.txt", "452 4.2.2 Mailbox full\n550 5.7.1 blocked using zen.spamhaus.org\n".repeat(50_000).as_bytes());
    c.push(case("100 000 reply lines", &[&"classify", &"--json"], Box::new(|r| {
        let n = r.out().lines().count();
        if r.code == Some(0) && n == 100_000 { Ok(()) } else { Err(format!("exit {:?}, {n} lines", r.code)) }
    })).stdin(f));
    let f = p("replies-nul.txt", b"550\0 5.1.1\0 user\0unknown\n\0\0\0\n");
    c.push(case("NUL bytes in replies", &[&"classify", &"--json"], replies(2, "userunknown")).stdin(f));
    let f = p("replies-empty.txt", b"");
    c.push(case("no replies at all", &[&"classify", &"--json"], Box::new(|r| if r.code == Some(0) && r.stdout.is_empty() { Ok(()) } else { Err(format!("exit {:?}", r.code)) })).stdin(f));
    c.push(case("explain: garbage code", &[&"explain", &"9.9.9.9"], says(2, "is not an SMTP code")));
    // 128 KiB is the most one argument may hold (MAX_ARG_STRLEN).
    let long = "5.".repeat(60_000);
    c.push(case("explain: a 120 KB argument", &[&"explain", &long], says(2, "is not an SMTP code")));

    // -- MTA logs --
    let postfix_line = "Nov 29 02:05:03 mail postfix/smtp[13]: 3F2A81234: to=<bad@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n";
    let f = p("garbage.log", &noise(200_000, 6));
    c.push(case("a log of random bytes", &[&"logs", &j, &jl, &f], fails(1, "garbage.log", "")));
    let f = p("empty.log", b"");
    c.push(case("an empty log", &[&"logs", &j, &jl, &f], and(says(0, ""), records(0, 0, any))));
    let f = p("longline.log", format!("{postfix_line}Nov 29 02:05:04 mail postfix/smtp[13]: 3F2A81235: to=<{}@example.com>, status=bounced\n{postfix_line}", "x".repeat(2 << 20)).as_bytes());
    c.push(case("a 2 MB log line", &[&"logs", &j, &jl, &"--mta", &"postfix", &f], and(fails(1, "longline.log", "longer than 1 MiB"), records(2, 2, has("bad@example.com")))));
    let f = p("invalid-utf8.log", &[postfix_line.replace("User unknown", "Benutzer unbekannt \u{fc}").replace('\u{fc}', "\u{1}").as_bytes(), b"Nov 29 02:05:05 mail postfix/smtp[13]: 3F2A81236: to=<\xff\xfe@example.com>, dsn=5.1.1, status=bounced (\xc0\xc1)\n"].concat());
    c.push(case("invalid UTF-8 in a log", &[&"logs", &j, &jl, &"--mta", &"postfix", &f], records(1, 2, has("bad@example.com"))));
    let f = p("deep.jsonl", format!("{}{}\n{}", "[".repeat(100_000), "]".repeat(100_000), r#"{"type":"Bounce","recipient":"kumo@example.com","sender":"s@example.org","response":{"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},"content":"user unknown"},"timestamp":1700000000}"#).as_bytes());
    c.push(case("KumoMTA JSON nested 100 000 deep", &[&"logs", &j, &jl, &"--mta", &"kumomta", &f], records(1, 1, has("kumo@example.com"))));
    let mut csv = String::from("type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta");
    for i in 0..10_000 {
        let _ = write!(csv, ",extra{i}");
    }
    csv.push_str("\nb,2024-11-29 02:05:03-0500,2024-11-29 02:05:01-0500,a@example.org,pmta@example.com,,failed,5.1.1,smtp;550 5.1.1 user unknown,mx.example.com\n");
    let f = p("wide.csv", csv.as_bytes());
    c.push(case("PowerMTA CSV with 10 000 columns", &[&"logs", &j, &jl, &"--mta", &"powermta", &f], records(1, 1, has("pmta@example.com"))));
    let rcpts: Vec<String> = (0..100_000).map(|i| format!("<r{i}@example.com>")).collect();
    let f = p("sendmail-100k.log", format!("Nov 29 02:05:03 mail sm-mta[12]: 4ATB53xx001234: to={}, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown\n", rcpts.join(",")).as_bytes());
    c.push(case("a Sendmail line naming 100 000 recipients (2 MB)", &[&"logs", &j, &jl, &"--mta", &"sendmail", &f], fails(1, "sendmail-100k.log", "longer than 1 MiB")));
    let f = p("sendmail-40k.log", format!("Nov 29 02:05:03 mail sm-mta[12]: 4ATB53xx001234: to={}, delay=00:00:01, mailer=esmtp, pri=1, relay=mx.example.com. [192.0.2.1], dsn=5.1.1, stat=User unknown\n", rcpts[..40_000].join(",")).as_bytes());
    c.push(case("a Sendmail line naming 40 000 recipients", &[&"logs", &j, &jl, &"--mta", &"sendmail", &f], records(1000, 1000, any)));
    let bomb = gzip(&vec![b'x'; 512 << 20]);
    let f = p("bomb.log.gz", &bomb);
    c.push(case("a gzip bomb: 512 MiB of one line in 500 KB", &[&"logs", &j, &jl, &"--mta", &"postfix", &f], fails(1, "bomb.log.gz", "longer than 1 MiB")).limits(Duration::from_secs(60), RSS / 1024));
    let good = gzip(postfix_line.repeat(100).as_bytes());
    let f = p("truncated.log.gz", &good[..good.len() / 2]);
    c.push(case("a truncated gzip log", &[&"logs", &j, &jl, &"--mta", &"postfix", &f], fails(1, "truncated.log.gz", "")));

    // -- the store --
    let db = s.path("store.db");
    let dbs = db.to_str().expect("utf-8");
    let f = p("ingest-garbage.bin", &noise(50_000, 7));
    c.push(case("ingest: a binary file", &[&"--db", &dbs, &"ingest", &"--no-progress", &f], fails(1, "ingest-garbage.bin", "not a bounce")));
    let f = p("not-a-db.db", &noise(10_000, 8));
    c.push(case("--db: a file that is not a database", &[&"--db", &f, &"suppressions", &"list"], fails(2, "not-a-db.db", "not a database")));
    let d = s.path("a-directory.db");
    std::fs::create_dir_all(&d).expect("dir");
    c.push(case("--db: a directory", &[&"--db", &d, &"suppressions", &"list"], fails(2, "a-directory.db", "unable to open")));
    let f = p("policy.toml", b"[reasons.userunknown\naction = \"explode\"\n\xff");
    c.push(case("--policy: broken TOML", &[&"--db", &dbs, &"--policy", &f, &"suppressions", &"list"], fails(2, "policy.toml", "")));
    let f = p("policy2.toml", b"[reason.nosuchreason]\naction = \"suppress\"\n");
    c.push(case("--policy: an unknown reason", &[&"--db", &dbs, &"--policy", &f, &"suppressions", &"list"], fails(2, "policy2.toml", "")));
    let f = p("import.bin", &noise(30_000, 9));
    c.push(case("import: a binary file", &[&"--db", &dbs, &"suppressions", &"import", &"--from", &"csv", &f], fails(2, "import.bin", "invalid utf-8")));
    let mut rows = String::from("address,reason\n");
    for i in 0..100_000 {
        if i % 1000 == 7 {
            rows.push_str("not an address,userunknown\n");
        } else {
            let _ = writeln!(rows, "imp{i}@example.com,userunknown");
        }
    }
    let f = p("import-100k.csv", rows.as_bytes());
    c.push(case("import: 100 000 rows, 100 of them bad", &[&"--db", &dbs, &"suppressions", &"import", &"--from", &"csv", &f], says(1, "row 9")).limits(Duration::from_secs(60), RSS / 1024));
    let f = p("import-deep.json", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes());
    c.push(case("import: JSON nested 100 000 deep", &[&"--db", &dbs, &"suppressions", &"import", &"--from", &"json", &f], fails(2, "import-deep.json", "recursion limit")));
    let mut addrs = String::new();
    for i in 0..100_000 {
        let _ = writeln!(addrs, "{}", if i % 97 == 0 { "\u{0}garbage\u{7f}".to_string() } else { format!("chk{i}@example.com") });
    }
    let f = p("check-100k.txt", addrs.as_bytes());
    c.push(case("check: 100 000 addresses, some garbage", &[&"--db", &dbs, &"suppressions", &"check", &"--file", &f, &j, &"csv"], Box::new(|r| {
        let out = r.out();
        let invalid = out.lines().filter(|l| l.contains(",invalid,")).count();
        if r.code == Some(1) && out.lines().count() == 100_001 && invalid == 1031 { Ok(()) } else { Err(format!("exit {:?}, {} lines, {invalid} invalid", r.code, out.lines().count())) }
    })).limits(Duration::from_secs(45), RSS / 1024));
    c.push(case("add: not an address", &[&"--db", &dbs, &"suppressions", &"add", &"no at sign \u{1} here"], says(2, "")));
    c
}

/// Runs every case on two threads and reports all failures together.
#[test]
fn the_bad_input_catalogue() {
    let s = Scratch::new("cases");
    let cases = catalogue(&s);
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let report = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(c) = cases.get(i) else { break };
                    let result = run(&s.0, &c.args, c.stdin.as_deref(), c.time).and_then(|r| {
                        report.lock().expect("lock").push(format!("{:>7.2} s {:>7} KiB  {}", r.elapsed.as_secs_f64(), r.peak_kib, c.name));
                        if r.stderr.contains("panicked") {
                            return Err(format!("panicked: {}", r.stderr));
                        }
                        if !matches!(r.code, Some(0..=2)) {
                            return Err(format!("exit {:?}", r.code));
                        }
                        if r.peak_kib > c.rss_kib {
                            return Err(format!("peak RSS {} KiB over the limit of {} KiB", r.peak_kib, c.rss_kib));
                        }
                        (c.check)(&r).map_err(|e| format!("{e}\n  stderr: {}", r.stderr.chars().take(600).collect::<String>()))
                    });
                    if let Err(e) = result {
                        failures.lock().expect("lock").push(format!("{}: {e}", c.name));
                    }
                }
            });
        }
    });
    let mut report = report.into_inner().expect("lock");
    report.sort();
    eprintln!("{} cases in {:.1} s:\n{}", cases.len(), started.elapsed().as_secs_f64(), report.join("\n"));
    let failures = failures.into_inner().expect("lock");
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

// ---- the server: HTTP and SMTP -----------------------------------------------------------

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A `bouncekit serve` with an SMTP listener, small limits and a 2 s request timeout;
/// stopped with SIGTERM on drop.
struct Served {
    child: Child,
    http: u16,
    smtp: u16,
    log: PathBuf,
    _dir: Scratch,
}

const POSTMARK_USER: &str = "hooks";
const POSTMARK_PASSWORD: &str = "postmark-secret-1234";

impl Served {
    fn start(name: &str) -> Self {
        let dir = Scratch::new(name);
        let (http, smtp) = (free_port(), free_port());
        let config = dir.write(
            "serve.toml",
            format!(
                "[limits]\nmax_body = 1048576\nrequest_timeout = 2\nmax_check = 1000\nmax_message = 2097152\n\n[bounce]\ndomains = [\"bounce.example.net\"]\n\n[webhooks]\nmax_body = 262144\n\n[webhooks.postmark]\nuser = \"{POSTMARK_USER}\"\npassword = \"{POSTMARK_PASSWORD}\"\n"
            )
            .as_bytes(),
        );
        let log = dir.path("serve.log");
        let child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
            .args(["--db", dir.path("serve.db").to_str().expect("utf-8"), "serve", "--config", config.to_str().expect("utf-8")])
            .args(["--listen", &format!("127.0.0.1:{http}"), "--smtp", &format!("127.0.0.1:{smtp}"), "--cleanup-every", "0", "--threads", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log"))
            .spawn()
            .expect("server starts");
        let s = Served { child, http, smtp, log, _dir: dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        while http_request(s.http, "GET", "/readyz", &[], b"").map(|r| r.0) != Some(200) {
            assert!(Instant::now() < deadline, "the server did not start: {}", std::fs::read_to_string(&s.log).unwrap_or_default());
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }

    fn peak_kib(&self) -> u64 {
        peak_kib(self.child.id()).unwrap_or(0)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection: (status, body).
fn http_request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        let _ = write!(head, "{k}: {v}\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).ok()?;
    // The server may answer (413) before the whole body is sent, and close.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((status, body))
}

/// A problem+json answer with `status` whose detail says `words`.
fn problem(r: Option<(u16, String)>, status: u16, words: &str) -> Result<(), String> {
    let Some((got, body)) = r else { return Err("no answer".into()) };
    if got != status {
        return Err(format!("status {got}, expected {status}: {body}"));
    }
    if !body.to_lowercase().contains(&words.to_lowercase()) {
        return Err(format!("the answer does not say `{words}`: {body}"));
    }
    Ok(())
}

/// The HTTP half of the catalogue: malformed, huge and deeply nested bodies, invalid
/// UTF-8, oversized messages and webhooks; each answer is a problem document, fast.
#[test]
fn serve_http_bad_inputs() {
    let s = Served::start("http");
    let json = [("content-type", "application/json")];
    let postmark = [("content-type", "application/json"), ("authorization", "Basic aG9va3M6cG9zdG1hcmstc2VjcmV0LTEyMzQ=")];
    let mut big_check = String::from("{\"addresses\":[");
    for i in 0..5000 {
        let _ = write!(big_check, "{}\"a{i}@example.com\"", if i > 0 { "," } else { "" });
    }
    big_check.push_str("]}");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(&str, Result<(), String>)> = vec![
        ("malformed JSON to check", problem(http_request(s.http, "POST", "/v1/suppressions/check", &json, b"{\"addresses\": [\"a@example.com\""), 400, "")),
        ("JSON of the wrong shape", problem(http_request(s.http, "POST", "/v1/suppressions/check", &json, b"{\"addresses\": 42}"), 400, "expected a sequence")),
        ("more addresses than max_check", problem(http_request(s.http, "POST", "/v1/suppressions/check", &json, big_check.as_bytes()), 413, "")),
        ("JSON nested 100 000 deep", problem(http_request(s.http, "POST", "/v1/classify", &json, deep.as_bytes()), 400, "")),
        ("a body over max_body", problem(http_request(s.http, "POST", "/v1/messages", &[("content-type", "message/rfc822")], &vec![b'x'; 2 << 20]), 413, "size limit")),
        ("invalid UTF-8 in JSON", problem(http_request(s.http, "POST", "/v1/suppressions/check", &json, b"{\"addresses\":[\"\xff\xfe@example.com\"]}"), 400, "")),
        ("a binary message", Ok(()).and_then(|()| {
            let r = http_request(s.http, "POST", "/v1/messages", &[("content-type", "message/rfc822")], &noise(100_000, 10)).ok_or("no answer")?;
            if r.0 == 200 || r.0 == 422 { Ok(()) } else { Err(format!("status {}: {}", r.0, r.1)) }
        })),
        ("malformed webhook JSON", problem(http_request(s.http, "POST", "/v1/webhooks/postmark", &postmark, b"{\"RecordType\": \"Bounce\", "), 400, "")),
        ("a webhook body over its limit", problem(http_request(s.http, "POST", "/v1/webhooks/postmark", &postmark, &vec![b' '; 300_000]), 413, "")),
        ("a huge webhook JSON array", Ok(()).and_then(|()| {
            let body = format!("[{}]", vec!["{\"RecordType\":\"Open\"}"; 10_000].join(","));
            let r = http_request(s.http, "POST", "/v1/webhooks/postmark", &postmark, body.as_bytes()).ok_or("no answer")?;
            if r.0 == 200 { Ok(()) } else { Err(format!("status {}: {}", r.0, r.1)) }
        })),
        ("an unconfigured webhook", problem(http_request(s.http, "POST", "/v1/webhooks/sendgrid", &json, b"[]"), 404, "")),
    ];
    let failures: Vec<String> = cases.into_iter().filter_map(|(name, r)| r.err().map(|e| format!("{name}: {e}"))).collect();
    let peak = s.peak_kib();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(peak < 512 * 1024, "server peak RSS {peak} KiB");
    assert_eq!(http_request(s.http, "GET", "/healthz", &[], b"").map(|r| r.0), Some(200), "still serving");
}

/// Slowloris on HTTP: 50 connections that send nothing or their headers a byte at a
/// time are closed after the 2 s request timeout, and other clients are served
/// meanwhile. (Before, such connections stayed open for ever.)
#[test]
fn serve_http_slow_clients_are_cut_off_and_others_served() {
    let s = Served::start("slowloris-http");
    let mut slow: Vec<TcpStream> = Vec::new();
    for i in 0..50 {
        let mut c = TcpStream::connect(("127.0.0.1", s.http)).expect("connect");
        if i % 2 == 0 {
            c.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc").expect("partial header");
        }
        c.set_read_timeout(Some(Duration::from_millis(200))).expect("timeout");
        slow.push(c);
    }
    let started = Instant::now();
    let mut open = slow.len();
    let mut served = 0;
    while open > 0 && started.elapsed() < Duration::from_secs(10) {
        assert_eq!(http_request(s.http, "GET", "/healthz", &[], b"").map(|r| r.0), Some(200), "others are served");
        served += 1;
        open = 0;
        for c in &mut slow {
            let _ = c.write_all(b"a");
            let mut b = [0u8; 64];
            match c.read(&mut b) {
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => open += 1,
                // Closed (EOF or reset), or an answer (a 408) before closing.
                _ => {}
            }
        }
    }
    assert_eq!(open, 0, "{open} slow connections still open after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(8), "cut off after {:?}", started.elapsed());
    assert!(served > 0);
}

/// Reads one SMTP reply (all its lines) from a raw socket.
pub(crate) fn smtp_read(c: &mut TcpStream) -> String {
    let mut all = String::new();
    let mut b = [0u8; 4096];
    loop {
        match c.read(&mut b) {
            Ok(0) => return all,
            Ok(n) => {
                all.push_str(&String::from_utf8_lossy(&b[..n]));
                let last = all.trim_end_matches("\r\n").rsplit("\r\n").next().unwrap_or("");
                if all.ends_with("\r\n") && last.len() >= 4 && last.as_bytes()[3] == b' ' {
                    return all;
                }
            }
            Err(_) => return all,
        }
    }
}

/// Sends `line` and reads the reply.
pub(crate) fn smtp(c: &mut TcpStream, line: &[u8]) -> String {
    // A server that closed (421, or killed) answers nothing.
    if c.write_all(line).is_err() {
        return String::new();
    }
    smtp_read(c)
}

/// The SMTP half: a 10 MB line without a line end, a message over the limit, too many
/// recipients, binary garbage; and 20 slow clients do not keep a real MTA out.
#[test]
fn serve_smtp_bad_inputs_and_slow_clients() {
    let s = Served::start("smtp");
    let connect = || {
        let mut c = TcpStream::connect(("127.0.0.1", s.smtp)).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
        let greeting = smtp_read(&mut c);
        assert!(greeting.starts_with("220 "), "{greeting}");
        c
    };
    // Slow clients: connected, trickling, never finishing a line.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut c = connect();
        c.write_all(b"EHLO sl").expect("write");
        slow.push(c);
    }
    let mut failures = Vec::new();
    let mut c = connect();
    let long = [b"EHLO ".as_slice(), &vec![b'a'; 10 << 20]].concat();
    let _ = c.write_all(&long);
    let r = smtp(&mut c, b"\r\n");
    if !r.contains("500 5.5.6") {
        failures.push(format!("10 MB line: {r:?}"));
    }
    let mut c = connect();
    smtp(&mut c, b"EHLO mx.example.org\r\n");
    let r = smtp(&mut c, b"MAIL FROM:<> SIZE=999999999\r\n");
    if !r.starts_with("552") {
        failures.push(format!("declared size over the limit: {r:?}"));
    }
    smtp(&mut c, b"MAIL FROM:<>\r\n");
    let mut last = String::new();
    for i in 0..150 {
        last = smtp(&mut c, format!("RCPT TO:<bounces+u{i}=example.com@bounce.example.net>\r\n").as_bytes());
    }
    if !last.starts_with("452") {
        failures.push(format!("150 recipients: {last:?}"));
    }
    smtp(&mut c, b"DATA\r\n");
    c.write_all(&vec![b'z'; 3 << 20]).expect("body");
    let r = smtp(&mut c, b"\r\n.\r\n");
    if !r.starts_with("552") {
        failures.push(format!("message over the limit: {r:?}"));
    }
    let mut c = connect();
    let r = smtp(&mut c, &noise(20_000, 11));
    if !(r.contains("500") || r.contains("421") || r.is_empty()) {
        failures.push(format!("binary garbage: {r:?}"));
    }
    // A real MTA is served while the slow clients hang on.
    let mut c = connect();
    smtp(&mut c, b"EHLO mx.example.org\r\n");
    smtp(&mut c, b"MAIL FROM:<>\r\n");
    smtp(&mut c, b"RCPT TO:<bounces+alice=example.com@bounce.example.net>\r\n");
    smtp(&mut c, b"DATA\r\n");
    let message = postfix("alice@example.com").replace('\n', "\r\n");
    let r = smtp(&mut c, format!("{message}.\r\n").as_bytes());
    if !r.starts_with("250") {
        failures.push(format!("a real bounce next to 20 slow clients: {r:?}"));
    }
    for c in &mut slow {
        let _ = c.write_all(b"o");
    }
    let peak = s.peak_kib();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(peak < 512 * 1024, "server peak RSS {peak} KiB");
}
