//! Amazon SES via SNS: the SNS envelope (subscription confirmation, notification,
//! unsubscribe confirmation) with SignatureVersion 1 (SHA1withRSA) and 2
//! (SHA256withRSA) verified against the signing certificate, and both SES payload
//! formats: notifications (`notificationType`) and event publishing (`eventType`).
//!
//! Checks, in order: the message type header matches the body, the topic is allowed,
//! the `SigningCertURL` is `https://sns.<region>.amazonaws.com[.cn]/….pem`, the
//! signature version is known, a `SubscribeURL` is on an SNS host, then the certificate
//! (cached, else from the [`CertificateSource`]) verifies the signature over the
//! canonical string SNS defines. Only then is the message read.

mod cert;
#[cfg(feature = "fetch")]
mod fetch;
mod sns;

use bouncekit_core::Reason;
use serde_json::Value;

pub(crate) use cert::{CertCache, default_source};
pub use cert::{CertificateSource, StaticSource};
#[cfg(feature = "fetch")]
pub use fetch::HttpsSource;

use crate::auth::Headers;
use crate::error::WebhookError;
use crate::json::{self, text};
use crate::map::{Draft, Hint, finish};
use crate::{Intake, Provider, ProviderVerdict, Verifier, time};
use sns::{Envelope, MessageType};

/// An SNS control message the server must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnsControl {
    /// A subscription to confirm: GET `url` (already checked to be on an SNS host). The
    /// library does not fetch it.
    Subscribe {
        /// The topic.
        topic_arn: String,
        /// The `SubscribeURL`.
        url: String,
    },
    /// The endpoint was unsubscribed from the topic; `url` would subscribe it again.
    Unsubscribed {
        /// The topic.
        topic_arn: String,
        /// The `SubscribeURL` that would resubscribe.
        url: String,
    },
}

const P: Provider = Provider::Ses;

pub(crate) fn handle(headers: Headers<'_>, body: &[u8], now: i64, verifier: &Verifier) -> Result<Intake, WebhookError> {
    let cfg = verifier.config().ses.as_ref().ok_or(WebhookError::NotConfigured(P))?;
    let v = json::parse(P, body)?;
    let env = Envelope::parse(&v)?;
    if let Some(h) = headers.get("x-amz-sns-message-type")
        && h != env.type_name()
    {
        return Err(WebhookError::malformed(P, format!("header says `{h}`, body says `{}`", env.type_name())));
    }
    if !cfg.topic_arns.is_empty() && !cfg.topic_arns.contains(&env.topic_arn) {
        return Err(WebhookError::TopicNotAllowed(env.topic_arn));
    }
    if !sns::is_trusted_cert_url(&env.signing_cert_url) {
        return Err(WebhookError::UntrustedCertUrl(env.signing_cert_url));
    }
    if !matches!(env.signature_version.as_str(), "1" | "2") {
        return Err(WebhookError::UnsupportedSignatureVersion(env.signature_version));
    }
    if let Some(url) = &env.subscribe_url
        && env.kind != MessageType::Notification
        && !sns::is_trusted_subscribe_url(url)
    {
        return Err(WebhookError::UntrustedSubscribeUrl(url.clone()));
    }
    let cert = verifier.certs.get(&env.signing_cert_url, now)?;
    sns::verify(&env, &cert)?;
    if let Some(window) = cfg.max_age {
        let ts = time::parse_rfc3339(&env.timestamp)
            .ok_or_else(|| WebhookError::malformed(P, format!("bad Timestamp `{}`", env.timestamp)))?;
        if now.saturating_sub(ts).unsigned_abs() > window {
            return Err(WebhookError::Stale { timestamp: ts, now, window });
        }
    }

    let mut intake = Intake::new(P);
    match env.kind {
        MessageType::SubscriptionConfirmation => {
            let url = env.subscribe_url.unwrap_or_default();
            intake.sns = Some(SnsControl::Subscribe { topic_arn: env.topic_arn, url });
        }
        MessageType::UnsubscribeConfirmation => {
            let url = env.subscribe_url.unwrap_or_default();
            intake.sns = Some(SnsControl::Unsubscribed { topic_arn: env.topic_arn, url });
        }
        MessageType::Notification => {
            let msg: Value = serde_json::from_str(&env.message)
                .map_err(|e| WebhookError::malformed(P, format!("Message is not SES JSON: {e}")))?;
            map_message(&msg, &env.message_id, &mut intake)?;
        }
    }
    Ok(intake)
}

