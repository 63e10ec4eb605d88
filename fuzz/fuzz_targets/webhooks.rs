//! ESP webhooks: every provider, through its signature or credential check and its
//! payload mapping.
//!
//! The first byte picks the provider (`b % 5`: ses, sendgrid, mailgun, postmark,
//! sparkpost) and the mode (`b / 5 % 2`):
//! - raw: the rest is a request — header lines `Name: value`, an empty line, the body —
//!   exactly as an attacker would send it (signature and credential paths);
//! - signed: the rest is the payload, and the harness wraps it in what a genuine sender
//!   would add (a valid signature, credentials, an SNS envelope), so that fuzzing reaches
//!   the mapping behind the checks.
//!
//! Invariants: no panic; an accepted request only ever asked the certificate source for
//! an https URL on an AWS SNS host (no SSRF), and only ever returns such a SubscribeURL;
//! every event's record survives a JSON round trip.
#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::Record;
use bouncekit_webhooks::{
    BasicAuth, CertificateError, CertificateSource, Config, HeaderToken, MailgunConfig, Provider, ReplayCache,
    SecretAuth, SendGridConfig, SesConfig, SnsControl, StaticSource, Verifier, WebhookError, handle, mailgun,
};
use libfuzzer_sys::fuzz_target;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};

const NOW: i64 = 1_710_151_200;
const CERT_URL: &str = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-fuzz.pem";
const TOPIC: &str = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";
const MAILGUN_KEY: &str = "key-fuzz-signing-key-0123456789";
const USER: &str = "hook";
const PASSWORD: &str = "fuzz-password-123";
const TOKEN_HEADER: &str = "X-Webhook-Token";
const TOKEN: &str = "fuzz-header-token-456";

/// The harness's keys and the verifier configured with their public halves.
struct Fixture {
    sns_key: RsaKeyPair,
    sendgrid_key: EcdsaKeyPair,
    rng: SystemRandom,
    verifier: Verifier,
    fetched: Arc<Mutex<Vec<String>>>,
}

/// Serves the test certificate and records every URL it is asked for.
struct Recording {
    inner: StaticSource,
    fetched: Arc<Mutex<Vec<String>>>,
}

impl CertificateSource for Recording {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
        self.fetched.lock().unwrap_or_else(|e| e.into_inner()).push(url.to_string());
        self.inner.fetch(url)
    }
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rng = SystemRandom::new();
        // SNS: a test RSA key and a self-signed certificate for it (fixtures/README.md).
        let sns_key = RsaKeyPair::from_pkcs8(include_bytes!("../fixtures/sns-test-key.pk8")).expect("RSA key");
        let cert_pem: &[u8] = include_bytes!("../fixtures/sns-test-cert.pem");
        // SendGrid: a P-256 key; the config takes the SubjectPublicKeyInfo.
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("P-256 key");
        let sendgrid_key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).expect("P-256");
        let mut spki = vec![
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
            0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ];
        spki.extend_from_slice(sendgrid_key.public_key().as_ref());
        let secret = || SecretAuth {
            basic: Some(BasicAuth { user: USER.into(), password: PASSWORD.into() }),
            token: Some(HeaderToken { header: TOKEN_HEADER.into(), token: TOKEN.into() }),
        };
        let config = Config {
            max_body: 256 * 1024,
            ses: Some(SesConfig { topic_arns: vec![TOPIC.into()], max_age: None }),
            sendgrid: Some(SendGridConfig { public_key: STANDARD.encode(&spki), max_age: Some(600) }),
            mailgun: Some(MailgunConfig::new(MAILGUN_KEY)),
            postmark: Some(secret()),
            sparkpost: Some(secret()),
        };
        let fetched = Arc::new(Mutex::new(Vec::new()));
        let source = Recording { inner: StaticSource::new().with(CERT_URL, cert_pem), fetched: Arc::clone(&fetched) };
        let verifier = Verifier::new(config).expect("config").with_certificate_source(Box::new(source));
        Fixture { sns_key, sendgrid_key, rng, verifier, fetched }
    })
}

/// An independent reading of "an https URL on an AWS SNS host".
fn is_aws_sns_https(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else { return false };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = authority.split(':').next().unwrap_or("");
    host.starts_with("sns.") && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn"))
}

/// The canonical string SNS signs.
fn string_to_sign(env: &Value) -> String {
    let keys: &[&str] = if env["Type"] == "Notification" {
        &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    } else {
        &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    };
    let mut s = String::new();
    for k in keys {
        if let Some(v) = env.get(*k).and_then(Value::as_str) {
            s.push_str(k);
            s.push('\n');
            s.push_str(v);
            s.push('\n');
        }
    }
    s
}

