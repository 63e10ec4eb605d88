//! Webhooks through the real server: valid events stored once even when delivered
//! twice; forged, tampered and replayed requests refused with 401/403 and nothing stored.

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_webhooks::{
    BasicAuth, CertificateError, CertificateSource, Config, HeaderToken, MailgunConfig, SecretAuth, SendGridConfig, SesConfig, StaticSource,
};
use bouncekit_web::ServerConfig;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};
use serde_json::{Value, json};

use crate::common::{Resp, Server};

const MAILGUN_KEY: &str = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const PM_USER: &str = "postmark";
const PM_PASSWORD: &str = "c0rrect-h0rse-battery";
const SP_TOKEN: &str = "sparkpost-secret-token-123";

fn fixture(provider: &str, name: &str) -> String {
    let path = format!("{}/../../testdata/webhooks/{provider}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// SendGrid's key pair (P-256) and its verification key as SendGrid shows it.
fn sendgrid_key() -> &'static (EcdsaKeyPair, String) {
    static KEY: OnceLock<(EcdsaKeyPair, String)> = OnceLock::new();
    KEY.get_or_init(|| {
        const SPKI_PREFIX: [u8; 26] = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01,
            0x07, 0x03, 0x42, 0x00,
        ];
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("keygen");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).expect("key");
        let mut spki = SPKI_PREFIX.to_vec();
        spki.extend_from_slice(pair.public_key().as_ref());
        (pair, STANDARD.encode(spki))
    })
}

fn server() -> Server {
    let webhooks = Config {
        mailgun: Some(MailgunConfig::new(MAILGUN_KEY)),
        postmark: Some(SecretAuth { basic: Some(BasicAuth { user: PM_USER.into(), password: PM_PASSWORD.into() }), token: None }),
        sparkpost: Some(SecretAuth { basic: None, token: Some(HeaderToken { header: "X-MessageSystems-Webhook-Token".into(), token: SP_TOKEN.into() }) }),
        sendgrid: Some(SendGridConfig::new(sendgrid_key().1.clone())),
        ses: Some(SesConfig { topic_arns: vec![ses::TOPIC.into()], max_age: None }),
        ..Config::default()
    };
    let config = ServerConfig { webhooks, ..ServerConfig::default() };
    Server::with(config, |b| b.certificate_source(Box::new(ses::TestCerts)))
}

/// The server of these tests (every provider configured), for the security tests.
pub(crate) fn ses_server() -> Server {
    server()
}

fn events_stored(s: &Server) -> usize {
    s.get("/v1/events?limit=1000").json()["items"].as_array().map_or(0, Vec::len)
}

fn post(s: &Server, provider: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut h = vec![("content-type", "application/json")];
    h.extend_from_slice(headers);
    s.call("POST", &format!("/v1/webhooks/{provider}"), &h, Some(body.to_vec()))
}

fn mailgun_body(event: &Value, token: &str, key: &str) -> Vec<u8> {
    let ts = now().to_string();
    let sig = bouncekit_webhooks::mailgun::sign(key, &ts, token);
    json!({"signature": {"timestamp": ts, "token": token, "signature": sig}, "event-data": event}).to_string().into_bytes()
}

#[test]
fn mailgun_valid_is_stored_once_replay_and_forgery_refused() {
    let s = server();
    let event: Value = serde_json::from_str(&fixture("mailgun", "failed-permanent.json")).expect("fixture");
    let body = mailgun_body(&event, "token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", MAILGUN_KEY);
    let r = post(&s, "mailgun", &[], &body);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["stored"], 1);
    // Delivered twice: the replay is refused and nothing more is stored.
    post(&s, "mailgun", &[], &body).assert_problem(403);
    // Mailgun retrying the same event with a fresh signature: stored once by event id.
    let retry = mailgun_body(&event, "token-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", MAILGUN_KEY);
    let r = post(&s, "mailgun", &[], &retry).json();
    assert_eq!((r["stored"].as_u64(), r["duplicates"].as_u64()), (Some(0), Some(1)));
    // Forged (another key) and tampered (body changed after signing).
    let forged = mailgun_body(&event, "token-cccccccccccccccccccccccccccccccccccccccccccccc", "key-someone-else-entirely-0000");
    post(&s, "mailgun", &[], &forged).assert_problem(403);
    // Tampered: the signed timestamp changed after signing. (Mailgun's HMAC covers the
    // timestamp and token, not the event body.)
    let good = mailgun_body(&event, "token-dddddddddddddddddddddddddddddddddddddddddddddd", MAILGUN_KEY);
    let mut v: Value = serde_json::from_slice(&good).expect("json");
    v["signature"]["timestamp"] = json!((now() - 1).to_string());
    post(&s, "mailgun", &[], v.to_string().as_bytes()).assert_problem(403);
    // Missing signature.
    post(&s, "mailgun", &[], json!({"event-data": event}).to_string().as_bytes()).assert_problem(401);
    assert_eq!(events_stored(&s), 1);
    let check = s.get("/v1/suppressions/gone.away@example.com").json();
    assert_eq!(check["check"]["verdict"], "suppressed");
    let m = s.get("/metrics").body;
    assert!(m.contains("bouncekit_webhook_verification_failures_total{provider=\"mailgun\"} 4"), "{m}");
    assert!(m.contains("bouncekit_events_total{source=\"webhook\",kind=\"hard\"} 1"), "{m}");
}

