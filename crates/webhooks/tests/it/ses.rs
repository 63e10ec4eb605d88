//! Amazon SES via SNS: envelopes signed at test time with an RSA key whose certificate
//! (issued by a test CA) is served by a test certificate source.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::{Action, Kind, Reason};
use bouncekit_webhooks::{
    CertificateError, CertificateSource, Config, Provider, SesConfig, SnsControl, StaticSource, Verifier, WebhookError,
};
use ring::digest;
use rsa::pkcs8::EncodePrivateKey as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};

use crate::common::{event, fixture, ids, run};

const CERT_URL: &str = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem";
const OTHER_CERT_URL: &str = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000000000.pem";
const TOPIC: &str = "arn:aws:sns:eu-west-1:123456789012:ses-bounces";

/// An RSA signing key and its certificate, as SNS has.
struct Signer {
    key: RsaPrivateKey,
    cert_pem: String,
}

/// The test CA's two SNS signing identities: the one at `CERT_URL` and another one.
fn signers() -> &'static (Signer, Signer) {
    static SIGNERS: OnceLock<(Signer, Signer)> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let make = || {
            let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("RSA key");
            let pkcs8 = key.to_pkcs8_der().expect("PKCS#8");
            let der = rustls_pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_bytes().to_vec());
            let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA256).expect("rcgen key");
            let params = rcgen::CertificateParams::new(vec!["sns.amazonaws.com".to_string()]).expect("params");
            let cert = params.signed_by(&kp, &ca).expect("leaf");
            Signer { key, cert_pem: cert.pem() }
        };
        (make(), make())
    })
}

/// The canonical string SNS signs, written independently of the library.
fn string_to_sign(env: &Value) -> String {
    let keys: &[&str] = if env["Type"] == "Notification" {
        &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    } else {
        &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    };
    let mut s = String::new();
    for k in keys {
        if let Some(v) = env.get(*k).and_then(Value::as_str) {
            s.push_str(&format!("{k}\n{v}\n"));
        }
    }
    s
}

/// Signs the envelope in place (SignatureVersion 1: SHA-1, 2: SHA-256).
fn sign(env: &mut Value, signer: &Signer) {
    let text = string_to_sign(env);
    let (alg, prefix): (&digest::Algorithm, &[u8]) = if env["SignatureVersion"] == "1" {
        (&digest::SHA1_FOR_LEGACY_USE_ONLY, &[0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14])
    } else {
        (
            &digest::SHA256,
            &[0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
        )
    };
    let hash = digest::digest(alg, text.as_bytes());
    let scheme = Pkcs1v15Sign { hash_len: Some(hash.as_ref().len()), prefix: prefix.into() };
    let sig = signer.key.sign(scheme, hash.as_ref()).expect("sign");
    env["Signature"] = Value::String(STANDARD.encode(sig));
}

/// A signed notification carrying `message`.
fn notification(message: &str, version: &str) -> Value {
    let mut env = json!({
        "Type": "Notification",
        "MessageId": "b1e6c4a2-5f3d-5e8a-9c0b-7d2e4f6a8b1c",
        "TopicArn": TOPIC,
        "Message": message,
        "Timestamp": "2024-03-11T09:15:43.021Z",
        "SignatureVersion": version,
        "Signature": "",
        "SigningCertURL": CERT_URL,
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:ses-bounces:0c1d2e3f"
    });
    sign(&mut env, &signers().0);
    env
}

/// A signed subscription confirmation.
fn confirmation(subscribe_url: &str) -> Value {
    let mut env = json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        "Token": "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736",
        "TopicArn": TOPIC,
        "Message": "You have chosen to subscribe to the topic arn:aws:sns:eu-west-1:123456789012:ses-bounces.\nTo confirm the subscription, visitthe SubscribeURL included in this message.",
        "SubscribeURL": subscribe_url,
        "Timestamp": "2024-03-11T09:00:00.000Z",
        "SignatureVersion": "2",
        "Signature": "",
        "SigningCertURL": CERT_URL
    });
    sign(&mut env, &signers().0);
    env
}

