//! Secrets stay out of logs and error messages: a real `bouncekit serve`, logging at
//! `trace`, receives requests carrying valid and invalid bearer tokens, webhook
//! credentials and a dashboard login; its whole log is then searched for every secret.
//! Configuration errors about a secret must not print it either. SQL-injection strings
//! through the CLI are stored and matched literally. (The per-endpoint auth matrix, 413
//! limits and SSRF checks are in crates/web/tests/it/security.rs; see SECURITY.md.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::bouncekit;

const READ: &str = "rd-SECRET-token-7f3a9c1e5b2d";
const WRITE: &str = "wr-SECRET-token-8e4b0d2f6c3a";
const ADMIN: &str = "ad-SECRET-token-9d5c1e3a7b4f";
const WRONG: &str = "xx-WRONG-token-1a2b3c4d5e6f";
const PM_PASSWORD: &str = "pm-SECRET-password-4411";
const SP_TOKEN: &str = "sp-SECRET-header-token-5522";
const MG_KEY: &str = "mg-SECRET-signing-key-6633";

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("bouncekit-cli-security-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) else { return (0, String::new()) };
    c.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).expect("write");
    let _ = c.write_all(body);
    let mut raw = Vec::new();
    let _ = c.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    (text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0), text)
}

fn base64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            out.push(if k <= c.len() { char::from(A[(n >> (18 - 6 * k)) as usize & 63]) } else { '=' });
        }
    }
    out
}