/// Maps one SES message, notification or event-publishing format.
fn map_message(msg: &Value, sns_id: &str, intake: &mut Intake) -> Result<(), WebhookError> {
    let Some(kind) = text(msg, "notificationType").or_else(|| text(msg, "eventType")) else {
        return Err(WebhookError::malformed(P, "Message has neither `notificationType` nor `eventType`"));
    };
    let mail = msg.get("mail").unwrap_or(&Value::Null);
    let base = || base_draft(mail);
    let ses_id = text(mail, "messageId");
    let id_or = |own: Option<String>, suffix: &str| -> String {
        own.or_else(|| ses_id.as_ref().map(|m| format!("{m}:{suffix}"))).unwrap_or_else(|| sns_id.to_string())
    };
    match kind.as_str() {
        "Bounce" => {
            let b = section(msg, "bounce")?;
            let class = text(b, "bounceType");
            let subclass = text(b, "bounceSubType");
            let hint = bounce_hint(class.as_deref(), subclass.as_deref());
            let id = id_or(text(b, "feedbackId"), "bounce");
            for r in list(b, "bouncedRecipients") {
                let mut d = base();
                d.recipient = text(r, "emailAddress").unwrap_or_default();
                d.status = text(r, "status");
                d.dsn_action = text(r, "action");
                d.diagnostic = text(r, "diagnosticCode").unwrap_or_default();
                d.reporting_mta = text(b, "reportingMTA");
                d.remote_mta = text(b, "remoteMtaIp");
                d.timestamp = text(b, "timestamp").and_then(|t| time::parse_rfc3339(&t)).or(d.timestamp);
                let verdict = ProviderVerdict { event: kind.clone(), class: class.clone(), subclass: subclass.clone(), code: None };
                push(intake, &id, verdict, d, hint);
            }
        }
        "Complaint" => {
            let c = section(msg, "complaint")?;
            let feedback = text(c, "complaintFeedbackType");
            let subclass = text(c, "complaintSubType");
            let id = id_or(text(c, "feedbackId"), "complaint");
            for r in list(c, "complainedRecipients") {
                let mut d = base();
                d.recipient = text(r, "emailAddress").unwrap_or_default();
                d.feedback_type = feedback.clone();
                d.diagnostic = text(c, "userAgent").map(|ua| format!("complaint via {ua}")).unwrap_or_default();
                d.timestamp = text(c, "timestamp").and_then(|t| time::parse_rfc3339(&t)).or(d.timestamp);
                let verdict = ProviderVerdict { event: kind.clone(), class: feedback.clone(), subclass: subclass.clone(), code: None };
                push(intake, &id, verdict, d, Hint::stated(Reason::Feedback));
            }
        }
        "Delivery" => {
            let dl = section(msg, "delivery")?;
            let id = id_or(None, "delivery");
            for r in dl.get("recipients").and_then(Value::as_array).into_iter().flatten() {
                let mut d = base();
                d.recipient = json::as_text(r).unwrap_or_default();
                d.diagnostic = text(dl, "smtpResponse").unwrap_or_default();
                d.dsn_action = Some("delivered".into());
                d.reporting_mta = text(dl, "reportingMTA");
                d.remote_mta = text(dl, "remoteMtaIp");
                d.timestamp = text(dl, "timestamp").and_then(|t| time::parse_rfc3339(&t)).or(d.timestamp);
                let verdict = ProviderVerdict { event: kind.clone(), ..ProviderVerdict::default() };
                push(intake, &id, verdict, d, Hint::stated(Reason::Delivered));
            }
        }
        "DeliveryDelay" => {
            let dl = section(msg, "deliveryDelay")?;
            let class = text(dl, "delayType");
            let ts = text(dl, "timestamp");
            let id = id_or(None, &format!("delay:{}", ts.as_deref().unwrap_or("")));
            let hint = Hint::fallback(delay_reason(class.as_deref()), Some(false));
            for r in list(dl, "delayedRecipients") {
                let mut d = base();
                d.recipient = text(r, "emailAddress").unwrap_or_default();
                d.status = text(r, "status");
                d.diagnostic = text(r, "diagnosticCode").unwrap_or_default();
                d.dsn_action = Some("delayed".into());
                d.reporting_mta = text(dl, "reportingMTA");
                d.timestamp = ts.as_deref().and_then(time::parse_rfc3339).or(d.timestamp);
                let verdict = ProviderVerdict { event: kind.clone(), class: class.clone(), ..ProviderVerdict::default() };
                push(intake, &id, verdict, d, hint);
            }
        }
        "Reject" => {
            // SES refused to send: the message contained a virus.
            let rj = section(msg, "reject")?;
            let id = id_or(None, "reject");
            for r in mail.get("destination").and_then(Value::as_array).into_iter().flatten() {
                let mut d = base();
                d.recipient = json::as_text(r).unwrap_or_default();
                d.diagnostic = text(rj, "reason").unwrap_or_default();
                let verdict = ProviderVerdict { event: kind.clone(), class: text(rj, "reason"), ..ProviderVerdict::default() };
                push(intake, &id, verdict, d, Hint::stated(Reason::VirusDetected));
            }
        }
        // Send, Open, Click, Rendering Failure, Subscription, AmazonSnsSubscriptionSucceeded…
        _ => intake.ignored += 1,
    }
    Ok(())
}

