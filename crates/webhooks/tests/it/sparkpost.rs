//! SparkPost: header token or basic auth, batches, batch ids.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::{Action, Kind, Reason};
use bouncekit_webhooks::sparkpost::{BATCH_HEADER, TOKEN_HEADER};
use bouncekit_webhooks::{BasicAuth, Config, HeaderToken, Intake, Provider, SecretAuth, Verifier, WebhookError};

use crate::common::{event, fixture, ids, run};

const TOKEN: &str = "sp-1e5c8a2f7b3d9e4c6a0b";
const BATCH: &str = "3cae5d5c-f2a8-4f3e-93e0-9c5c1f1d2b7a";

fn verifier() -> Verifier {
    let auth = SecretAuth {
        basic: Some(BasicAuth { user: "sparkpost".into(), password: "s3cret-sparkpost-pw".into() }),
        token: Some(HeaderToken { header: TOKEN_HEADER.into(), token: TOKEN.into() }),
    };
    Verifier::new(Config { sparkpost: Some(auth), ..Config::default() }).expect("config")
}

fn post(name: &str) -> Intake {
    let body = fixture("sparkpost", name);
    run(Provider::SparkPost, &[(TOKEN_HEADER, TOKEN), (BATCH_HEADER, BATCH)], body.as_bytes(), &verifier()).expect(name)
}

#[test]
fn batch_is_mapped_and_its_id_returned() {
    let intake = post("batch.json");
    assert_eq!(intake.batch_id.as_deref(), Some(BATCH));
    assert_eq!(intake.events.len(), 6);
    assert_eq!(intake.ignored, 1, "the open event");

    let hard = event(&intake, "departed@example.com");
    assert_eq!(hard.record.reason, Reason::UserUnknown);
    assert_eq!(hard.record.kind, Kind::Hard);
    assert_eq!(hard.record.reply_code.map(|c| c.get()), Some(550));
    assert_eq!(hard.record.timestamp, Some(1_710_150_942));
    assert_eq!(hard.event_id, "sparkpost:92356927693813856");
    assert_eq!(hard.verdict.class.as_deref(), Some("10"));
    assert_eq!(hard.verdict.subclass.as_deref(), Some("Invalid Recipient"));
    assert_eq!(hard.record.headers.get("campaign-id").map(String::as_str), Some("spring-2024"));

    let block = event(&intake, "someone@example.net");
    assert_eq!(block.record.kind, Kind::Block);
    assert_eq!(block.record.action, Action::AlertSender);

    let delay = event(&intake, "stuffed@example.org");
    assert_eq!(delay.record.reason, Reason::MailboxFull);
    assert_eq!(delay.record.kind, Kind::Soft);

    let oob = event(&intake, "late.reject@example.com");
    assert_eq!(oob.record.kind, Kind::Hard);
    assert_eq!(oob.verdict.event, "out_of_band");

    let complaint = event(&intake, "complainer@example.com");
    assert_eq!(complaint.record.kind, Kind::Complaint);
    assert_eq!(complaint.record.feedback_type.as_deref(), Some("abuse"));

    assert_eq!(event(&intake, "reader@example.com").record.kind, Kind::Delivered);
}

#[test]
fn ping_is_an_empty_batch() {
    let intake = post("ping.json");
    assert!(intake.events.is_empty());
    assert_eq!(intake.ignored, 0);
}

#[test]
fn same_batch_twice_has_the_same_ids() {
    let (a, b) = (post("batch.json"), post("batch.json"));
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.batch_id, b.batch_id);
}

#[test]
fn basic_auth_is_accepted() {
    let auth = format!("Basic {}", STANDARD.encode("sparkpost:s3cret-sparkpost-pw"));
    let body = fixture("sparkpost", "batch.json");
    let intake = run(Provider::SparkPost, &[("authorization", auth.as_str())], body.as_bytes(), &verifier()).expect("basic");
    assert_eq!(intake.events.len(), 6);
    assert_eq!(intake.batch_id, None);
}

#[test]
fn wrong_or_missing_token_is_refused() {
    let body = fixture("sparkpost", "batch.json");
    let err = run(Provider::SparkPost, &[(TOKEN_HEADER, "sp-1e5c8a2f7b3d9e4c6a0c")], body.as_bytes(), &verifier()).expect_err("wrong");
    assert!(matches!(err, WebhookError::BadCredentials));
    let err = run(Provider::SparkPost, &[(BATCH_HEADER, BATCH)], body.as_bytes(), &verifier()).expect_err("missing");
    assert!(matches!(err, WebhookError::MissingCredentials(_)));
}

#[test]
fn a_malformed_item_fails_the_whole_batch() {
    let body = br#"[{"msys": {"message_event": {"type": "bounce", "rcpt_to": "a@example.com"}}}, {"nothing": 1}]"#;
    let err = run(Provider::SparkPost, &[(TOKEN_HEADER, TOKEN)], body, &verifier()).expect_err("malformed");
    assert!(matches!(err, WebhookError::Malformed { .. }));
    assert_eq!(err.status(), 400);
}
