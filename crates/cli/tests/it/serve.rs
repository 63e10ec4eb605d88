//! `bouncekit serve` with `[[logs]]` and `[[mailboxes]]` jobs: a real server process
//! follows a Postfix log the test writes (and rotates) and polls a real Dovecot; the
//! records are checked through the HTTP API and `/metrics`, and a restart ingests
//! nothing twice. Bad job entries stop the start with a message naming them. The `[dns]`
//! job checks current incidents against a real DNS server on loopback.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bouncekit_dns::testing::{Rr, ZoneServer};
use bouncekit_mailbox::testing::{Dovecot, PASSWORD};
use serde_json::Value;

/// How long a record may take from the log or the mailbox to the API: generous, the
/// test machine is shared.
const ARRIVAL: Duration = Duration::from_secs(60);

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-cli-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn bounce_line(qid: &str, rcpt: &str) -> String {
    format!(
        "Nov 29 02:05:02 mail postfix/smtp[13]: {qid}: to=<{rcpt}>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown (in reply to RCPT TO command))\n"
    )
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("log opens");
    f.write_all(text.as_bytes()).expect("log written");
}

/// An RFC 3464 report for one recipient.
fn dsn(rcpt: &str) -> Vec<u8> {
    report(rcpt, "5.1.1", &format!("550 5.1.1 <{rcpt}>: User unknown"))
}