/// A source that serves the test certificate at `CERT_URL` (and the other identity's
/// at `OTHER_CERT_URL`) and counts its fetches.
#[derive(Clone, Default)]
struct Counting(Arc<AtomicUsize>);

impl CertificateSource for Counting {
    fn fetch(&self, url: &str) -> Result<Vec<u8>, CertificateError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        let (a, b) = signers();
        StaticSource::new().with(CERT_URL, a.cert_pem.as_bytes()).with(OTHER_CERT_URL, b.cert_pem.as_bytes()).fetch(url)
    }
}

fn verifier_with(ses: SesConfig) -> (Verifier, Counting) {
    let counting = Counting::default();
    let v = Verifier::new(Config { ses: Some(ses), ..Config::default() })
        .expect("config")
        .with_certificate_source(Box::new(counting.clone()));
    (v, counting)
}

fn verifier() -> Verifier {
    verifier_with(SesConfig { topic_arns: vec![TOPIC.into()], max_age: None }).0
}

fn post(v: &Verifier, env: &Value) -> Result<bouncekit_webhooks::Intake, WebhookError> {
    let body = serde_json::to_vec(env).expect("json");
    let kind = env["Type"].as_str().unwrap_or("").to_string();
    run(Provider::Ses, &[("x-amz-sns-message-type", kind.as_str()), ("Content-Type", "text/plain; charset=UTF-8")], &body, v)
}

#[test]
fn permanent_bounce_signature_v1_maps_every_recipient() {
    let env = notification(&fixture("ses", "notification-bounce-permanent.json"), "1");
    let intake = post(&verifier(), &env).expect("accepted");
    assert_eq!(intake.events.len(), 2);
    let e = event(&intake, "nobody.here@example.com");
    assert_eq!(e.record.reason, Reason::UserUnknown);
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.action, Action::Suppress);
    assert_eq!(e.record.status.map(|s| s.to_string()).as_deref(), Some("5.1.1"));
    assert_eq!(e.record.reply_code.map(|c| c.get()), Some(550));
    assert_eq!(e.record.diagnostic_type.as_deref(), Some("SMTP"));
    assert_eq!(e.record.sender.as_deref(), Some("news@shop.example.org"));
    assert_eq!(e.record.message_id.as_deref(), Some("<spring-2024-0311.4711@shop.example.org>"));
    assert_eq!(e.record.subject.as_deref(), Some("Spring sale: 20% off"));
    assert_eq!(e.record.reporting_mta.as_deref(), Some("e226-55.smtp-out.eu-west-1.amazonses.com"));
    assert_eq!(e.record.timestamp, Some(1_710_148_542));
    assert_eq!(e.record.format, "ses");
    assert_eq!(e.event_id, "ses:0100018c2f4a8b1e-7f0e2a35-6c1d-4b8e-9a77-3d2c5e1f0a9b-000000:nobody.here@example.com");
    assert_eq!(e.record.origin.name, e.event_id);
    assert_eq!(e.verdict.class.as_deref(), Some("Permanent"));
    assert_eq!(e.verdict.subclass.as_deref(), Some("General"));
    assert_eq!(e.record.headers.get("provider-class").map(String::as_str), Some("Permanent"));
    assert_eq!(e.record.headers.get("provider-event").map(String::as_str), Some("Bounce"));

    let gmail = event(&intake, "Former.Staff@example.net");
    assert_eq!(gmail.record.reason, Reason::UserUnknown);
    assert_eq!(gmail.record.kind, Kind::Hard);
}

#[test]
fn transient_bounce_signature_v2_is_soft_mailboxfull() {
    let env = notification(&fixture("ses", "notification-bounce-transient.json"), "2");
    let intake = post(&verifier(), &env).expect("accepted");
    let e = event(&intake, "hoarder@example.com");
    assert_eq!(e.record.reason, Reason::MailboxFull);
    assert_eq!(e.record.kind, Kind::Soft);
    assert_eq!(e.record.action, Action::Retry);
    assert_eq!(e.verdict.subclass.as_deref(), Some("MailboxFull"));
}

