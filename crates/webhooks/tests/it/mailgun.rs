//! Mailgun: HMAC-SHA256 of timestamp and token, freshness window and replay cache.

use bouncekit_core::{Action, Kind, Reason};
use bouncekit_webhooks::mailgun::sign;
use bouncekit_webhooks::{Config, Intake, MailgunConfig, Provider, ReplayCache, Verifier, WebhookError, handle};
use serde_json::{Value, json};

use crate::common::{NOW, fixture};

const KEY: &str = "key-6f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn verifier() -> Verifier {
    Verifier::new(Config { mailgun: Some(MailgunConfig::new(KEY)), ..Config::default() }).expect("config")
}

/// A request body: the fixture's event-data with a signature block.
fn body(name: &str, key: &str, timestamp: i64, token: &str) -> Vec<u8> {
    let data: Value = serde_json::from_str(&fixture("mailgun", name)).expect("fixture");
    let ts = timestamp.to_string();
    let v = json!({"signature": {"timestamp": ts, "token": token, "signature": sign(key, &ts, token)}, "event-data": data});
    serde_json::to_vec(&v).expect("json")
}

fn post(v: &Verifier, cache: &ReplayCache, body: &[u8]) -> Result<Intake, WebhookError> {
    handle(Provider::Mailgun, &[("Content-Type", "application/json")], body, NOW, v, cache)
}

fn one(name: &str) -> bouncekit_webhooks::WebhookEvent {
    let token = format!("{name:0>50}");
    let intake = post(&verifier(), &ReplayCache::default(), &body(name, KEY, NOW - 5, &token)).expect(name);
    assert_eq!(intake.events.len(), 1, "{name}");
    intake.events.into_iter().next().expect("event")
}

#[test]
fn permanent_failure_is_a_hard_bounce() {
    let e = one("failed-permanent.json");
    assert_eq!(e.record.recipient, "gone.away@example.com");
    assert_eq!(e.record.reason, Reason::UserUnknown);
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.action, Action::Suppress);
    assert_eq!(e.record.reply_code.map(|c| c.get()), Some(550));
    assert_eq!(e.record.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    assert_eq!(e.record.remote_mta.as_deref(), Some("mx.example.com"));
    assert_eq!(e.record.subject.as_deref(), Some("Spring sale: 20% off"));
    assert_eq!(e.record.timestamp, Some(1_710_150_942));
    assert_eq!(e.event_id, "mailgun:G9Bn5sl1TC6nu79C8C0bwg");
    assert_eq!(e.verdict.class.as_deref(), Some("permanent"));
    assert_eq!(e.verdict.subclass.as_deref(), Some("bounce"));
    assert_eq!(e.record.headers.get("tags").map(String::as_str), Some("newsletter"));
}

#[test]
fn temporary_failure_is_soft() {
    let e = one("failed-temporary.json");
    assert_eq!(e.record.recipient, "full.box@example.net");
    assert_eq!(e.record.reason, Reason::MailboxFull);
    assert_eq!(e.record.kind, Kind::Soft);
    assert_eq!(e.record.dsn_action.as_deref(), Some("delayed"));
}

#[test]
fn suppressed_address_keeps_mailguns_code_as_evidence() {
    let e = one("failed-suppressed.json");
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.reply_code, None, "605 is not an SMTP code");
    assert_eq!(e.verdict.code.as_deref(), Some("605"));
    assert_eq!(e.record.headers.get("provider-code").map(String::as_str), Some("605"));
}

#[test]
fn complaint_and_delivery() {
    let c = one("complained.json");
    assert_eq!(c.record.reason, Reason::Feedback);
    assert_eq!(c.record.kind, Kind::Complaint);
    assert_eq!(c.record.headers.get("campaign-id").map(String::as_str), Some("spring-2024"));
    let d = one("delivered.json");
    assert_eq!(d.record.reason, Reason::Delivered);
    assert_eq!(d.record.kind, Kind::Delivered);
}

#[test]
fn engagement_event_is_ignored() {
    let intake = post(&verifier(), &ReplayCache::default(), &body("opened.json", KEY, NOW, "t0ken-opened-0123456789")).expect("ok");
    assert!(intake.events.is_empty());
    assert_eq!(intake.ignored, 1);
}

#[test]
fn forged_signature_is_refused() {
    let mut v: Value = serde_json::from_slice(&body("failed-permanent.json", KEY, NOW, "tok-forged-000000000000")).expect("json");
    v["signature"]["signature"] = Value::String("00".repeat(32));
    let err = post(&verifier(), &ReplayCache::default(), &serde_json::to_vec(&v).expect("json")).expect_err("forged");
    assert!(matches!(err, WebhookError::BadSignature));
    v["signature"]["signature"] = Value::String("not hex".into());
    let err = post(&verifier(), &ReplayCache::default(), &serde_json::to_vec(&v).expect("json")).expect_err("forged");
    assert!(matches!(err, WebhookError::BadSignature));
}

