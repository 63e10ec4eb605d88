//! SparkPost event webhooks, authenticated by basic auth or a header token (default
//! `X-MessageSystems-Webhook-Token`), compared in constant time. A batch is an array of
//! `{"msys": {"message_event": {…}}}` objects; the batch id header
//! `X-MessageSystems-Batch-ID` is returned so the store can skip a batch delivered
//! again. Mapped message events: `bounce`, `out_of_band`, `delay`, `policy_rejection`
//! (by `bounce_class`, `raw_reason`, `error_code`), `spam_complaint`, `delivery`; track,
//! unsubscribe, relay and generation events are ignored.

use bouncekit_core::Reason;
use serde_json::Value;

use crate::auth::{Headers, check_secret};
use crate::error::WebhookError;
use crate::json::{self, text};
use crate::map::{Draft, Hint, finish};
use crate::{Intake, Provider, ProviderVerdict, Verifier};

/// The header carrying the batch id.
pub const BATCH_HEADER: &str = "X-MessageSystems-Batch-ID";
/// The header SparkPost sends a webhook's `auth_token` in.
pub const TOKEN_HEADER: &str = "X-MessageSystems-Webhook-Token";

const P: Provider = Provider::SparkPost;

pub(crate) fn handle(headers: Headers<'_>, body: &[u8], verifier: &Verifier) -> Result<Intake, WebhookError> {
    let auth = verifier.config().sparkpost.as_ref().ok_or(WebhookError::NotConfigured(P))?;
    check_secret(auth, headers)?;
    let v = json::parse(P, body)?;
    let Value::Array(batch) = &v else {
        return Err(WebhookError::malformed(P, "body is not an array"));
    };
    let mut intake = Intake::new(P);
    intake.batch_id = headers.get(BATCH_HEADER).filter(|b| !b.is_empty()).map(str::to_string);
    for (i, item) in batch.iter().enumerate() {
        let Some(msys) = item.get("msys").and_then(Value::as_object) else {
            return Err(WebhookError::malformed(P, format!("item {i} has no `msys` object")));
        };
        // `{"msys": {}}` is the ping SparkPost sends when a webhook is created.
        for (group, event) in msys {
            if group == "message_event" {
                map_event(event, i, &mut intake)?;
            } else {
                intake.ignored += 1;
            }
        }
    }
    Ok(intake)
}

/// SparkPost's bounce classes: (name, fallback reason, permanence).
fn bounce_class(class: i64) -> (&'static str, Option<Reason>, Option<bool>) {
    match class {
        1 => ("Undetermined", None, None),
        10 => ("Invalid Recipient", Some(Reason::UserUnknown), Some(true)),
        20 => ("Soft Bounce", None, Some(false)),
        21 => ("DNS Failure", Some(Reason::NetworkError), Some(false)),
        22 => ("Mailbox Full", Some(Reason::MailboxFull), Some(false)),
        23 => ("Too Large", Some(Reason::MesgTooBig), Some(false)),
        24 => ("Timeout", Some(Reason::Expired), Some(false)),
        25 => ("Admin Failure", Some(Reason::OnHold), None),
        26 => ("Smart Send Suppression", Some(Reason::OnHold), None),
        30 => ("Generic Bounce: No RCPT", Some(Reason::UserUnknown), Some(true)),
        40 => ("Generic Bounce", None, Some(false)),
        50 => ("Mail Block", Some(Reason::Blocked), None),
        51 => ("Spam Block", Some(Reason::SpamDetected), None),
        52 => ("Spam Content", Some(Reason::SpamDetected), None),
        53 => ("Prohibited Attachment", Some(Reason::PolicyViolation), None),
        54 => ("Relaying Denied", Some(Reason::NoRelaying), None),
        60 => ("Auto-Reply", Some(Reason::Vacation), None),
        70 => ("Transient Failure", None, Some(false)),
        80 => ("Subscribe", Some(Reason::OnHold), None),
        90 => ("Unsubscribe", Some(Reason::OnHold), None),
        100 => ("Challenge-Response", Some(Reason::OnHold), None),
        _ => ("Unknown", None, None),
    }
}

fn map_event(e: &Value, index: usize, intake: &mut Intake) -> Result<(), WebhookError> {
    let bad = |d: &str| WebhookError::malformed(P, format!("item {index}: {d}"));
    if !e.is_object() {
        return Err(bad("message_event is not an object"));
    }
    let event = text(e, "type").ok_or_else(|| bad("message_event has no `type`"))?;
    let class = json::int(e, "bounce_class");
    let (class_name, fallback, permanent) = class.map(bounce_class).unwrap_or(("", None, None));
    let hint = match event.as_str() {
        "bounce" | "out_of_band" | "policy_rejection" => {
            // An auto-reply class is the provider's statement, not a guess.
            if fallback == Some(Reason::Vacation) { Hint::stated(Reason::Vacation) } else { Hint::fallback(fallback, permanent) }
        }
        "delay" => Hint::fallback(fallback.filter(|r| *r != Reason::OnHold), Some(false)),
        "spam_complaint" => Hint::stated(Reason::Feedback),
        "delivery" => Hint::stated(Reason::Delivered),
        _ => {
            intake.ignored += 1;
            return Ok(());
        }
    };
    let recipient = text(e, "rcpt_to").or_else(|| text(e, "raw_rcpt_to")).ok_or_else(|| bad("no `rcpt_to`"))?;
    let error_code = text(e, "error_code");
    let smtp_code = error_code.as_deref().and_then(|c| c.parse::<i64>().ok()).filter(|c| (200..600).contains(c));
    let mut d = Draft {
        recipient,
        diagnostic: text(e, "raw_reason").or_else(|| text(e, "reason")).unwrap_or_default(),
        reply_code: smtp_code,
        sender: text(e, "msg_from").or_else(|| text(e, "friendly_from")),
        subject: text(e, "subject"),
        timestamp: e.get("timestamp").and_then(crate::time::from_json),
        dsn_action: match event.as_str() {
            "delivery" => Some("delivered".into()),
            "delay" => Some("delayed".into()),
            "bounce" | "out_of_band" | "policy_rejection" => Some("failed".into()),
            _ => None,
        },
        feedback_type: if event == "spam_complaint" { text(e, "fbtype").or_else(|| Some("abuse".into())) } else { None },
        ..Draft::default()
    };
    for (key, name) in [("campaign_id", "campaign-id"), ("message_id", "sparkpost-message-id"), ("transmission_id", "transmission-id")] {
        if let Some(v) = text(e, key) {
            d.headers.push((name, v));
        }
    }
    let verdict = ProviderVerdict {
        event: event.clone(),
        class: class.map(|c| c.to_string()),
        subclass: (!class_name.is_empty()).then(|| class_name.to_string()),
        code: error_code.filter(|_| smtp_code.is_none()),
    };
    let id = text(e, "event_id").unwrap_or_else(|| json::content_id(e));
    intake.events.push(finish(P, &id, verdict, d, hint));
    Ok(())
}
