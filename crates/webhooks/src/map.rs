//! From a provider event to a classified [`Record`]: shared by every provider.

use bouncekit_classify::{Evidence, address, classify, decide, is_permanent, smtp};
use bouncekit_core::{OriginKind, Reason, Record, ReplyCode, StatusCode};

use crate::{Provider, ProviderVerdict, WebhookEvent};

/// What a provider's own classification implies, used beside the diagnostic text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hint {
    /// A reason the provider states outright (a complaint, a delivery, an auto-reply):
    /// it wins over the text.
    pub stated: Option<Reason>,
    /// The reason the provider's class implies, used only when the text and codes decide
    /// nothing (`undefined` or `onhold`).
    pub fallback: Option<Reason>,
    /// Permanence by the provider's class, used only when no code gives it.
    pub permanent: Option<bool>,
}

impl Hint {
    pub(crate) fn stated(reason: Reason) -> Self {
        Hint { stated: Some(reason), ..Hint::default() }
    }

    pub(crate) fn fallback(reason: Option<Reason>, permanent: Option<bool>) -> Self {
        Hint { stated: None, fallback: reason, permanent }
    }
}

/// The facts of one recipient of one provider event, before classification.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    /// The recipient as the provider wrote it.
    pub recipient: String,
    /// Diagnostic text as the provider wrote it (`smtp; 550 5.1.1 …`).
    pub diagnostic: String,
    /// A status code field, when the provider has one.
    pub status: Option<String>,
    /// A reply code field, when the provider has one (only 2xx–5xx SMTP codes are used).
    pub reply_code: Option<i64>,
    /// The remote MTA.
    pub remote_mta: Option<String>,
    /// The reporting MTA (`dsn; a8-70.smtp-out.amazonses.com`).
    pub reporting_mta: Option<String>,
    /// DSN action (`failed`, `delayed`, `delivered`).
    pub dsn_action: Option<String>,
    /// Envelope or header sender.
    pub sender: Option<String>,
    /// Message-ID of the original message.
    pub message_id: Option<String>,
    /// Subject of the original message.
    pub subject: Option<String>,
    /// When it happened.
    pub timestamp: Option<i64>,
    /// Complaint feedback type.
    pub feedback_type: Option<String>,
    /// Extra values kept in `record.headers` (campaign ids, tags).
    pub headers: Vec<(&'static str, String)>,
}

/// Classifies a draft into an event with id `<provider>:<id>`.
pub(crate) fn finish(provider: Provider, id: &str, verdict: ProviderVerdict, d: Draft, hint: Hint) -> WebhookEvent {
    let event_id = format!("{provider}:{id}");
    let recipient = address::normalize(&d.recipient).unwrap_or_else(|| d.recipient.trim().to_string());
    let mut r = Record::new(recipient);

    let (diagnostic_type, text) = split_diagnostic_type(&d.diagnostic);
    let reply = smtp::parse_reply(text);
    let field_status: Option<StatusCode> = d.status.as_deref().and_then(|s| s.trim().parse().ok());
    r.status = match (field_status, reply.status) {
        // A generic X.0.0 field loses to a specific code of the same class in the text.
        (Some(f), Some(t)) if f.subject() == 0 && f.detail() == 0 && f.class() == t.class() => Some(t),
        (Some(f), _) => Some(f),
        (None, t) => t,
    };
    r.reply_code = d.reply_code.and_then(|c| u16::try_from(c).ok()).and_then(ReplyCode::new).or(reply.reply_code);
    if let (Some(c), Some(s)) = (r.reply_code, r.status) {
        r.code_mismatch = s.disagrees_with(c);
    }
    r.diagnostic = text.to_string();
    r.diagnostic_type = (!text.is_empty()).then(|| diagnostic_type.unwrap_or("SMTP").to_string());
    r.remote_mta = d.remote_mta.or(reply.remote_host);
    r.reporting_mta = d.reporting_mta.map(|m| m.split_once(';').map_or(m.trim(), |(_, host)| host.trim()).to_string());
    r.smtp_command = reply.command;
    r.dsn_action = d.dsn_action;
    r.sender = d.sender.map(|s| address::normalize(&s).unwrap_or(s));
    r.message_id = d.message_id;
    r.subject = d.subject;
    r.timestamp = d.timestamp;
    r.feedback_type = d.feedback_type;
    r.format = provider.as_str().to_string();
    r.origin.kind = OriginKind::Webhook;
    r.origin.name = event_id.clone();

    // Fields added to `Evidence` later default to "unknown" instead of breaking the build.
    #[allow(clippy::needless_update)]
    let ev = Evidence {
        status: r.status,
        reply_code: r.reply_code,
        text: &r.diagnostic,
        remote_host: r.remote_mta.as_deref(),
        recipient: Some(&r.recipient),
        command: r.smtp_command.as_deref(),
        dsn_action: r.dsn_action.as_deref(),
        format_reason: hint.stated,
        standalone: true,
        diagnostic_type: r.diagnostic_type.as_deref(),
        ..Evidence::default()
    };
    let c = classify(&ev);
    let mut reason = c.reason;
    if matches!(reason, Reason::Undefined | Reason::OnHold)
        && let Some(f) = hint.fallback
    {
        reason = f;
    }
    let permanent = is_permanent(&ev).or(hint.permanent);
    let (kind, blame, action) = decide(reason, permanent);
    r.reason = reason;
    r.kind = kind;
    r.blame = blame;
    r.action = action;
    r.hard_bounce = match reason {
        Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved => true,
        Reason::NotAccept => permanent.unwrap_or(true),
        _ => false,
    };

    r.headers.insert("provider-event".into(), verdict.event.clone());
    for (k, v) in [("provider-class", &verdict.class), ("provider-subclass", &verdict.subclass), ("provider-code", &verdict.code)] {
        if let Some(v) = v {
            r.headers.insert(k.into(), v.clone());
        }
    }
    for (k, v) in d.headers {
        r.headers.insert(k.into(), v);
    }
    WebhookEvent { event_id, verdict, record: r }
}

/// Splits `smtp; 550 …` into (`SMTP`, `550 …`); text without a type prefix is returned
/// whole.
fn split_diagnostic_type(s: &str) -> (Option<&'static str>, &str) {
    let t = s.trim();
    if let Some((ty, rest)) = t.split_once(';') {
        let ty = ty.trim();
        let known = [("smtp", "SMTP"), ("x-postfix", "X-Postfix"), ("x-unix", "X-Unix"), ("dns", "DNS"), ("x-local-hostname", "X-Local-Hostname")];
        if let Some((_, canon)) = known.iter().find(|(k, _)| ty.eq_ignore_ascii_case(k)) {
            return (Some(*canon), rest.trim());
        }
    }
    (None, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_type_prefix_is_split() {
        assert_eq!(split_diagnostic_type("smtp; 550 5.1.1 no"), (Some("SMTP"), "550 5.1.1 no"));
        assert_eq!(split_diagnostic_type("dsn; mta.example.net"), (None, "dsn; mta.example.net"));
        assert_eq!(split_diagnostic_type("550 no; really"), (None, "550 no; really"));
    }
}
