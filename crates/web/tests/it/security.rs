//! Security properties checked across the whole API (see SECURITY.md): every operation of
//! the OpenAPI document needs a token and the right scope, SQL-injection strings are
//! stored and matched literally, request bodies are size-limited, and SNS subscription
//! URLs that are not AWS's are never fetched.

use bouncekit_web::{Access, ServerConfig, Token};
use serde_json::{Value, json};

use crate::common::{Resp, Server};

const READ: &str = "sec-read-token-0123456789abcdef";
const WRITE: &str = "sec-write-token-0123456789abcdef";
const ADMIN: &str = "sec-admin-token-0123456789abcdef";

fn server() -> Server {
    let config = ServerConfig {
        tokens: vec![Token::new("reader", READ, Access::Read), Token::new("writer", WRITE, Access::Write), Token::new("ops", ADMIN, Access::Admin)],
        ..ServerConfig::default()
    };
    Server::with(config, |b| b)
}

/// The scope an operation needs, from the table in SECURITY.md (and `auth.rs`): reading
/// (every GET, checks, classification, metrics) is `read`; GDPR forget is `admin`;
/// every other change is `write`.
fn required(method: &str, path: &str) -> Access {
    match (method, path) {
        ("GET", _) | ("POST", "/v1/suppressions/check" | "/v1/classify") => Access::Read,
        ("POST", "/v1/forget") => Access::Admin,
        _ => Access::Write,
    }
}

/// A concrete path for an OpenAPI path template.
fn concrete(template: &str) -> String {
    template
        .replace("{address}", "someone%40example.com")
        .replace("{code}", "5.1.1")
        .replace("{domain}", "example.com")
        .replace("{provider}", "postmark")
}

