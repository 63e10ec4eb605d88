//! Bearer tokens and scopes; open mode only on loopback.

use bouncekit_web::{Access, RawConfig, ServerConfig, Token};
use serde_json::json;

use crate::common::Server;

const READ: &str = "read-token-0123456789abcdef";
const WRITE: &str = "write-token-0123456789abcdef";
const ADMIN: &str = "admin-token-0123456789abcdef";

fn server() -> Server {
    let config = ServerConfig {
        tokens: vec![Token::new("reader", READ, Access::Read), Token::new("writer", WRITE, Access::Write), Token::new("ops", ADMIN, Access::Admin)],
        ..ServerConfig::default()
    };
    Server::with(config, |b| b)
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

#[test]
fn missing_or_wrong_token_is_401_problem() {
    let s = server();
    let r = s.get("/v1/suppressions");
    r.assert_problem(401);
    assert!(r.header("www-authenticate").unwrap_or("").starts_with("Bearer"));
    let wrong = bearer("not-a-valid-token-at-all-0000");
    s.call("GET", "/v1/suppressions", &[("authorization", wrong.as_str())], None).assert_problem(401);
    s.call("GET", "/v1/suppressions", &[("authorization", "Basic abc")], None).assert_problem(401);
    s.call("POST", "/v1/suppressions/check", &[("content-type", "application/json")], Some(b"{\"addresses\":[]}".to_vec())).assert_problem(401);
    s.get("/metrics").assert_problem(401);
}

#[test]
fn scopes_are_enforced_with_403() {
    let s = server();
    let (r, w, a) = (bearer(READ), bearer(WRITE), bearer(ADMIN));
    assert_eq!(s.call("GET", "/v1/suppressions", &[("authorization", r.as_str())], None).status, 200);
    s.call("PUT", "/v1/suppressions/a@example.com", &[("authorization", r.as_str())], None).assert_problem(403);
    s.call("POST", "/v1/messages", &[("authorization", r.as_str())], Some(b"x".to_vec())).assert_problem(403);
    let put = s.call("PUT", "/v1/suppressions/a@example.com", &[("authorization", w.as_str())], None);
    assert_eq!(put.status, 200);
    assert_eq!(put.json()["created_by"], "writer");
    let forget = json!({"address": "a@example.com"}).to_string().into_bytes();
    let h = |t: &str| vec![("authorization", t.to_string()), ("content-type", "application/json".to_string())];
    let hw = h(&w);
    let hw: Vec<(&str, &str)> = hw.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.call("POST", "/v1/forget", &hw, Some(forget.clone())).assert_problem(403);
    let ha = h(&a);
    let ha: Vec<(&str, &str)> = ha.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(s.call("POST", "/v1/forget", &ha, Some(forget)).status, 200);
    assert_eq!(s.call("GET", "/metrics", &[("authorization", r.as_str())], None).status, 200);
}

#[test]
fn health_and_openapi_need_no_token() {
    let s = server();
    assert_eq!(s.get("/healthz").status, 200);
    assert_eq!(s.get("/readyz").status, 200);
    assert_eq!(s.get("/openapi.json").status, 200);
}

#[test]
fn refuses_to_listen_off_loopback_without_tokens() {
    let raw = RawConfig::from_toml("listen = \"0.0.0.0:8025\"").expect("toml");
    let config = raw.validate().expect("valid");
    assert!(config.check_exposure().is_err());
    let raw = RawConfig::from_toml("listen = \"127.0.0.1:8025\"").expect("toml");
    assert!(raw.validate().expect("valid").check_exposure().is_ok());
    let raw = RawConfig::from_toml("listen = \"[::1]:8025\"").expect("toml");
    assert!(raw.validate().expect("valid").check_exposure().is_ok());
    let raw = RawConfig::from_toml("listen = \"0.0.0.0:8025\"\n[[tokens]]\ntoken = \"0123456789abcdef0123\"\nscope = \"read\"\n").expect("toml");
    assert!(raw.validate().expect("valid").check_exposure().is_ok());
}

#[test]
fn config_errors_are_reported() {
    for bad in [
        "[[tokens]]\ntoken = \"short\"\nscope = \"read\"\n",
        "[[tokens]]\ntoken = \"0123456789abcdef0123\"\nscope = \"root\"\n",
        "[limits]\nmax_body = 0\n",
        "listen = \"nowhere\"\n",
        "[webhooks.mailgun]\nsigning_key = \"k\"\n",
        "[webhooks.postmark]\nuser = \"u\"\n",
        "[webhooks.sendgrid]\npublic_key = \"not base64!\"\n",
        "[bounce]\ndomains = [\"not a domain\"]\n",
    ] {
        let raw = RawConfig::from_toml(bad);
        assert!(raw.and_then(|r| r.validate()).is_err(), "accepted: {bad}");
    }
    assert!(RawConfig::from_toml("unknown_key = 1").is_err());
    let full = r#"
listen = "127.0.0.1:9000"
smtp = "127.0.0.1:2525"
[[tokens]]
name = "ci"
token = "0123456789abcdef0123"
scope = "admin"
[limits]
max_body = 1000
request_timeout = 5
concurrency = 10
max_check = 50
[bounce]
domains = ["Bounce.Example.net"]
[webhooks.mailgun]
signing_key = "key-0123456789"
[webhooks.postmark]
user = "postmark"
password = "0123456789"
[webhooks.sparkpost]
header = "X-MessageSystems-Webhook-Token"
token = "0123456789"
[webhooks.ses]
topic_arns = ["arn:aws:sns:eu-west-1:123456789012:bounces"]
"#;
    let c = RawConfig::from_toml(full).expect("toml").validate().expect("valid");
    assert_eq!(c.listen.port(), 9000);
    assert_eq!(c.limits.max_check, 50);
    assert_eq!(c.bounce_domains, ["bounce.example.net"]);
    assert!(c.webhooks.mailgun.is_some() && c.webhooks.postmark.is_some() && c.webhooks.sparkpost.is_some() && c.webhooks.ses.is_some());
}