#[test]
fn suppression_list_bounce_without_smtp_text_is_hard() {
    let env = notification(&fixture("ses", "notification-bounce-suppressed.json"), "2");
    let e = post(&verifier(), &env).expect("accepted").events.remove(0);
    assert_eq!(e.record.recipient, "listed@example.com");
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.action, Action::Suppress);
    assert_eq!(e.verdict.subclass.as_deref(), Some("OnAccountSuppressionList"));
}

#[test]
fn complaint_is_feedback() {
    let env = notification(&fixture("ses", "notification-complaint.json"), "2");
    let e = post(&verifier(), &env).expect("accepted").events.remove(0);
    assert_eq!(e.record.recipient, "annoyed.reader@example.net");
    assert_eq!(e.record.reason, Reason::Feedback);
    assert_eq!(e.record.kind, Kind::Complaint);
    assert_eq!(e.record.action, Action::Suppress);
    assert_eq!(e.record.feedback_type.as_deref(), Some("abuse"));
}

#[test]
fn delivery_is_delivered() {
    let env = notification(&fixture("ses", "notification-delivery.json"), "2");
    let e = post(&verifier(), &env).expect("accepted").events.remove(0);
    assert_eq!(e.record.recipient, "happy.customer@example.com");
    assert_eq!(e.record.reason, Reason::Delivered);
    assert_eq!(e.record.kind, Kind::Delivered);
    assert_eq!(e.record.dsn_action.as_deref(), Some("delivered"));
}

#[test]
fn event_publishing_bounce_keeps_tags() {
    let env = notification(&fixture("ses", "event-bounce.json"), "1");
    let e = post(&verifier(), &env).expect("accepted").events.remove(0);
    assert_eq!(e.record.recipient, "ghost@example.org");
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.reason, Reason::HostUnknown);
    assert_eq!(e.record.headers.get("ses-configuration-set").map(String::as_str), Some("marketing"));
    assert_eq!(e.record.headers.get("campaign-id").map(String::as_str), Some("spring-2024"));
}

#[test]
fn event_publishing_delivery_delay_is_soft() {
    let env = notification(&fixture("ses", "event-delivery-delay.json"), "2");
    let e = post(&verifier(), &env).expect("accepted").events.remove(0);
    assert_eq!(e.record.recipient, "slow.server@example.com");
    assert_eq!(e.record.kind, Kind::Soft);
    assert_eq!(e.record.dsn_action.as_deref(), Some("delayed"));
    assert_eq!(e.verdict.class.as_deref(), Some("TransientCommunicationFailure"));
}

#[test]
fn engagement_events_are_ignored() {
    let env = notification(&fixture("ses", "event-open.json"), "2");
    let intake = post(&verifier(), &env).expect("accepted");
    assert!(intake.events.is_empty());
    assert_eq!(intake.ignored, 1);
}

#[test]
fn same_notification_twice_has_the_same_event_ids() {
    let env = notification(&fixture("ses", "notification-bounce-permanent.json"), "2");
    let v = verifier();
    assert_eq!(ids(&post(&v, &env).expect("first")), ids(&post(&v, &env).expect("second")));
}

#[test]
fn subscription_confirmation_returns_the_url_to_fetch() {
    let url = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:ses-bounces&Token=2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a9886";
    let intake = post(&verifier(), &confirmation(url)).expect("accepted");
    assert!(intake.events.is_empty());
    assert_eq!(intake.sns, Some(SnsControl::Subscribe { topic_arn: TOPIC.into(), url: url.into() }));
}

