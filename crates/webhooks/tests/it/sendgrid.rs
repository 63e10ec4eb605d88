//! SendGrid: batches signed at test time with a fresh ECDSA P-256 key.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::{Action, Kind, Reason};
use bouncekit_webhooks::sendgrid::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use bouncekit_webhooks::{Config, ConfigError, Intake, Provider, SendGridConfig, Verifier, WebhookError};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};

use crate::common::{NOW, event, fixture, ids, run};

/// DER prefix of a P-256 SubjectPublicKeyInfo, before the 65-byte point.
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

struct Key {
    pair: EcdsaKeyPair,
    /// What SendGrid shows as the verification key: base64 of the DER SPKI.
    public_b64: String,
}

fn key() -> Key {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("keygen");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).expect("key");
    let mut spki = SPKI_PREFIX.to_vec();
    spki.extend_from_slice(pair.public_key().as_ref());
    Key { pair, public_b64: STANDARD.encode(spki) }
}

fn sign(key: &Key, timestamp: &str, body: &[u8]) -> String {
    let mut msg = timestamp.as_bytes().to_vec();
    msg.extend_from_slice(body);
    STANDARD.encode(key.pair.sign(&SystemRandom::new(), &msg).expect("sign"))
}

fn verifier(key: &Key, max_age: Option<u64>) -> Verifier {
    let sg = SendGridConfig { public_key: key.public_b64.clone(), max_age };
    Verifier::new(Config { sendgrid: Some(sg), ..Config::default() }).expect("config")
}

fn post(v: &Verifier, signature: &str, timestamp: &str, body: &[u8]) -> Result<Intake, WebhookError> {
    run(Provider::SendGrid, &[(SIGNATURE_HEADER, signature), (TIMESTAMP_HEADER, timestamp), ("content-type", "application/json")], body, v)
}

#[test]
fn signed_batch_is_accepted_and_mapped() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let ts = NOW.to_string();
    let intake = post(&verifier(&k, None), &sign(&k, &ts, body.as_bytes()), &ts, body.as_bytes()).expect("accepted");
    assert_eq!(intake.events.len(), 6);
    assert_eq!(intake.ignored, 1, "the open event");

    let bounce = event(&intake, "no.such.user@example.com");
    assert_eq!(bounce.record.reason, Reason::UserUnknown);
    assert_eq!(bounce.record.kind, Kind::Hard);
    assert_eq!(bounce.record.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    assert_eq!(bounce.record.message_id.as_deref(), Some("<4FB4041F.6080505@shop.example.org>"));
    assert_eq!(bounce.record.headers.get("category").map(String::as_str), Some("newsletter,spring-2024"));
    assert_eq!(bounce.event_id, "sendgrid:Ym91bmNlLTAtMTIzNDU2Nzg5MC1hYmNkZWY");
    assert_eq!(bounce.verdict.class.as_deref(), Some("bounce"));
    assert_eq!(bounce.verdict.subclass.as_deref(), Some("Invalid Address"));

    let blocked = event(&intake, "someone@example.net");
    assert_eq!(blocked.record.kind, Kind::Block);
    assert_eq!(blocked.record.reason, Reason::Blocked);
    assert_eq!(blocked.record.action, Action::AlertSender);
    assert_eq!(blocked.verdict.class.as_deref(), Some("blocked"));

    let dropped = event(&intake, "old.bouncer@example.org");
    assert_eq!(dropped.record.reason, Reason::UserUnknown);
    assert_eq!(dropped.record.kind, Kind::Hard);

    let deferred = event(&intake, "busy@example.com");
    assert_eq!(deferred.record.kind, Kind::Soft);
    assert_eq!(deferred.record.reply_code.map(|c| c.get()), Some(421));

    let delivered = event(&intake, "happy@example.com");
    assert_eq!(delivered.record.kind, Kind::Delivered);
    assert_eq!(delivered.record.headers.get("campaign-id").map(String::as_str), Some("4711"));

    let spam = event(&intake, "grumpy@example.net");
    assert_eq!(spam.record.reason, Reason::Feedback);
    assert_eq!(spam.record.kind, Kind::Complaint);
    assert_eq!(spam.record.action, Action::Suppress);
}

