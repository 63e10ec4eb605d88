//! Postmark: basic auth or a header token, compared in constant time.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::{Action, Kind, Reason};
use bouncekit_webhooks::{BasicAuth, Config, ConfigError, HeaderToken, Intake, Provider, SecretAuth, Verifier, WebhookError};

use crate::common::{fixture, ids, run};

const USER: &str = "postmark";
const PASSWORD: &str = "c0rrect-h0rse-battery";
const TOKEN: &str = "pm-4b7e9c2a5d1f8e3b6a0c";

fn verifier() -> Verifier {
    let auth = SecretAuth {
        basic: Some(BasicAuth { user: USER.into(), password: PASSWORD.into() }),
        token: Some(HeaderToken { header: "X-Webhook-Token".into(), token: TOKEN.into() }),
    };
    Verifier::new(Config { postmark: Some(auth), ..Config::default() }).expect("config")
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

fn post(name: &str) -> Intake {
    let auth = basic(USER, PASSWORD);
    run(Provider::Postmark, &[("Authorization", auth.as_str())], fixture("postmark", name).as_bytes(), &verifier()).expect(name)
}

#[test]
fn hard_bounce_with_basic_auth() {
    let intake = post("bounce-hard.json");
    let e = &intake.events[0];
    assert_eq!(e.record.recipient, "left.company@example.com");
    assert_eq!(e.record.reason, Reason::UserUnknown);
    assert_eq!(e.record.kind, Kind::Hard);
    assert_eq!(e.record.action, Action::Suppress);
    assert_eq!(e.record.reply_code.map(|c| c.get()), Some(550));
    assert_eq!(e.record.diagnostic_type.as_deref(), Some("SMTP"));
    assert_eq!(e.record.sender.as_deref(), Some("hello@app.example.org"));
    assert_eq!(e.record.timestamp, Some(1_710_174_834));
    assert_eq!(e.event_id, "postmark:bounce:4323372036854775807");
    assert_eq!(e.verdict.class.as_deref(), Some("HardBounce"));
    assert_eq!(e.verdict.subclass.as_deref(), Some("1"));
    assert_eq!(e.record.headers.get("tag").map(String::as_str), Some("welcome-email"));
}

#[test]
fn soft_bounce_is_soft() {
    let e = post("bounce-soft.json").events.remove(0);
    assert_eq!(e.record.recipient, "packrat@example.net");
    assert_eq!(e.record.reason, Reason::MailboxFull);
    assert_eq!(e.record.kind, Kind::Soft);
}

#[test]
fn auto_responder_is_an_auto_reply() {
    let e = post("bounce-autoresponder.json").events.remove(0);
    assert_eq!(e.record.reason, Reason::Vacation);
    assert_eq!(e.record.kind, Kind::AutoReply);
    assert_eq!(e.record.action, Action::None);
}

#[test]
fn spam_complaint_and_delivery() {
    let c = post("spam-complaint.json").events.remove(0);
    assert_eq!(c.record.recipient, "not.amused@example.org");
    assert_eq!(c.record.kind, Kind::Complaint);
    assert_eq!(c.event_id, "postmark:spamcomplaint:42");
    let d = post("delivery.json").events.remove(0);
    assert_eq!(d.record.recipient, "glad@example.com");
    assert_eq!(d.record.kind, Kind::Delivered);
    assert_eq!(d.event_id, "postmark:delivery:3d4e5f60-7182-4d9e-afb0-2b3c4d5e6f70:glad@example.com");
}

#[test]
fn other_record_types_are_ignored() {
    let intake = post("open.json");
    assert!(intake.events.is_empty());
    assert_eq!(intake.ignored, 1);
}

#[test]
fn header_token_is_accepted() {
    let body = fixture("postmark", "bounce-hard.json");
    let intake = run(Provider::Postmark, &[("x-webhook-token", TOKEN)], body.as_bytes(), &verifier()).expect("token");
    assert_eq!(intake.events.len(), 1);
}

#[test]
fn wrong_credentials_are_refused() {
    let body = fixture("postmark", "bounce-hard.json");
    let wrong_password = basic(USER, "c0rrect-h0rse-batterz");
    let wrong_user = basic("admin", PASSWORD);
    let cases: [&[(&str, &str)]; 5] = [
        &[("Authorization", wrong_password.as_str())],
        &[("Authorization", wrong_user.as_str())],
        &[("Authorization", "Basic !!!")],
        &[("X-Webhook-Token", "pm-4b7e9c2a5d1f8e3b6a0d")],
        // A right token does not excuse a wrong password.
        &[("X-Webhook-Token", TOKEN), ("Authorization", wrong_password.as_str())],
    ];
    for headers in cases {
        let err = run(Provider::Postmark, headers, body.as_bytes(), &verifier()).expect_err("refused");
        assert!(matches!(err, WebhookError::BadCredentials), "{headers:?}: {err}");
        assert_eq!(err.status(), 403);
    }
}

#[test]
fn missing_credentials_are_unauthenticated() {
    let body = fixture("postmark", "bounce-hard.json");
    let err = run(Provider::Postmark, &[("Content-Type", "application/json")], body.as_bytes(), &verifier()).expect_err("refused");
    assert!(matches!(err, WebhookError::MissingCredentials(_)));
    assert_eq!(err.status(), 401);
}

#[test]
fn same_record_twice_has_the_same_event_id() {
    assert_eq!(ids(&post("bounce-soft.json")), ids(&post("bounce-soft.json")));
}

#[test]
fn weak_or_absent_secrets_are_refused_at_configuration() {
    let none = Config { postmark: Some(SecretAuth::default()), ..Config::default() };
    assert!(matches!(Verifier::new(none), Err(ConfigError::NoCredentials("postmark"))));
    let weak = SecretAuth { basic: Some(BasicAuth { user: "u".into(), password: "".into() }), token: None };
    assert!(matches!(Verifier::new(Config { postmark: Some(weak), ..Config::default() }), Err(ConfigError::WeakSecret(_))));
}