fn sign_sns(env: &mut Value, f: &Fixture) {
    // SignatureVersion 2 (SHA256withRSA): ring signs no SHA-1, so version 1 is reached
    // by the raw mode only.
    let text = string_to_sign(env);
    let mut sig = vec![0; f.sns_key.public().modulus_len()];
    f.sns_key.sign(&RSA_PKCS1_SHA256, &f.rng, text.as_bytes(), &mut sig).expect("sign");
    env["Signature"] = Value::String(STANDARD.encode(sig));
}

/// Header lines up to the first empty line, then the body.
fn split_request(data: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (&data[..0], data),
    };
    let headers = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|l| l.split_once(':').map(|(n, v)| (n.to_string(), v.to_string())))
        .collect();
    (headers, body)
}

fn signed_request(provider: Provider, variant: u8, payload: &[u8], f: &Fixture) -> (Vec<(String, String)>, Vec<u8>) {
    let text = String::from_utf8_lossy(payload);
    match provider {
        Provider::Ses => {
            let version = "2";
            let mut env = match variant & 3 {
                0 | 1 => json!({
                    "Type": "Notification", "MessageId": "fuzz-message", "TopicArn": TOPIC, "Message": text,
                    "Timestamp": "2024-03-11T09:15:43.021Z", "SignatureVersion": version, "SigningCertURL": CERT_URL,
                }),
                kind => json!({
                    "Type": if kind == 2 { "SubscriptionConfirmation" } else { "UnsubscribeConfirmation" },
                    "MessageId": "fuzz-message", "Token": "fuzz-token", "TopicArn": TOPIC, "Message": "confirm",
                    "SubscribeURL": text, "Timestamp": "2024-03-11T09:00:00.000Z", "SignatureVersion": version,
                    "SigningCertURL": CERT_URL,
                }),
            };
            sign_sns(&mut env, f);
            let kind = env["Type"].as_str().unwrap_or_default().to_string();
            (vec![("x-amz-sns-message-type".into(), kind)], serde_json::to_vec(&env).expect("json"))
        }
        Provider::SendGrid => {
            let timestamp = NOW.to_string();
            let mut signed = timestamp.clone().into_bytes();
            signed.extend_from_slice(payload);
            let sig = f.sendgrid_key.sign(&f.rng, &signed).expect("sign");
            let headers = vec![
                ("X-Twilio-Email-Event-Webhook-Signature".into(), STANDARD.encode(sig.as_ref())),
                ("X-Twilio-Email-Event-Webhook-Timestamp".into(), timestamp),
            ];
            (headers, payload.to_vec())
        }
        Provider::Mailgun => {
            let ts = NOW.to_string();
            let signature = mailgun::sign(MAILGUN_KEY, &ts, "fuzz-token");
            let mut body = format!(r#"{{"signature":{{"timestamp":"{ts}","token":"fuzz-token","signature":"{signature}"}},"event-data":"#)
                .into_bytes();
            body.extend_from_slice(payload);
            body.push(b'}');
            (Vec::new(), body)
        }
        Provider::Postmark | Provider::SparkPost => {
            let header = if variant & 1 == 0 {
                ("Authorization".into(), format!("Basic {}", STANDARD.encode(format!("{USER}:{PASSWORD}"))))
            } else {
                (TOKEN_HEADER.into(), TOKEN.into())
            };
            (vec![header], payload.to_vec())
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let f = fixture();
    let provider = Provider::ALL[usize::from(selector % 5)];
    let signed = selector / 5 % 2 == 1;
    let (headers, body) = if signed {
        signed_request(provider, selector / 10, rest, f)
    } else {
        let (h, b) = split_request(rest);
        (h, b.to_vec())
    };
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    f.fetched.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let result = handle(provider, &headers, &body, NOW, &f.verifier, &ReplayCache::default());
    for url in f.fetched.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        assert!(is_aws_sns_https(url), "certificate fetched from {url}");
    }
    match result {
        Ok(intake) => {
            if let Some(SnsControl::Subscribe { url, .. } | SnsControl::Unsubscribed { url, .. }) = &intake.sns {
                assert!(is_aws_sns_https(url), "SubscribeURL {url} returned");
            }
            for event in &intake.events {
                assert!(event.event_id.starts_with(provider.as_str()), "event id {}", event.event_id);
                let json = serde_json::to_string(&event.record).expect("a record serialises");
                let back: Record = serde_json::from_str(&json).expect("a serialised record reads back");
                assert_eq!(back, event.record, "JSON round trip of {json}");
            }
        }
        Err(e) => {
            let status = e.status();
            assert!((400..600).contains(&status), "{e}: status {status}");
            // An error message names the problem and stays printable.
            let _ = e.to_string();
            if let WebhookError::BodyTooLarge { .. } = e {
                assert!(body.len() > f.verifier.config().max_body);
            }
        }
    }
});