fn push(intake: &mut Intake, id: &str, verdict: ProviderVerdict, d: Draft, hint: Hint) {
    let id = format!("{id}:{}", d.recipient.trim().to_ascii_lowercase());
    intake.events.push(finish(P, &id, verdict, d, hint));
}

fn section<'a>(msg: &'a Value, key: &str) -> Result<&'a Value, WebhookError> {
    msg.get(key).filter(|v| v.is_object()).ok_or_else(|| WebhookError::malformed(P, format!("missing `{key}` object")))
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// The facts the `mail` object gives every recipient.
fn base_draft(mail: &Value) -> Draft {
    let common = mail.get("commonHeaders").unwrap_or(&Value::Null);
    let mut d = Draft {
        sender: text(mail, "source"),
        message_id: text(common, "messageId"),
        subject: text(common, "subject"),
        timestamp: text(mail, "timestamp").and_then(|t| time::parse_rfc3339(&t)),
        ..Draft::default()
    };
    if let Some(id) = text(mail, "messageId") {
        d.headers.push(("ses-message-id", id));
    }
    if let Some(tags) = mail.get("tags").and_then(Value::as_object) {
        if let Some(cs) = tags.get("ses:configuration-set").and_then(Value::as_array).and_then(|a| a.first()).and_then(json::as_text) {
            d.headers.push(("ses-configuration-set", cs));
        }
        let campaign = ["campaign", "campaign-id", "campaign_id"].iter().find_map(|k| tags.get(*k));
        if let Some(c) = campaign.and_then(Value::as_array).and_then(|a| a.first()).and_then(json::as_text) {
            d.headers.push(("campaign-id", c));
        }
    }
    d
}

/// What SES's `bounceType` / `bounceSubType` imply.
fn bounce_hint(class: Option<&str>, subclass: Option<&str>) -> Hint {
    let permanent = match class {
        Some("Permanent") => Some(true),
        Some("Transient") => Some(false),
        _ => None,
    };
    let reason = match subclass {
        Some("NoEmail") => Some(Reason::UserUnknown),
        // On SES's suppression list: it hard-bounced (or complained) before.
        Some("Suppressed" | "OnAccountSuppressionList") => Some(Reason::UserUnknown),
        Some("MailboxFull") => Some(Reason::MailboxFull),
        Some("MessageTooLarge") => Some(Reason::MesgTooBig),
        Some("ContentRejected") => Some(Reason::ContentError),
        Some("AttachmentRejected") => Some(Reason::PolicyViolation),
        _ => None,
    };
    Hint::fallback(reason, permanent)
}

/// What SES's `delayType` implies.
fn delay_reason(class: Option<&str>) -> Option<Reason> {
    Some(match class? {
        "InternalFailure" | "RecipientServerError" => Reason::SystemError,
        "MailboxFull" => Reason::MailboxFull,
        "SpamDetected" => Reason::SpamDetected,
        "IPFailure" => Reason::Blocked,
        "TransientCommunicationFailure" | "BYOIPHostNameLookupUnavailable" => Reason::NetworkError,
        "SendingDeferral" => Reason::Speeding,
        _ => return None,
    })
}
