//! Mailgun webhooks (JSON): `signature.signature` is the hex HMAC-SHA256 of
//! `signature.timestamp` followed by `signature.token`, keyed with the webhook signing
//! key. Timestamps further than the window (default five minutes) from now are stale;
//! a token seen before within its window is a replay. Mapped `event-data` events:
//! `failed` (severity `permanent` / `temporary`), `complained`, `delivered`.

use bouncekit_core::Reason;
use ring::hmac;
use serde_json::Value;

use crate::auth::Headers;
use crate::error::WebhookError;
use crate::json::{self, text};
use crate::map::{Draft, Hint, finish};
use crate::replay::ReplayToken;
use crate::{Intake, Provider, ProviderVerdict, ReplayCache, Verifier};

const P: Provider = Provider::Mailgun;

/// The signature Mailgun computes for `timestamp` and `token`: lowercase hex of
/// HMAC-SHA256 keyed with `signing_key`. For tests and for tools that replay events.
pub fn sign(signing_key: &str, timestamp: &str, token: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, signing_key.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(timestamp.as_bytes());
    ctx.update(token.as_bytes());
    ctx.sign().as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

pub(crate) fn handle(
    _headers: Headers<'_>,
    body: &[u8],
    now: i64,
    verifier: &Verifier,
    replay: &ReplayCache,
) -> Result<Intake, WebhookError> {
    let (Some(cfg), Some(key)) = (verifier.config().mailgun.as_ref(), verifier.mailgun_key.as_ref()) else {
        return Err(WebhookError::NotConfigured(P));
    };
    let v = json::parse(P, body)?;
    let sig = v.get("signature").filter(|s| s.is_object()).ok_or(WebhookError::MissingCredentials("signature"))?;
    let timestamp = text(sig, "timestamp").ok_or(WebhookError::MissingCredentials("signature.timestamp"))?;
    let token = text(sig, "token").ok_or(WebhookError::MissingCredentials("signature.token"))?;
    let signature = text(sig, "signature").ok_or(WebhookError::MissingCredentials("signature.signature"))?;
    let signature = hex(&signature).ok_or(WebhookError::BadSignature)?;
    let mut signed = timestamp.clone().into_bytes();
    signed.extend_from_slice(token.as_bytes());
    hmac::verify(key, &signed, &signature).map_err(|_| WebhookError::BadSignature)?;

    let ts: i64 =
        timestamp.parse().map_err(|_| WebhookError::malformed(P, format!("timestamp `{timestamp}` is not a number")))?;
    let window = cfg.max_age;
    if now.saturating_sub(ts).unsigned_abs() > window {
        return Err(WebhookError::Stale { timestamp: ts, now, window });
    }

    let mut intake = Intake::new(P);
    let data = v.get("event-data").filter(|d| d.is_object()).ok_or_else(|| WebhookError::malformed(P, "missing `event-data`"))?;
    map_event(data, &mut intake)?;

    // Recorded last, so a request refused above can be sent again.
    let expires = ts.saturating_add(i64::try_from(window).unwrap_or(i64::MAX));
    let key = format!("mailgun:{token}");
    if !replay.check_and_insert(&key, expires, now) {
        return Err(WebhookError::Replayed);
    }
    intake.replay_token = Some(ReplayToken(key));
    Ok(intake)
}

fn map_event(e: &Value, intake: &mut Intake) -> Result<(), WebhookError> {
    let event = text(e, "event").ok_or_else(|| WebhookError::malformed(P, "event-data has no `event`"))?;
    let status = e.get("delivery-status").unwrap_or(&Value::Null);
    let severity = text(e, "severity");
    let reason = text(e, "reason");
    let hint = match event.as_str() {
        "failed" => {
            let permanent = match severity.as_deref() {
                Some("permanent") => Some(true),
                Some("temporary") => Some(false),
                _ => None,
            };
            let fallback = match reason.as_deref() {
                Some("suppress-bounce") => Some(Reason::UserUnknown),
                Some("suppress-complaint") => Some(Reason::Feedback),
                Some("old") => Some(Reason::Expired),
                Some("espblock") => Some(Reason::Blocked),
                _ => None,
            };
            Hint::fallback(fallback, permanent)
        }
        "complained" => Hint::stated(Reason::Feedback),
        "delivered" => Hint::stated(Reason::Delivered),
        _ => {
            intake.ignored += 1;
            return Ok(());
        }
    };
    let recipient = text(e, "recipient").ok_or_else(|| WebhookError::malformed(P, "event-data has no `recipient`"))?;
    let message = text(status, "message");
    let description = text(status, "description");
    let diagnostic = match (message, description) {
        (Some(m), Some(d)) if m != d => format!("{m} {d}"),
        (Some(m), _) => m,
        (None, Some(d)) => d,
        (None, None) => String::new(),
    };
    let code = json::int(status, "code");
    let smtp_code = code.filter(|c| (200..600).contains(c));
    let headers = e.get("message").and_then(|m| m.get("headers")).unwrap_or(&Value::Null);
    let mut d = Draft {
        recipient,
        diagnostic,
        status: text(status, "enhanced-code"),
        reply_code: smtp_code,
        remote_mta: text(status, "mx-host"),
        dsn_action: Some(match event.as_str() {
            "delivered" => "delivered".into(),
            "failed" if severity.as_deref() == Some("temporary") => "delayed".into(),
            "failed" => "failed".into(),
            _ => String::new(),
        })
        .filter(|a| !a.is_empty()),
        sender: e.get("envelope").and_then(|en| text(en, "sender")).or_else(|| text(headers, "from")),
        message_id: text(headers, "message-id"),
        subject: text(headers, "subject"),
        timestamp: e.get("timestamp").and_then(crate::time::from_json),
        feedback_type: (event == "complained").then(|| "abuse".to_string()),
        ..Draft::default()
    };
    for (key, name) in [("tags", "tags"), ("campaigns", "campaign-id")] {
        let values: Vec<String> = e.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(json::as_text).collect();
        if !values.is_empty() {
            d.headers.push((name, values.join(",")));
        }
    }
    let verdict = ProviderVerdict {
        event: event.clone(),
        class: severity,
        subclass: reason,
        code: code.filter(|c| smtp_code != Some(*c)).map(|c| c.to_string()),
    };
    let id = text(e, "id").unwrap_or_else(|| json::content_id(e));
    intake.events.push(finish(P, &id, verdict, d, hint));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decoding() {
        assert_eq!(hex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(hex("0"), None);
        assert_eq!(hex("zz"), None);
        assert_eq!(hex("é1"), None);
    }
}
