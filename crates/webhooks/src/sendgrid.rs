//! SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature
//! (`X-Twilio-Email-Event-Webhook-Signature`, base64 DER) over the
//! `X-Twilio-Email-Event-Webhook-Timestamp` value followed by the exact raw body; the
//! body is an array of events. Mapped: `bounce` (type `bounce` or `blocked`),
//! `dropped`, `deferred`, `delivered`, `spamreport`; engagement events are ignored.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bouncekit_core::Reason;
use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use serde_json::Value;

use crate::auth::Headers;
use crate::error::WebhookError;
use crate::json::{self, text};
use crate::map::{Draft, Hint, finish};
use crate::{Intake, Provider, ProviderVerdict, Verifier};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Email-Event-Webhook-Signature";
/// The timestamp header.
pub const TIMESTAMP_HEADER: &str = "X-Twilio-Email-Event-Webhook-Timestamp";

const P: Provider = Provider::SendGrid;

pub(crate) fn handle(headers: Headers<'_>, body: &[u8], now: i64, verifier: &Verifier) -> Result<Intake, WebhookError> {
    let (Some(cfg), Some(key)) = (verifier.config().sendgrid.as_ref(), verifier.sendgrid_key.as_deref()) else {
        return Err(WebhookError::NotConfigured(P));
    };
    let signature = headers.get(SIGNATURE_HEADER).ok_or(WebhookError::MissingCredentials(SIGNATURE_HEADER))?;
    let timestamp = headers.get(TIMESTAMP_HEADER).ok_or(WebhookError::MissingCredentials(TIMESTAMP_HEADER))?;
    let signature = STANDARD.decode(signature).map_err(|_| WebhookError::BadSignature)?;
    let mut signed = Vec::with_capacity(timestamp.len() + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.extend_from_slice(body);
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, key)
        .verify(&signed, &signature)
        .map_err(|_| WebhookError::BadSignature)?;
    if let Some(window) = cfg.max_age {
        let ts: i64 = timestamp
            .parse()
            .map_err(|_| WebhookError::malformed(P, format!("timestamp header `{timestamp}` is not a number")))?;
        if now.saturating_sub(ts).unsigned_abs() > window {
            return Err(WebhookError::Stale { timestamp: ts, now, window });
        }
    }

    let v = json::parse(P, body)?;
    let events = match &v {
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(&v),
        _ => return Err(WebhookError::malformed(P, "body is neither an array of events nor an event")),
    };
    let mut intake = Intake::new(P);
    for (i, e) in events.iter().enumerate() {
        map_event(e, i, &mut intake)?;
    }
    Ok(intake)
}

fn map_event(e: &Value, index: usize, intake: &mut Intake) -> Result<(), WebhookError> {
    if !e.is_object() {
        return Err(WebhookError::malformed(P, format!("event {index} is not an object")));
    }
    let Some(event) = text(e, "event") else {
        return Err(WebhookError::malformed(P, format!("event {index} has no `event`")));
    };
    let reason_text = text(e, "reason");
    let (class, hint, diagnostic) = match event.as_str() {
        "bounce" => {
            let class = text(e, "type").unwrap_or_else(|| "bounce".into());
            let classification = text(e, "bounce_classification");
            let (fallback, permanent) = match (class.as_str(), classification.as_deref()) {
                (_, Some("Invalid Address")) => (Some(Reason::UserUnknown), Some(true)),
                (_, Some("Reputation")) => (Some(Reason::BadReputation), None),
                (_, Some("Content")) => (Some(Reason::ContentError), None),
                (_, Some("Frequency or Volume")) => (Some(Reason::Speeding), None),
                ("blocked", _) => (Some(Reason::Blocked), Some(false)),
                _ => (None, Some(true)),
            };
            (Some(class), Hint::fallback(fallback, permanent), reason_text.clone())
        }
        "dropped" => {
            // SendGrid did not send: its own suppression lists or checks.
            let stated = match reason_text.as_deref() {
                Some("Bounced Address" | "Invalid") => Reason::UserUnknown,
                Some("Spam Reporting Address") => Reason::Feedback,
                Some(r) if r.starts_with("Spam Content") => Reason::SpamDetected,
                _ => Reason::OnHold,
            };
            (None, Hint::stated(stated), reason_text.clone())
        }
        "deferred" => (None, Hint::fallback(None, Some(false)), text(e, "response").or(reason_text.clone())),
        "delivered" => (None, Hint::stated(Reason::Delivered), text(e, "response")),
        "spamreport" => (None, Hint::stated(Reason::Feedback), None),
        _ => {
            intake.ignored += 1;
            return Ok(());
        }
    };
    let mut d = Draft {
        recipient: text(e, "email").ok_or_else(|| WebhookError::malformed(P, format!("event {index} has no `email`")))?,
        diagnostic: diagnostic.unwrap_or_default(),
        status: text(e, "status"),
        message_id: text(e, "smtp-id"),
        timestamp: json::int(e, "timestamp"),
        dsn_action: match event.as_str() {
            "delivered" => Some("delivered".into()),
            "deferred" => Some("delayed".into()),
            "bounce" => Some("failed".into()),
            _ => None,
        },
        feedback_type: (event == "spamreport").then(|| "abuse".to_string()),
        ..Draft::default()
    };
    if let Some(id) = text(e, "sg_message_id") {
        d.headers.push(("sendgrid-message-id", id));
    }
    if let Some(c) = text(e, "marketing_campaign_id") {
        d.headers.push(("campaign-id", c));
    }
    match e.get("category") {
        Some(Value::Array(a)) => {
            let cats: Vec<String> = a.iter().filter_map(json::as_text).collect();
            if !cats.is_empty() {
                d.headers.push(("category", cats.join(",")));
            }
        }
        Some(c) => {
            if let Some(c) = json::as_text(c) {
                d.headers.push(("category", c));
            }
        }
        None => {}
    }
    let verdict = ProviderVerdict {
        event: event.clone(),
        class,
        subclass: text(e, "bounce_classification"),
        code: None,
    };
    let id = text(e, "sg_event_id").unwrap_or_else(|| json::content_id(e));
    intake.events.push(finish(P, &id, verdict, d, hint));
    Ok(())
}