#[test]
fn tampered_token_or_timestamp_is_refused() {
    let mut v: Value = serde_json::from_slice(&body("failed-permanent.json", KEY, NOW, "tok-original-00000000000")).expect("json");
    v["signature"]["token"] = Value::String("tok-changed-000000000000".into());
    assert!(matches!(post(&verifier(), &ReplayCache::default(), &serde_json::to_vec(&v).expect("json")), Err(WebhookError::BadSignature)));
    let mut v: Value = serde_json::from_slice(&body("failed-permanent.json", KEY, NOW, "tok-original-00000000000")).expect("json");
    v["signature"]["timestamp"] = Value::String((NOW - 1).to_string());
    assert!(matches!(post(&verifier(), &ReplayCache::default(), &serde_json::to_vec(&v).expect("json")), Err(WebhookError::BadSignature)));
}

#[test]
fn wrong_key_is_refused() {
    let b = body("failed-permanent.json", "key-00000000000000000000000000000000", NOW, "tok-wrong-key-0000000000");
    assert!(matches!(post(&verifier(), &ReplayCache::default(), &b), Err(WebhookError::BadSignature)));
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    for ts in [NOW - 301, NOW + 301, 0] {
        let b = body("failed-permanent.json", KEY, ts, &format!("tok-stale-{ts}"));
        let err = post(&verifier(), &ReplayCache::default(), &b).expect_err("stale");
        assert!(matches!(err, WebhookError::Stale { window: 300, .. }), "{ts}: {err}");
        assert_eq!(err.status(), 403);
    }
    let b = body("failed-permanent.json", KEY, NOW - 300, "tok-edge-000000000000000");
    assert!(post(&verifier(), &ReplayCache::default(), &b).is_ok(), "the window is inclusive");
}

#[test]
fn configurable_window() {
    let cfg = MailgunConfig { signing_key: KEY.into(), max_age: 30 };
    let v = Verifier::new(Config { mailgun: Some(cfg), ..Config::default() }).expect("config");
    let b = body("failed-permanent.json", KEY, NOW - 60, "tok-window-0000000000000");
    assert!(matches!(post(&v, &ReplayCache::default(), &b), Err(WebhookError::Stale { window: 30, .. })));
}

#[test]
fn replayed_token_is_refused_and_released_tokens_are_accepted_again() {
    let v = verifier();
    let cache = ReplayCache::default();
    let b = body("failed-permanent.json", KEY, NOW, "tok-replay-0000000000000");
    let first = post(&v, &cache, &b).expect("first");
    let err = post(&v, &cache, &b).expect_err("replay");
    assert!(matches!(err, WebhookError::Replayed));
    assert_eq!(err.status(), 403);
    // The server could not store the first one and releases its token: Mailgun's retry
    // must get through, with the same event id.
    cache.release(first.replay_token.as_ref().expect("token"));
    let retry = post(&v, &cache, &b).expect("retry");
    assert_eq!(retry.events[0].event_id, first.events[0].event_id);
}

#[test]
fn refused_requests_do_not_use_up_their_token() {
    let v = verifier();
    let cache = ReplayCache::default();
    let mut bad: Value = serde_json::from_slice(&body("failed-permanent.json", KEY, NOW, "tok-kept-000000000000000")).expect("json");
    bad["event-data"] = Value::String("garbage".into());
    assert!(matches!(post(&v, &cache, &serde_json::to_vec(&bad).expect("json")), Err(WebhookError::Malformed { .. })));
    assert!(cache.is_empty());
    let forged = body("failed-permanent.json", "key-00000000000000000000000000000000", NOW, "tok-kept-000000000000000");
    assert!(post(&v, &cache, &forged).is_err());
    assert!(cache.is_empty());
}

#[test]
fn missing_signature_block_is_unauthenticated() {
    let data = fixture("mailgun", "failed-permanent.json");
    let b = format!(r#"{{"event-data": {data}}}"#);
    let err = post(&verifier(), &ReplayCache::default(), b.as_bytes()).expect_err("unsigned");
    assert!(matches!(err, WebhookError::MissingCredentials(_)));
}

#[test]
fn weak_signing_key_is_refused_at_configuration() {
    assert!(Verifier::new(Config { mailgun: Some(MailgunConfig::new("")), ..Config::default() }).is_err());
}