/// A server process, killed on drop if the test fails before it stops it.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn tokens_and_webhook_secrets_are_never_logged() {
    let dir = scratch("logs");
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "[[tokens]]\nname = \"reader\"\ntoken = \"{READ}\"\nscope = \"read\"\n[[tokens]]\nname = \"writer\"\ntoken = \"{WRITE}\"\nscope = \"write\"\n[[tokens]]\nname = \"ops\"\ntoken = \"{ADMIN}\"\nscope = \"admin\"\n\n[webhooks.postmark]\nuser = \"hooks\"\npassword = \"{PM_PASSWORD}\"\n[webhooks.sparkpost]\nheader = \"X-MessageSystems-Webhook-Token\"\ntoken = \"{SP_TOKEN}\"\n[webhooks.mailgun]\nsigning_key = \"{MG_KEY}\"\n"
        ),
    )
    .expect("config");
    let log_path = dir.join("serve.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let child = Command::new(env!("CARGO_BIN_EXE_bouncekit"))
        .args(["--db", dir.join("db.sqlite").to_str().expect("utf-8"), "serve", "--config", config.to_str().expect("utf-8")])
        .args(["--listen", &format!("127.0.0.1:{port}"), "--cleanup-every", "0", "--threads", "2"])
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("serve.out")).expect("out"))
        .stderr(std::fs::File::create(&log_path).expect("log"))
        .spawn()
        .expect("serve starts");
    let mut child = Stopped(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while request(port, "GET", "/readyz", &[], b"").0 != 200 {
        assert!(Instant::now() < deadline, "not ready: {}", std::fs::read_to_string(&log_path).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(100));
    }
    let json = ("content-type", "application/json");
    let bearer = |t: &str| format!("Bearer {t}");
    let (r, w, a, x) = (bearer(READ), bearer(WRITE), bearer(ADMIN), bearer(WRONG));
    let mut statuses = Vec::new();
    for auth in [&r, &w, &a, &x] {
        statuses.push(request(port, "GET", "/v1/suppressions", &[("authorization", auth)], b"").0);
        statuses.push(request(port, "POST", "/v1/suppressions/check", &[("authorization", auth), json], br#"{"addresses":["a@example.com"]}"#).0);
        statuses.push(request(port, "PUT", "/v1/suppressions/b%40example.com", &[("authorization", auth), json], b"{}").0);
        statuses.push(request(port, "POST", "/v1/forget", &[("authorization", auth), json], br#"{"address":"b@example.com"}"#).0);
        statuses.push(request(port, "GET", "/v1/nowhere", &[("authorization", auth)], b"").0);
        statuses.push(request(port, "GET", "/metrics", &[("authorization", auth)], b"").0);
    }
    assert!(statuses.contains(&200) && statuses.contains(&401) && statuses.contains(&403), "{statuses:?}");
    // Webhooks: right and wrong credentials.
    let basic = format!("Basic {}", base64(&format!("hooks:{PM_PASSWORD}")));
    let wrong_basic = format!("Basic {}", base64(&format!("hooks:{PM_PASSWORD}x")));
    request(port, "POST", "/v1/webhooks/postmark", &[("authorization", &basic), json], br#"{"RecordType":"Open"}"#);
    request(port, "POST", "/v1/webhooks/postmark", &[("authorization", &wrong_basic), json], br#"{"RecordType":"Open"}"#);
    request(port, "POST", "/v1/webhooks/sparkpost", &[("X-MessageSystems-Webhook-Token", SP_TOKEN), json], b"[]");
    request(port, "POST", "/v1/webhooks/sparkpost", &[("X-MessageSystems-Webhook-Token", &format!("{SP_TOKEN}x")), json], b"[]");
    request(port, "POST", "/v1/webhooks/mailgun", &[json], format!(r#"{{"signature":{{"timestamp":"1","token":"t","signature":"{MG_KEY}"}}}}"#).as_bytes());
    // The dashboard's login form carries a token in its body.
    let (_, page) = request(port, "GET", "/ui/login", &[], b"");
    let csrf = page.split("name=\"csrf\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
    let cookie = page.lines().find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: "))).and_then(|c| c.split(';').next()).unwrap_or("").to_string();
    for token in [ADMIN, WRONG] {
        let form = format!("csrf={csrf}&token={token}&next=%2Fui%2F");
        request(port, "POST", "/ui/login", &[("content-type", "application/x-www-form-urlencoded"), ("cookie", &cookie)], form.as_bytes());
    }
    let _ = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status();
    let _ = child.0.wait();
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(log.lines().count() > 20, "trace logging is on: {log}");
    for secret in [READ, WRITE, ADMIN, WRONG, PM_PASSWORD, SP_TOKEN, MG_KEY, &basic[6..], &wrong_basic[6..]] {
        assert!(!log.contains(secret), "`{secret}` appears in the server log:\n{}", log.lines().filter(|l| l.contains(secret)).take(5).collect::<Vec<_>>().join("\n"));
    }
    let out = std::fs::read_to_string(dir.join("serve.out")).unwrap_or_default();
    for secret in [READ, WRITE, ADMIN, PM_PASSWORD, SP_TOKEN, MG_KEY] {
        assert!(!out.contains(secret), "`{secret}` printed on standard output");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A configuration refused because of a secret says which entry is wrong, not the
/// secret itself.
#[test]
fn configuration_errors_do_not_print_secrets() {
    let dir = scratch("config");
    for (name, text, secret) in [
        ("short-token", "[[tokens]]\nname = \"t\"\ntoken = \"shortSECRET1\"\nscope = \"read\"\n", "shortSECRET1"),
        ("bad-scope", "[[tokens]]\nname = \"t\"\ntoken = \"long-enough-SECRET-0000000\"\nscope = \"root\"\n", "long-enough-SECRET-0000000"),
        ("duplicate", "[[tokens]]\nname = \"a\"\ntoken = \"dup-SECRET-token-000000000\"\nscope = \"read\"\n[[tokens]]\nname = \"b\"\ntoken = \"dup-SECRET-token-000000000\"\nscope = \"admin\"\n", "dup-SECRET-token-000000000"),
        ("weak-webhook", "[webhooks.mailgun]\nsigning_key = \"weakSEC\"\n", "weakSEC"),
        ("broken-toml", "[[tokens]]\nname = \"t\"\ntoken = \"unterminated-SECRET-0000000\n", "unterminated-SECRET-0000000"),
    ] {
        let config = dir.join(format!("{name}.toml"));
        std::fs::write(&config, text).expect("config");
        let db = dir.join("db.sqlite");
        let out = bouncekit(&["--db", db.to_str().expect("utf-8"), "serve", "--config", config.to_str().expect("utf-8"), "--listen", "127.0.0.1:0"], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: the configuration is refused");
        assert!(stderr.contains(&format!("{name}.toml")) || stderr.contains("token") || stderr.contains("mailgun"), "{name}: the error names the entry: {stderr}");
        assert!(!stderr.contains(secret), "{name}: the error prints the secret: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Through the CLI too, SQL-injection strings are data: added, checked and listed
/// literally, and the tables survive.
#[test]
fn sql_injection_strings_through_the_cli_are_data() {
    let dir = scratch("sqli");
    let db = dir.join("db.sqlite");
    let db = db.to_str().expect("utf-8");
    let nasty = "x');DROP/**/TABLE/**/suppressions;--@example.com";
    let out = bouncekit(&["--db", db, "suppressions", "add", nasty, "--note", "'); DELETE FROM audit; --"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bouncekit(&["--db", db, "suppressions", "check", nasty], None);
    assert_eq!(out.status.code(), Some(1), "suppressed: {}", String::from_utf8_lossy(&out.stdout));
    let out = bouncekit(&["--db", db, "suppressions", "check", "x@example.com"], None);
    assert_eq!(out.status.code(), Some(0), "others are not: {}", String::from_utf8_lossy(&out.stdout));
    let out = bouncekit(&["--db", db, "suppressions", "list", "--format", "json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["address"], nasty.to_lowercase(), "stored as given (normalised to lower case)");
    let out = bouncekit(&["--db", db, "suppressions", "list", "--format", "json", "--contains", "%"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(list.as_array().map(Vec::len), Some(0), "`%` is literal: {list}");
    let _ = std::fs::remove_dir_all(&dir);
}