#[test]
fn postmark_basic_auth() {
    let s = server();
    let body = fixture("postmark", "bounce-hard.json");
    let auth = format!("Basic {}", STANDARD.encode(format!("{PM_USER}:{PM_PASSWORD}")));
    for _ in 0..2 {
        let r = post(&s, "postmark", &[("authorization", auth.as_str())], body.as_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let wrong = format!("Basic {}", STANDARD.encode(format!("{PM_USER}:wrong-password-xx")));
    post(&s, "postmark", &[("authorization", wrong.as_str())], body.as_bytes()).assert_problem(403);
    post(&s, "postmark", &[], body.as_bytes()).assert_problem(401);
    assert_eq!(events_stored(&s), 1);
}

#[test]
fn sparkpost_header_token_and_batch_redelivery() {
    let s = server();
    let body = fixture("sparkpost", "batch.json");
    let headers = [("X-MessageSystems-Webhook-Token", SP_TOKEN), ("X-MessageSystems-Batch-ID", "batch-1")];
    let first = post(&s, "sparkpost", &headers, body.as_bytes()).json();
    let stored = first["stored"].as_u64().expect("stored");
    assert!(stored >= 3, "{first}");
    let second = post(&s, "sparkpost", &headers, body.as_bytes()).json();
    assert_eq!(second["stored"], 0);
    assert_eq!(second["duplicates"].as_u64(), Some(stored));
    post(&s, "sparkpost", &[("X-MessageSystems-Webhook-Token", "wrong-token-1234567")], body.as_bytes()).assert_problem(403);
    post(&s, "sparkpost", &[], body.as_bytes()).assert_problem(401);
    assert_eq!(events_stored(&s) as u64, stored);
}

#[test]
fn sendgrid_signed_batch() {
    let s = server();
    let body = fixture("sendgrid", "events.json");
    let ts = now().to_string();
    let sign = |b: &[u8]| {
        let mut msg = ts.as_bytes().to_vec();
        msg.extend_from_slice(b);
        STANDARD.encode(sendgrid_key().0.sign(&SystemRandom::new(), &msg).expect("sign"))
    };
    let sig = sign(body.as_bytes());
    let headers = [("X-Twilio-Email-Event-Webhook-Signature", sig.as_str()), ("X-Twilio-Email-Event-Webhook-Timestamp", ts.as_str())];
    let first = post(&s, "sendgrid", &headers, body.as_bytes()).json();
    let stored = first["stored"].as_u64().expect("stored");
    assert!(stored >= 3, "{first}");
    assert_eq!(post(&s, "sendgrid", &headers, body.as_bytes()).json()["stored"], 0);
    let tampered = body.replace("no.such.user@example.com", "someone.else@example.com");
    post(&s, "sendgrid", &headers, tampered.as_bytes()).assert_problem(403);
    post(&s, "sendgrid", &[], body.as_bytes()).assert_problem(401);
    assert_eq!(events_stored(&s) as u64, stored);
}

#[test]
fn unknown_and_unconfigured_providers_are_404() {
    let s = Server::start();
    post(&s, "mailgun", &[], b"{}").assert_problem(404);
    post(&s, "hotmail", &[], b"{}").assert_problem(404);
}

#[test]
fn ses_notifications_and_subscription_confirmation() {
    let s = server();
    let env = ses::notification(&fixture("ses", "notification-bounce-permanent.json"));
    let body = env.to_string();
    let h = [("x-amz-sns-message-type", "Notification")];
    let first = post(&s, "ses", &h, body.as_bytes());
    assert_eq!(first.status, 200, "{}", first.body);
    let stored = first.json()["stored"].as_u64().expect("stored");
    assert!(stored >= 1);
    assert_eq!(post(&s, "ses", &h, body.as_bytes()).json()["stored"], 0);
    // Tampered: the signed Message changed.
    let mut t = env.clone();
    t["Message"] = json!(t["Message"].as_str().unwrap_or("").replace("@", "@x"));
    post(&s, "ses", &h, t.to_string().as_bytes()).assert_problem(403);
    assert_eq!(events_stored(&s) as u64, stored);

    // A subscription confirmation on an SNS host is confirmed through the confirmer.
    let url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:ses-bounces&Token=abc";
    let c = ses::confirmation(url);
    let r = post(&s, "ses", &[("x-amz-sns-message-type", "SubscriptionConfirmation")], c.to_string().as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["subscription"], "confirmed");
    assert_eq!(*s.confirmer.0.lock().expect("lock"), vec![url.to_string()]);
    // Elsewhere (SSRF attempt, even when signed): refused, nothing fetched.
    let evil = ses::confirmation("https://169.254.169.254/latest/meta-data/");
    post(&s, "ses", &[("x-amz-sns-message-type", "SubscriptionConfirmation")], evil.to_string().as_bytes()).assert_problem(403);
    assert_eq!(s.confirmer.0.lock().expect("lock").len(), 1);
}

/// SNS envelopes signed at test time with an RSA key whose certificate (issued by a test
/// CA) is served by a test certificate source.
pub(crate) mod ses {
    use super::*;
    use ring::digest;
    use rsa::pkcs8::EncodePrivateKey as _;
    use rsa::{Pkcs1v15Sign, RsaPrivateKey};

    pub const CERT_URL: &str = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
    pub const TOPIC: &str = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";

    struct Signer {
        key: RsaPrivateKey,
        cert_pem: String,
    }

    fn signer() -> &'static Signer {
        static S: OnceLock<Signer> = OnceLock::new();
        S.get_or_init(|| {
            let ca_key = rcgen::KeyPair::generate().expect("CA key");
            let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
            ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
            let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key");
            let pkcs8 = key.to_pkcs8_der().expect("PKCS#8");
            let der = rustls_pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_bytes().to_vec());
            let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA256).expect("rcgen key");
            let params = rcgen::CertificateParams::new(vec!["sns.amazonaws.com".to_string()]).expect("params");
            let cert = params.signed_by(&kp, &ca).expect("leaf");
            Signer { key, cert_pem: cert.pem() }
        })
    }

    pub struct TestCerts;

    impl CertificateSource for TestCerts {
        fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
            StaticSource::new().with(CERT_URL, signer().cert_pem.as_bytes()).fetch(url)
        }
    }

    fn sign(env: &mut Value) {
        let keys: &[&str] = if env["Type"] == "Notification" {
            &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        } else {
            &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
        };
        let mut text = String::new();
        for k in keys {
            if let Some(v) = env.get(*k).and_then(Value::as_str) {
                text.push_str(&format!("{k}\n{v}\n"));
            }
        }
        let prefix: &[u8] = &[0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
        let hash = digest::digest(&digest::SHA256, text.as_bytes());
        let scheme = Pkcs1v15Sign { hash_len: Some(32), prefix: prefix.into() };
        let sig = signer().key.sign(scheme, hash.as_ref()).expect("sign");
        env["Signature"] = Value::String(STANDARD.encode(sig));
    }

    pub fn notification(message: &str) -> Value {
        let mut env = json!({
            "Type": "Notification",
            "MessageId": "b1e6c4a2-5f3d-5e8a-9c0b-7d2e4f6a8b1c",
            "TopicArn": TOPIC,
            "Message": message,
            "Timestamp": "2024-03-11T09:15:43.021Z",
            "SignatureVersion": "2",
            "Signature": "",
            "SigningCertURL": CERT_URL,
            "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x"
        });
        sign(&mut env);
        env
    }

    pub fn confirmation(subscribe_url: &str) -> Value {
        let mut env = json!({
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
            "TopicArn": TOPIC,
            "Message": "You have chosen to subscribe to the topic.",
            "SubscribeURL": subscribe_url,
            "Timestamp": "2024-03-11T09:00:00.000Z",
            "SignatureVersion": "2",
            "Signature": "",
            "SigningCertURL": CERT_URL
        });
        sign(&mut env);
        env
    }
}