/// An RFC 3464 report of a failure with `status` and `diagnostic` for one recipient.
fn report(rcpt: &str, status: &str, diagnostic: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.sender.example\r\nTo: bounces@sender.example\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\nMessage-ID: <dsn-{rcpt}@mx.sender.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nDelivery to {rcpt} failed.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.sender.example\r\n\r\nFinal-Recipient: rfc822; {rcpt}\r\nAction: failed\r\nStatus: {status}\r\nDiagnostic-Code: smtp; {diagnostic}\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

/// A `bouncekit serve` child; stopped with SIGTERM (and waited for) on drop.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(db: &Path, config: &Path, log: PathBuf) -> Self {
        Self::start_with(db, config, log, &[])
    }

    /// Starts the server with extra environment variables and waits until it is ready.
    fn start_with(db: &Path, config: &Path, log: PathBuf, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
            .envs(env.iter().copied())
            .args(["--db", db.to_str().expect("utf-8"), "serve", "--config", config.to_str().expect("utf-8")])
            .args(["--listen", &format!("127.0.0.1:{port}"), "--cleanup-every", "0", "--threads", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("server log"))
            .spawn()
            .expect("server starts");
        let s = Self { child, port, log };
        let deadline = Instant::now() + ARRIVAL;
        while get(s.port, "/readyz").map(|(status, _)| status) != Some(200) {
            assert!(Instant::now() < deadline, "the server did not get ready:\n{}", s.output());
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = get(self.port, path).unwrap_or_else(|| panic!("GET {path}:\n{}", self.output()));
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    fn metrics(&self) -> String {
        get(self.port, "/metrics").map(|(_, b)| b).unwrap_or_default()
    }

    /// Suppressed addresses, sorted.
    fn suppressed(&self) -> Vec<String> {
        let v = self.json("/v1/suppressions?limit=1000");
        let mut a: Vec<String> = v["items"].as_array().expect("items").iter().filter_map(|s| s["address"].as_str().map(str::to_string)).collect();
        a.sort();
        a
    }

    /// Waits until `addresses` are all suppressed.
    fn wait_for(&self, addresses: &[&str]) {
        let deadline = Instant::now() + ARRIVAL;
        loop {
            let got = self.suppressed();
            if addresses.iter().all(|a| got.iter().any(|g| g == a)) {
                return;
            }
            assert!(Instant::now() < deadline, "{addresses:?} not suppressed within {ARRIVAL:?}; have {got:?}\n{}", self.output());
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// SIGTERM and wait: a graceful stop.
    fn stop(mut self) -> String {
        // This test started the child: it ends it, by its id.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "the server exits cleanly on SIGTERM: {status}\n{}", self.output());
                break;
            }
            assert!(Instant::now() < deadline, "the server did not stop within 40 s:\n{}", self.output());
            std::thread::sleep(Duration::from_millis(100));
        }
        self.output()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// GET over HTTP/1.1 without a client library: status and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let chunked = head.lines().any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding: chunked"));
    Some((status, if chunked { dechunk(body) } else { body.to_string() }))
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The value of a metric line such as `name{labels} 3`.
fn metric(text: &str, name_and_labels: &str) -> Option<u64> {
    text.lines().find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
}

/// Events of a source (`log`, `mailbox`), newest first.
fn events(s: &Server, source: &str) -> Vec<Value> {
    s.json(&format!("/v1/events?source={source}&limit=1000"))["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn serve_follows_a_log_and_polls_a_mailbox_and_resumes_after_a_restart() {
    let dir = scratch("jobs");
    let d = Dovecot::start();
    for r in ["m1@mailbox.example", "m2@mailbox.example", "m3@mailbox.example"] {
        d.deliver("srv", &dsn(r));
    }
    let log = dir.join("mail.log");
    append(&log, &(bounce_line("AAA111", "l1@log.example") + &bounce_line("AAA111", "l2@log.example")));
    std::fs::create_dir_all(dir.join("state")).expect("state dir");
    std::fs::write(dir.join("password"), format!("{PASSWORD}\n")).expect("password file");
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "state_dir = \"{state}\"\n\n[[logs]]\npath = \"{log}\"\nmta = \"postfix\"\n\n[[mailboxes]]\nurl = \"imaps://srv@localhost:{port}/INBOX\"\npassword_file = \"{pw}\"\nca_file = \"{ca}\"\ninterval = 1\nafter = \"move:Processed\"\ntimeout = 20\n",
            state = dir.join("state").display(),
            log = log.display(),
            port = d.imaps,
            pw = dir.join("password").display(),
            ca = d.ca_pem.display(),
        ),
    )
    .expect("config");
    let db = dir.join("bouncekit.db");

    let server = Server::start(&db, &config, dir.join("serve-1.log"));
    server.wait_for(&["l1@log.example", "l2@log.example", "m1@mailbox.example", "m2@mailbox.example", "m3@mailbox.example"]);
    // The log grows, then rotates by rename: a late line in the old file and the first
    // line of the new one both arrive.
    append(&log, &bounce_line("AAA111", "l3@log.example"));
    server.wait_for(&["l3@log.example"]);
    std::fs::rename(&log, dir.join("mail.log.1")).expect("rotated");
    append(&dir.join("mail.log.1"), &bounce_line("AAA111", "l4@log.example"));
    append(&log, &bounce_line("BBB222", "l5@log.example"));
    server.wait_for(&["l4@log.example", "l5@log.example"]);

    // Through the API: events by source, with their origins.
    let from_log = events(&server, "log");
    assert_eq!(from_log.len(), 5, "{from_log:?}");
    assert!(from_log.iter().all(|e| e["record"]["origin"]["kind"] == "log" && e["format"] == "postfix-log"), "{from_log:?}");
    let from_mailbox = events(&server, "mailbox");
    assert_eq!(from_mailbox.len(), 3, "{from_mailbox:?}");
    assert!(from_mailbox.iter().all(|e| e["record"]["origin"]["name"].as_str().is_some_and(|n| n.starts_with("imaps://srv@localhost"))), "{from_mailbox:?}");
    // The messages were moved only after they were stored.
    assert!(d.files("srv", "").is_empty());
    assert_eq!(d.files("srv", "Processed").len(), 3);

    // /metrics: lines read, records, messages, no errors.
    let m = server.metrics();
    let log_name = std::path::absolute(&log).expect("absolute").display().to_string();
    let mailbox = format!("imaps://srv@localhost:{}/INBOX", d.imaps);
    assert_eq!(metric(&m, &format!("bouncekit_log_lines_total{{log=\"{log_name}\"}}")), Some(5), "{m}");
    assert_eq!(metric(&m, &format!("bouncekit_job_records_total{{job=\"logs\",name=\"{log_name}\"}}")), Some(5), "{m}");
    assert_eq!(metric(&m, &format!("bouncekit_mailbox_messages_total{{mailbox=\"{mailbox}\"}}")), Some(3), "{m}");
    assert_eq!(metric(&m, &format!("bouncekit_job_errors_total{{job=\"poll\",name=\"{mailbox}\"}}")), Some(0), "{m}");
    assert_eq!(metric(&m, &format!("bouncekit_job_errors_total{{job=\"logs\",name=\"{log_name}\"}}")), Some(0), "{m}");
    assert_eq!(metric(&m, "bouncekit_events_total{source=\"logs\",kind=\"hard\"}"), Some(5), "{m}");
    assert_eq!(metric(&m, "bouncekit_events_total{source=\"poll\",kind=\"hard\"}"), Some(3), "{m}");
    let out = server.stop();
    assert!(!out.contains(PASSWORD), "the password never reaches the log:\n{out}");

    // Restarted: the checkpoint and the mailbox state say everything was read. Nothing
    // is read again; only what is new arrives.
    d.deliver("srv", &dsn("m4@mailbox.example"));
    let server = Server::start(&db, &config, dir.join("serve-2.log"));
    server.wait_for(&["m4@mailbox.example"]);
    append(&log, &bounce_line("BBB222", "l6@log.example"));
    server.wait_for(&["l6@log.example"]);
    let m = server.metrics();
    assert_eq!(metric(&m, &format!("bouncekit_job_records_total{{job=\"logs\",name=\"{log_name}\"}}")), Some(1), "only the new line was read: {m}");
    assert_eq!(metric(&m, &format!("bouncekit_mailbox_messages_total{{mailbox=\"{mailbox}\"}}")), Some(1), "only the new message was fetched: {m}");
    assert_eq!(events(&server, "log").len(), 6);
    assert_eq!(events(&server, "mailbox").len(), 4);
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn serve_survives_an_unreachable_mailbox_and_counts_the_errors() {
    let dir = scratch("unreachable");
    // Nothing listens on this port: every poll fails, the server keeps serving.
    let port = free_port();
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        format!("state_dir = \"{}\"\n\n[[mailboxes]]\nurl = \"imap://nobody@127.0.0.1:{port}/INBOX\"\npassword_env = \"BOUNCEKIT_TEST_MAIL_PASSWORD\"\ninterval = 1\ntimeout = 2\n", dir.display()),
    )
    .expect("config");
    // The password variable is checked at start; it is given to the child only.
    let server = Server::start_with(&dir.join("b.db"), &config, dir.join("serve.log"), &[("BOUNCEKIT_TEST_MAIL_PASSWORD", "a-secret-password-42")]);
    let deadline = Instant::now() + ARRIVAL;
    let name = format!("bouncekit_job_errors_total{{job=\"poll\",name=\"imap://nobody@127.0.0.1:{port}/INBOX\"}}");
    loop {
        let errors = metric(&server.metrics(), &name).unwrap_or(0);
        if errors >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "no failed polls counted:\n{}\n{}", server.metrics(), server.output());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get(server.port, "/readyz").map(|(s, _)| s), Some(200), "still serving");
    let out = server.stop();
    assert!(out.contains("127.0.0.1:") && out.contains("connection failed"), "{out}");
    assert!(!out.contains("a-secret-password-42"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_job_entries_stop_the_start_with_a_message_naming_them() {
    let dir = scratch("bad");
    std::fs::write(dir.join("pw"), "x\n").expect("pw");
    let log = dir.join("mail.log");
    let cases: &[(&str, &str)] = &[
        (&format!("[[logs]]\npath = \"{}\"\nmta = \"qmail\"\n", log.display()), "logs[1]"),
        (&format!("[[logs]]\npath = \"{}\"\nutc_offset = \"soon\"\n", log.display()), "utc_offset"),
        (&format!("[[logs]]\npath = \"{}\"\n[[logs]]\npath = \"{}\"\n", log.display(), log.display()), "listed twice"),
        ("[[logs]]\npath = \"/nonexistent-dir-of-bouncekit/mail.log\"\n", "does not exist"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\npassword_env = \"X\"\n", dir.join("pw").display()), "not both"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\n", dir.join("missing-pw").display()), "mailboxes[1]"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\ninterval = 0\n", dir.join("pw").display()), "interval"),
        (&format!("[[mailboxes]]\nurl = \"pop3s://b@mail.example.net\"\npassword_file = \"{}\"\nafter = \"move:Done\"\n", dir.join("pw").display()), "POP3"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\nca_file = \"{}\"\n", dir.join("pw").display(), dir.join("no-ca.pem").display()), "CA file"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\nafter = \"flag:(bad\"\n", dir.join("pw").display()), "flag"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{pw}\"\n[[mailboxes]]\nurl = \"imaps://b@mail.example.net/Other\"\npassword_file = \"{pw}\"\nstate = \"{s}\"\n[[logs]]\npath = \"{l}\"\ncheckpoint = \"{s}\"\n", pw = dir.join("pw").display(), s = dir.join("one.json").display(), l = log.display()), "own file"),
        (&format!("[[mailboxes]]\nurl = \"imaps://b@mail.example.net/INBOX\"\npassword_file = \"{}\"\nsecret = \"x\"\n", dir.join("pw").display()), "secret"),
    ];
    for (i, (toml, expected)) in cases.iter().enumerate() {
        let config = dir.join(format!("bad-{i}.toml"));
        std::fs::write(&config, format!("state_dir = \"{}\"\n{toml}", dir.display())).expect("config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
            .args(["--db", dir.join("b.db").to_str().expect("utf-8"), "serve", "--config", config.to_str().expect("utf-8"), "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("err.log")).expect("log"))
            .spawn()
            .expect("runs");
        // A configuration that passes would serve forever: give it 30 s, then end it.
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Ok(Some(s)) = child.try_wait() {
                break Some(s);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let err = std::fs::read_to_string(dir.join("err.log")).unwrap_or_default();
        assert_eq!(status.and_then(|s| s.code()), Some(2), "case {i} must fail at start: {err}");
        assert!(err.contains(expected), "case {i}: expected {expected:?} in: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The current (not closed) incident of `domain` through `GET /v1/domains/{domain}`, or
/// else its latest one.
fn incident(s: &Server, domain: &str) -> Value {
    let v = s.json(&format!("/v1/domains/{domain}"));
    let all = v["incidents"].as_array().cloned().unwrap_or_default();
    all.iter().find(|i| i["state"] != "closed").or_else(|| all.first()).cloned().unwrap_or(Value::Null)
}

/// Waits until `domain`'s incident is in `state` with the DNS verdict `verdict`.
fn wait_for_incident(s: &Server, domain: &str, state: &str, verdict: &str) -> Value {
    let deadline = Instant::now() + ARRIVAL;
    loop {
        let i = incident(s, domain);
        if i["state"] == state && i["dns_verdict"] == verdict {
            return i;
        }
        assert!(Instant::now() < deadline, "{domain}: no {state} incident with DNS {verdict} within {ARRIVAL:?}: {i}\n{}", s.output());
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_checks_dns_of_current_incidents_marks_dead_domains_and_closes_recovered_ones() {
    let dir = scratch("dns");
    let db = dir.join("bouncekit.db");
    // Five recipients of each domain fail with a network error: two incidents open
    // (the policy's threshold is five recipients of one domain).
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).expect("inbox");
    for domain in ["nullmx.test", "revived.test"] {
        for i in 0..5 {
            std::fs::write(inbox.join(format!("{domain}-{i}.eml")), report(&format!("user{i}@{domain}"), "4.4.1", "421 4.4.1 Connection timed out")).expect("write");
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_bouncekit")).args(["--db", db.to_str().expect("utf-8"), "ingest", "--no-progress", "--format", "json"]).arg(&inbox).output().expect("ingest runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).expect("the ingest summary");
    assert_eq!(summary[0]["incidents_opened"], 2, "{summary}");
    let config = |dns: &ZoneServer, name: &str| {
        let path = dir.join(name);
        std::fs::write(&path, format!("[dns]\ncheck_every = 1\nnameservers = [\"{}\"]\n", dns.addr())).expect("config");
        path
    };

    // DNS first says: nullmx.test accepts no mail (RFC 7505), revived.test does not
    // exist. The job marks both incidents dead.
    let broken = ZoneServer::start("test.", vec![Rr::Mx("nullmx.test.", 0, ".")]).expect("DNS server");
    let started = Instant::now();
    let server = Server::start(&db, &config(&broken, "broken.toml"), dir.join("serve-1.log"));
    let checked: Vec<Value> = [("nullmx.test", "null_mx"), ("revived.test", "nxdomain")].iter().map(|(d, v)| wait_for_incident(&server, d, "dead", v)).collect();
    eprintln!("both incidents dead {:?} after the start", started.elapsed());
    assert!(checked.iter().all(|i| i["dns_checked_at"].is_string()), "{checked:?}");
    let m = server.metrics();
    assert!(metric(&m, "bouncekit_dns_checks_total{verdict=\"null_mx\"}").is_some_and(|n| n >= 1), "{m}");
    assert!(metric(&m, "bouncekit_dns_checks_total{verdict=\"nxdomain\"}").is_some_and(|n| n >= 1), "{m}");
    assert_eq!(metric(&m, "bouncekit_job_errors_total{job=\"dns\",name=\"incidents\"}"), Some(0), "{m}");
    let log = server.stop();
    assert!(log.contains("checking DNS of current incidents every 1 s"), "{log}");
    assert!(log.contains("nullmx.test") && log.contains("DNS says null_mx: incident open → dead"), "the change is logged:\n{log}");
    assert!(log.contains("DNS says nxdomain: incident open → dead"), "{log}");

    // revived.test is back with a mail host; nullmx.test still refuses mail. The dead
    // incident of the first closes as a DNS recovery, the second stays dead.
    let fixed = ZoneServer::start("test.", vec![Rr::Mx("nullmx.test.", 0, "."), Rr::Mx("revived.test.", 10, "mx.revived.test."), Rr::A("mx.revived.test.", std::net::Ipv4Addr::new(127, 0, 0, 3))]).expect("DNS server");
    let server = Server::start(&db, &config(&fixed, "fixed.toml"), dir.join("serve-2.log"));
    let closed = wait_for_incident(&server, "revived.test", "closed", "mx");
    assert_eq!(closed["close_cause"], "dns recovery", "{closed}");
    assert_eq!(closed["dns_detail"], "mx.revived.test", "the MX hosts are stored: {closed}");
    let m = server.metrics();
    assert!(metric(&m, "bouncekit_dns_checks_total{verdict=\"mx\"}").is_some_and(|n| n >= 1), "{m}");
    let still = incident(&server, "nullmx.test");
    assert_eq!((still["state"].as_str(), still["dns_verdict"].as_str()), (Some("dead"), Some("null_mx")), "{still}");
    let log = server.stop();
    assert!(log.contains("DNS says mx (mx.revived.test): incident dead → closed"), "{log}");
    eprintln!("the whole test took {:?}", started.elapsed());
    let _ = std::fs::remove_dir_all(&dir);
}