#[test]
fn subscribe_url_on_a_foreign_host_is_refused() {
    for url in [
        "https://attacker.example/?Action=ConfirmSubscription&Token=abc",
        "https://sns.eu-west-1.amazonaws.com.attacker.example/?Action=ConfirmSubscription",
        "http://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc",
        "https://sns.eu-west-1.amazonaws.com@attacker.example/?Action=ConfirmSubscription",
    ] {
        let err = post(&verifier(), &confirmation(url)).expect_err(url);
        assert!(matches!(err, WebhookError::UntrustedSubscribeUrl(_)), "{url}: {err}");
        assert_eq!(err.status(), 403);
    }
}

#[test]
fn signing_cert_url_on_a_foreign_host_or_http_is_refused_before_any_fetch() {
    for url in [
        "https://attacker.example/SimpleNotificationService-x.pem",
        "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
        "https://sns.eu-west-1.amazonaws.com.attacker.example/x.pem",
        "https://sns.eu-west-1.amazonaws.com/x.txt",
        "https://127.0.0.1/x.pem",
    ] {
        let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
        env["SigningCertURL"] = Value::String(url.into());
        let (v, counting) = verifier_with(SesConfig::default());
        let err = post(&v, &env).expect_err(url);
        assert!(matches!(err, WebhookError::UntrustedCertUrl(_)), "{url}: {err}");
        assert_eq!(counting.0.load(Ordering::SeqCst), 0, "{url} was fetched");
    }
}

#[test]
fn tampered_message_is_refused() {
    let mut env = notification(&fixture("ses", "notification-bounce-permanent.json"), "2");
    let msg = env["Message"].as_str().unwrap_or("").replace("nobody.here@example.com", "somebody.else@example.com");
    env["Message"] = Value::String(msg);
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
}

#[test]
fn tampered_signed_field_is_refused() {
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "1");
    env["Timestamp"] = Value::String("2024-03-11T09:15:44.021Z".into());
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
}

#[test]
fn forged_signature_is_refused() {
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
    env["Signature"] = Value::String(STANDARD.encode([7u8; 256]));
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
    env["Signature"] = Value::String("not base64!".into());
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
}

#[test]
fn signature_by_another_key_is_refused() {
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
    sign(&mut env, &signers().1);
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
    // The same message is accepted with the certificate of the key that signed it.
    env["SigningCertURL"] = Value::String(OTHER_CERT_URL.into());
    sign(&mut env, &signers().1);
    assert!(post(&verifier(), &env).is_ok());
}

#[test]
fn signature_version_mismatch_is_refused() {
    // Signed with SHA-256, declared as version 1.
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
    env["SignatureVersion"] = Value::String("1".into());
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::BadSignature)));
    env["SignatureVersion"] = Value::String("3".into());
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::UnsupportedSignatureVersion(_))));
}

#[test]
fn foreign_topic_is_refused() {
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
    env["TopicArn"] = Value::String("arn:aws:sns:eu-west-1:999999999999:someone-elses-topic".into());
    sign(&mut env, &signers().0);
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::TopicNotAllowed(_))));
}

#[test]
fn certificate_is_fetched_once_and_cached() {
    let (v, counting) = verifier_with(SesConfig::default());
    for name in ["notification-delivery.json", "notification-complaint.json", "event-open.json"] {
        post(&v, &notification(&fixture("ses", name), "2")).expect(name);
    }
    assert_eq!(counting.0.load(Ordering::SeqCst), 1);
}

#[test]
fn unavailable_certificate_is_a_503() {
    let v = Verifier::new(Config { ses: Some(SesConfig::default()), ..Config::default() })
        .expect("config")
        .with_certificate_source(Box::new(StaticSource::new()));
    let err = post(&v, &notification(&fixture("ses", "notification-delivery.json"), "2")).expect_err("no cert");
    assert!(matches!(err, WebhookError::Certificate(CertificateError::Fetch { .. })));
    assert_eq!(err.status(), 503);
}