#[test]
fn tampered_body_is_refused() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let ts = NOW.to_string();
    let sig = sign(&k, &ts, body.as_bytes());
    let tampered = body.replace("no.such.user@example.com", "victim@example.com");
    assert!(matches!(post(&verifier(&k, None), &sig, &ts, tampered.as_bytes()), Err(WebhookError::BadSignature)));
    // One byte of whitespace is enough: the signature covers the exact bytes.
    let spaced = format!("{body} ");
    assert!(matches!(post(&verifier(&k, None), &sig, &ts, spaced.as_bytes()), Err(WebhookError::BadSignature)));
}

#[test]
fn tampered_timestamp_is_refused() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let sig = sign(&k, &NOW.to_string(), body.as_bytes());
    let other = (NOW + 1).to_string();
    assert!(matches!(post(&verifier(&k, None), &sig, &other, body.as_bytes()), Err(WebhookError::BadSignature)));
}

#[test]
fn signature_by_another_key_is_refused() {
    let (k, other) = (key(), key());
    let body = fixture("sendgrid", "events.json");
    let ts = NOW.to_string();
    let err = post(&verifier(&k, None), &sign(&other, &ts, body.as_bytes()), &ts, body.as_bytes()).expect_err("wrong key");
    assert!(matches!(err, WebhookError::BadSignature));
    assert_eq!(err.status(), 403);
}

#[test]
fn forged_and_missing_signatures_are_refused() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let ts = NOW.to_string();
    let v = verifier(&k, None);
    assert!(matches!(post(&v, &STANDARD.encode([1u8; 70]), &ts, body.as_bytes()), Err(WebhookError::BadSignature)));
    assert!(matches!(post(&v, "%%%", &ts, body.as_bytes()), Err(WebhookError::BadSignature)));
    let err = run(Provider::SendGrid, &[(TIMESTAMP_HEADER, ts.as_str())], body.as_bytes(), &v).expect_err("unsigned");
    assert!(matches!(err, WebhookError::MissingCredentials(_)));
    assert_eq!(err.status(), 401);
}

#[test]
fn stale_timestamp_is_refused_when_an_age_limit_is_set() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let old = (NOW - 3600).to_string();
    let sig = sign(&k, &old, body.as_bytes());
    assert!(post(&verifier(&k, None), &sig, &old, body.as_bytes()).is_ok());
    let err = post(&verifier(&k, Some(600)), &sig, &old, body.as_bytes()).expect_err("stale");
    assert!(matches!(err, WebhookError::Stale { timestamp, .. } if timestamp == NOW - 3600));
}

#[test]
fn same_batch_twice_has_the_same_event_ids() {
    let k = key();
    let body = fixture("sendgrid", "events.json");
    let v = verifier(&k, None);
    let first = post(&v, &sign(&k, "1", body.as_bytes()), "1", body.as_bytes()).expect("first");
    let second = post(&v, &sign(&k, "2", body.as_bytes()), "2", body.as_bytes()).expect("second");
    assert_eq!(ids(&first), ids(&second));
}

#[test]
fn events_without_an_id_get_a_stable_one() {
    let k = key();
    let v = verifier(&k, None);
    let a = br#"[{"email":"x@example.com","timestamp":1710150942,"event":"bounce","reason":"550 5.1.1 unknown user","status":"5.1.1"}]"#;
    let b = br#"[{"event":"bounce","status":"5.1.1","reason":"550 5.1.1 unknown user","timestamp":1710150942,"email":"x@example.com"}]"#;
    let ia = post(&v, &sign(&k, "1", a), "1", a).expect("a");
    let ib = post(&v, &sign(&k, "1", b), "1", b).expect("b");
    assert_eq!(ids(&ia), ids(&ib));
    assert!(ia.events[0].event_id.starts_with("sendgrid:"));
}

#[test]
fn bad_public_keys_are_refused_at_configuration() {
    for bad in ["not base64 !", "AAAA", &STANDARD.encode([0x30u8; 91])] {
        let cfg = Config { sendgrid: Some(SendGridConfig::new(bad)), ..Config::default() };
        assert!(matches!(Verifier::new(cfg), Err(ConfigError::SendGridKey(_))), "{bad}");
    }
}