/// A plausible body for an operation, so that a refusal can only come from auth.
fn body(method: &str, path: &str) -> (Option<&'static str>, Option<Vec<u8>>) {
    match (method, path) {
        ("POST", "/v1/messages") => (Some("message/rfc822"), Some(crate::common::postfix_bounce("x@example.com", "5.1.1", "User unknown").into_bytes())),
        ("POST", "/v1/suppressions/import") => (Some("text/csv"), Some(b"address\nimported@example.com\n".to_vec())),
        ("POST", "/v1/suppressions/check") => (Some("application/json"), Some(br#"{"addresses":["a@example.com"]}"#.to_vec())),
        ("POST", "/v1/classify") => (Some("application/json"), Some(br#"{"replies":["550 5.1.1 user unknown"]}"#.to_vec())),
        ("POST", "/v1/forget") => (Some("application/json"), Some(br#"{"address":"gone@example.com"}"#.to_vec())),
        ("PUT", _) => (Some("application/json"), Some(br#"{"reason":"userunknown"}"#.to_vec())),
        ("POST", _) => (Some("application/json"), Some(b"{}".to_vec())),
        _ => (None, None),
    }
}

fn call(s: &Server, method: &str, path: &str, token: Option<&str>) -> Resp {
    let (ctype, b) = body(method, path);
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if let Some(a) = &auth {
        headers.push(("authorization", a.as_str()));
    }
    if let Some(c) = ctype {
        headers.push(("content-type", c));
    }
    s.call(method, &concrete(path), &headers, b)
}

/// Every operation of the OpenAPI document: without a token 401, with a token whose
/// scope is too small 403, with one whose scope suffices neither; and the operations
/// without a security requirement are exactly the health checks and the webhooks (which
/// authenticate with the provider's own signature or secret).
#[test]
fn every_operation_needs_a_token_and_its_scope() {
    let s = server();
    let doc = s.get("/openapi.json").json();
    let mut operations = Vec::new();
    let mut open = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let method = method.to_uppercase();
            let secured = op["security"].as_array().is_some_and(|a| !a.is_empty());
            if secured {
                operations.push((method, path.clone()));
            } else {
                open.push(format!("{method} {path}"));
            }
        }
    }
    open.sort();
    assert_eq!(open, ["GET /healthz", "GET /readyz", "POST /v1/webhooks/{provider}"], "operations without a token requirement");
    assert!(operations.len() >= 15, "{operations:?}");
    let mut failures = Vec::new();
    for (method, path) in &operations {
        let need = required(method, path);
        let r = call(&s, method, path, None);
        if r.status != 401 {
            failures.push(format!("{method} {path} without a token: {} {}", r.status, r.body));
        }
        let r = call(&s, method, path, Some("not-a-configured-token-000000"));
        if r.status != 401 {
            failures.push(format!("{method} {path} with a wrong token: {} {}", r.status, r.body));
        }
        for (token, access) in [(READ, Access::Read), (WRITE, Access::Write), (ADMIN, Access::Admin)] {
            let r = call(&s, method, path, Some(token));
            let allowed = access >= need;
            if allowed && matches!(r.status, 401 | 403) {
                failures.push(format!("{method} {path} with a {access} token: refused {} {}", r.status, r.body));
            }
            if !allowed && r.status != 403 {
                failures.push(format!("{method} {path} with a {access} token (needs {need}): {} {}", r.status, r.body));
            }
            if !allowed && r.status == 403 {
                let p = r.assert_problem(403);
                assert!(p["detail"].as_str().unwrap_or("").contains(need.as_str()), "{p}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Strings that would break a query built by string concatenation are stored, found and
/// removed literally; the table survives; LIKE wildcards in `contains` match literally.
#[test]
fn sql_injection_strings_are_data() {
    let s = server();
    let auth = format!("Bearer {WRITE}");
    let h = [("authorization", auth.as_str()), ("content-type", "application/json")];
    // Addresses have no blanks, so the classic payloads use comments instead.
    let nasty = [
        "x');DROP/**/TABLE/**/suppressions;--@example.com",
        "\"x'--\"@example.com",
        "a'OR'1'='1@example.com",
        "robert');DELETE/**/FROM/**/events;--@example.org",
    ];
    for a in nasty {
        let path = format!("/v1/suppressions/{}", encode(a));
        let r = s.call("PUT", &path, &h, Some(br#"{"note":"'; DROP TABLE audit; --"}"#.to_vec()));
        assert!(matches!(r.status, 200 | 201), "{a}: {} {}", r.status, r.body);
    }
    s.call("PUT", "/v1/suppressions/plain@example.com", &h, Some(b"{}".to_vec()));
    let list = |q: &str| -> Vec<String> {
        let r = s.call("GET", &format!("/v1/suppressions?{q}"), &h, None);
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        r.json()["items"].as_array().expect("items").iter().map(|i| i["address"].as_str().unwrap_or("").to_string()).collect()
    };
    let all = list("limit=100");
    assert_eq!(all.len(), nasty.len() + 1, "{all:?}");
    for a in nasty {
        let r = s.call("POST", "/v1/suppressions/check", &h, Some(json!({"addresses": [a]}).to_string().into_bytes()));
        assert_eq!(r.json()["results"][0]["verdict"], "suppressed", "{a}: {}", r.body);
    }
    // Filters: quotes and wildcards are literal.
    assert_eq!(list(&format!("contains={}", encode("' OR 1=1 --"))), Vec::<String>::new());
    assert_eq!(list(&format!("contains={}", encode("%"))), Vec::<String>::new(), "`%` is not a wildcard");
    assert_eq!(list(&format!("contains={}", encode("_"))), Vec::<String>::new(), "`_` is not a wildcard");
    assert_eq!(list(&format!("contains={}", encode("drop/**/table"))).len(), 1);
    let r = s.call("GET", &format!("/v1/suppressions?reason={}", encode("x' OR '1'='1")), &h, None);
    assert!(r.status == 400 || r.json()["items"].as_array().is_some_and(Vec::is_empty), "{}", r.body);
    let r = s.call("GET", &format!("/v1/events?address={}", encode("' OR ''='")), &h, None);
    assert!(r.status == 400 || r.json()["items"].as_array().is_some_and(Vec::is_empty), "{}", r.body);
    // Removing one removes exactly that one (removed entries stay listed as such).
    let r = s.call("DELETE", &format!("/v1/suppressions/{}", encode(nasty[2])), &h, None);
    assert!(matches!(r.status, 200 | 204), "{}", r.body);
    assert_eq!(list("limit=100&status=active").len(), nasty.len());
    let r = s.call("POST", "/v1/suppressions/check", &h, Some(json!({"addresses": nasty}).to_string().into_bytes()));
    let v = r.json();
    let verdicts: Vec<&str> = v["results"].as_array().expect("results").iter().map(|v| v["verdict"].as_str().unwrap_or("")).collect();
    assert_eq!(verdicts, ["suppressed", "suppressed", "allowed", "suppressed"], "{}", r.body);
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Bodies over the limit are refused with 413 on every endpoint that takes one, before
/// authentication matters and without reading them whole.
#[test]
fn oversized_bodies_are_413_everywhere() {
    let config = ServerConfig {
        tokens: vec![Token::new("writer", WRITE, Access::Admin)],
        limits: bouncekit_web::Limits { max_body: 64 * 1024, ..bouncekit_web::Limits::default() },
        ..ServerConfig::default()
    };
    let s = Server::with(config, |b| b);
    let auth = format!("Bearer {WRITE}");
    let big = vec![b'{'; 200 * 1024];
    let (port, auth_header) = (s.addr.port(), format!("authorization: {auth}"));
    for (method, path, ctype) in [
        ("POST", "/v1/messages", "message/rfc822"),
        ("POST", "/v1/suppressions/check", "application/json"),
        ("POST", "/v1/suppressions/import", "text/csv"),
        ("POST", "/v1/classify", "application/json"),
        ("POST", "/v1/forget", "application/json"),
        ("PUT", "/v1/suppressions/a%40example.com", "application/json"),
        ("POST", "/v1/webhooks/postmark", "application/json"),
    ] {
        let (status, body) = raw(port, method, path, &[&auth_header, &format!("content-type: {ctype}")], big.len(), &big);
        assert_eq!(status, 413, "{method} {path}: {body}");
        assert!(body.contains("\"status\":413"), "a problem document: {body}");
    }
    // A declared length over the limit is refused before any byte of the body.
    let (status, body) = raw(port, "POST", "/v1/messages", &[&auth_header], 99_999_999_999, b"");
    assert_eq!(status, 413, "{body}");
}

/// One request on a raw socket, tolerating a server that answers and closes before the
/// body is sent: (status, body).
fn raw(port: u16, method: &str, path: &str, headers: &[&str], length: usize, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    c.set_read_timeout(Some(std::time::Duration::from_secs(20))).expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {length}\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    c.write_all(head.as_bytes()).expect("head");
    let _ = c.write_all(body);
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

/// A validly signed SNS subscription confirmation whose SubscribeURL is not on an AWS SNS
/// host is refused and never fetched, however the URL is dressed up.
#[test]
fn sns_subscribe_urls_off_aws_are_never_fetched() {
    let s = crate::webhooks::ses_server();
    for url in [
        "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
        "https://169.254.169.254/latest/meta-data/",
        "https://127.0.0.1:8025/v1/forget",
        "https://localhost/",
        "https://[::1]/",
        "https://sns.us-east-1.amazonaws.com.evil.example/",
        "https://sns.us-east-1.amazonaws.com@evil.example/",
        "https://evil.example\\@sns.us-east-1.amazonaws.com/",
        "https://evil.example#@sns.us-east-1.amazonaws.com/",
        "https://sns.us-east-1.amazonaws.com:8443/",
        "https://SNS.US-EAST-1.AMAZONAWS.COM%2eevil.example/",
        "https://sns.us-east-1.amazonaws.com%00.evil.example/",
        "https://sns.us-east-1.amazonaws.com\t.evil.example/",
        "file:///etc/passwd",
        "gopher://sns.us-east-1.amazonaws.com/",
        "",
    ] {
        let env: Value = crate::webhooks::ses::confirmation(url);
        let r = s.call("POST", "/v1/webhooks/ses", &[("content-type", "text/plain"), ("x-amz-sns-message-type", "SubscriptionConfirmation")], Some(env.to_string().into_bytes()));
        assert!(matches!(r.status, 400 | 403), "{url:?}: {} {}", r.status, r.body);
    }
    assert!(s.confirmer.0.lock().expect("lock").is_empty(), "fetched: {:?}", s.confirmer.0.lock().expect("lock"));
}