#[test]
fn garbage_certificate_is_refused() {
    let v = Verifier::new(Config { ses: Some(SesConfig::default()), ..Config::default() })
        .expect("config")
        .with_certificate_source(Box::new(StaticSource::new().with(CERT_URL, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")));
    let err = post(&v, &notification(&fixture("ses", "notification-delivery.json"), "2")).expect_err("bad cert");
    assert!(matches!(err, WebhookError::Certificate(CertificateError::Invalid(_))), "{err}");
}

#[test]
fn stale_message_is_refused_when_an_age_limit_is_set() {
    let (v, _) = verifier_with(SesConfig { topic_arns: vec![], max_age: Some(3600) });
    let env = notification(&fixture("ses", "notification-delivery.json"), "2");
    // Signed at 09:15:43, now is 10:00:00: within an hour.
    assert!(post(&v, &env).is_ok());
    let (v, _) = verifier_with(SesConfig { topic_arns: vec![], max_age: Some(600) });
    assert!(matches!(post(&v, &env), Err(WebhookError::Stale { .. })));
}

#[test]
fn raw_message_delivery_is_refused() {
    let body = fixture("ses", "notification-bounce-permanent.json");
    let err = run(Provider::Ses, &[], body.as_bytes(), &verifier()).expect_err("unsigned");
    assert!(matches!(err, WebhookError::Malformed { .. }), "{err}");
}

#[test]
fn missing_signature_is_unauthenticated() {
    let mut env = notification(&fixture("ses", "notification-delivery.json"), "2");
    env.as_object_mut().map(|o| o.remove("Signature"));
    let err = post(&verifier(), &env).expect_err("unsigned");
    assert!(matches!(err, WebhookError::MissingCredentials(_)));
    assert_eq!(err.status(), 401);
}

#[test]
fn message_type_header_must_match_the_body() {
    let env = notification(&fixture("ses", "notification-delivery.json"), "2");
    let body = serde_json::to_vec(&env).unwrap_or_default();
    let err = run(Provider::Ses, &[("x-amz-sns-message-type", "SubscriptionConfirmation")], &body, &verifier());
    assert!(matches!(err, Err(WebhookError::Malformed { .. })));
}

#[test]
fn signed_message_that_is_not_ses_json_is_malformed() {
    let env = notification("Hello from SNS", "2");
    assert!(matches!(post(&verifier(), &env), Err(WebhookError::Malformed { .. })));
}

#[cfg(feature = "fetch")]
mod https {
    //! The production source against a local HTTPS server with a test CA.

    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;

    use bouncekit_webhooks::{CertificateSource, HttpsSource};

    /// Serves `body` once over TLS on 127.0.0.1 with a certificate for `localhost`
    /// issued by a fresh CA; returns the port and the CA's DER.
    fn serve_once(body: &'static str) -> (u16, Vec<u8>, std::thread::JoinHandle<()>) {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params").signed_by(&key, &ca).expect("cert");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("server config");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let handle = std::thread::spawn(move || {
            let Ok((tcp, _)) = listener.accept() else { return };
            let Ok(conn) = rustls::ServerConnection::new(Arc::new(config)) else { return };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let resp = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = tls.write_all(resp.as_bytes());
            let _ = tls.flush();
            tls.conn.send_close_notify();
            let _ = tls.flush();
        });
        (port, ca.der().to_vec(), handle)
    }

    #[test]
    fn https_source_fetches_from_a_trusted_server() {
        let (port, ca, server) = serve_once("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        let source = HttpsSource::with_roots(&[ca]);
        let got = source.fetch(&format!("https://localhost:{port}/SimpleNotificationService-test.pem")).expect("fetched");
        assert!(got.starts_with(b"-----BEGIN CERTIFICATE-----"));
        server.join().expect("server");
    }

    #[test]
    fn https_source_refuses_an_untrusted_server_and_plain_http() {
        let (port, _ca, server) = serve_once("x");
        let err = HttpsSource::default().fetch(&format!("https://localhost:{port}/x.pem")).expect_err("untrusted");
        assert!(matches!(err, bouncekit_webhooks::CertificateError::Fetch { .. }));
        server.join().expect("server");
        assert!(HttpsSource::default().fetch("http://localhost:9/x.pem").is_err());
    }
}
