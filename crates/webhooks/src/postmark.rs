//! Postmark webhooks, authenticated by basic auth (credentials in the webhook URL) or a
//! custom header token, compared in constant time. One record per request (an array is
//! accepted too): `RecordType` `Bounce` (with `Type` `HardBounce`, `SoftBounce`,
//! `Transient`, …), `SpamComplaint`, `Delivery`; other record types are ignored.

use bouncekit_core::Reason;
use serde_json::Value;

use crate::auth::{Headers, check_secret};
use crate::error::WebhookError;
use crate::json::{self, text};
use crate::map::{Draft, Hint, finish};
use crate::{Intake, Provider, ProviderVerdict, Verifier, time};

const P: Provider = Provider::Postmark;

pub(crate) fn handle(headers: Headers<'_>, body: &[u8], verifier: &Verifier) -> Result<Intake, WebhookError> {
    let auth = verifier.config().postmark.as_ref().ok_or(WebhookError::NotConfigured(P))?;
    check_secret(auth, headers)?;
    let v = json::parse(P, body)?;
    let records = match &v {
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(&v),
        _ => return Err(WebhookError::malformed(P, "body is not a JSON object")),
    };
    let mut intake = Intake::new(P);
    for r in records {
        map_record(r, &mut intake)?;
    }
    Ok(intake)
}

/// What a bounce `Type` implies: (stated reason, fallback reason, permanence).
fn bounce_type(t: &str) -> (Option<Reason>, Option<Reason>, Option<bool>) {
    match t {
        "HardBounce" => (None, Some(Reason::UserUnknown), Some(true)),
        "BadEmailAddress" => (None, Some(Reason::UserUnknown), Some(true)),
        "SoftBounce" | "Transient" | "Unknown" => (None, None, Some(false)),
        "DnsError" => (None, Some(Reason::NetworkError), Some(false)),
        "AddressChange" => (None, Some(Reason::HasMoved), Some(true)),
        "Blocked" => (None, Some(Reason::Blocked), None),
        "DMARCPolicy" => (None, Some(Reason::AuthFailure), None),
        "SpamNotification" => (None, Some(Reason::SpamDetected), None),
        "VirusNotification" => (None, Some(Reason::VirusDetected), None),
        "AutoResponder" | "ChallengeVerification" => (Some(Reason::Vacation), None, None),
        "SpamComplaint" => (Some(Reason::Feedback), None, None),
        // Unsubscribe, Subscribe, ManuallyDeactivated, OpenRelayTest, Unconfirmed,
        // SMTPApiError, InboundError, TemplateRenderingFailed: nothing about the address.
        _ => (Some(Reason::OnHold), None, None),
    }
}

fn map_record(r: &Value, intake: &mut Intake) -> Result<(), WebhookError> {
    if !r.is_object() {
        return Err(WebhookError::malformed(P, "record is not an object"));
    }
    let record_type = text(r, "RecordType").ok_or_else(|| WebhookError::malformed(P, "no `RecordType`"))?;
    let class = text(r, "Type");
    let (hint, recipient_key, at_key) = match record_type.as_str() {
        "Bounce" => {
            let (stated, fallback, permanent) = bounce_type(class.as_deref().unwrap_or(""));
            (Hint { stated, fallback, permanent }, "Email", "BouncedAt")
        }
        "SpamComplaint" => (Hint::stated(Reason::Feedback), "Email", "BouncedAt"),
        "Delivery" => (Hint::stated(Reason::Delivered), "Recipient", "DeliveredAt"),
        _ => {
            intake.ignored += 1;
            return Ok(());
        }
    };
    let recipient = text(r, recipient_key).ok_or_else(|| WebhookError::malformed(P, format!("no `{recipient_key}`")))?;
    let mut d = Draft {
        recipient,
        diagnostic: text(r, "Details").unwrap_or_default(),
        sender: text(r, "From"),
        subject: text(r, "Subject"),
        timestamp: text(r, at_key).and_then(|t| time::parse_rfc3339(&t)),
        dsn_action: (record_type == "Delivery").then(|| "delivered".to_string()),
        feedback_type: (record_type == "SpamComplaint").then(|| "abuse".to_string()),
        ..Draft::default()
    };
    if let Some(id) = text(r, "MessageID") {
        d.headers.push(("postmark-message-id", id));
    }
    if let Some(tag) = text(r, "Tag") {
        d.headers.push(("tag", tag));
    }
    if let Some(stream) = text(r, "MessageStream") {
        d.headers.push(("message-stream", stream));
    }
    let verdict = ProviderVerdict {
        event: record_type.clone(),
        class,
        subclass: text(r, "TypeCode"),
        code: None,
    };
    // Bounces and complaints have a numeric `ID`; deliveries are one per message and
    // recipient.
    let id = match (text(r, "ID"), text(r, "MessageID")) {
        (Some(id), _) => format!("{}:{id}", record_type.to_ascii_lowercase()),
        (None, Some(m)) if record_type == "Delivery" => format!("delivery:{m}:{}", d.recipient.to_ascii_lowercase()),
        _ => json::content_id(r),
    };
    intake.events.push(finish(P, &id, verdict, d, hint));
    Ok(())
}
