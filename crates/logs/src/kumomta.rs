//! KumoMTA JSON log records, one object per line.
//!
//! ```text
//! {"type":"Bounce","id":"…","sender":"sender@example.org","recipient":"bad@example.com",
//!  "response":{"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},
//!              "content":"user unknown","command":"RCPT TO:<bad@example.com>\r\n"},
//!  "peer_address":{"name":"mx.example.com","addr":"192.0.2.1"},"timestamp":1732845903,
//!  "bounce_classification":"InvalidRecipient",…}
//! ```
//!
//! Types `Bounce`, `AdminBounce`, `OOB` (failed), `Expiration` (failed, expired),
//! `TransientFailure` (delayed), `Delivery` (delivered) and `Feedback` (complaint) become
//! records; `Reception`, `Rejection` (inbound) and others are noise. The diagnostic is the
//! reply as the server wrote it (`550 5.1.1 user unknown`); `peer_address.name` is the
//! remote MTA, `response.command` the SMTP command, `bounce_classification` a reason where
//! it has a counterpart. `timestamp` may be epoch seconds or RFC 3339 text. `recipient`
//! may be one address or a list. `Message-ID` and `Subject` are taken from `headers` when
//! the log is configured to capture them. Lines that are not JSON objects of this shape
//! are malformed.

use bouncekit_core::{Reason, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::event::{Event, kumomta_class};
use crate::fields;
use crate::{Cx, Outcome, time};

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Enhanced {
    class: u8,
    subject: u16,
    detail: u16,
}

#[derive(Deserialize, Default)]
struct Response {
    code: Option<u16>,
    enhanced_code: Option<Enhanced>,
    #[serde(default)]
    content: String,
    command: Option<String>,
}

#[derive(Deserialize)]
struct Peer {
    name: Option<String>,
    addr: Option<String>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    sender: Option<String>,
    recipient: Option<OneOrMany>,
    response: Option<Response>,
    peer_address: Option<Peer>,
    timestamp: Option<Value>,
    bounce_classification: Option<String>,
    headers: Option<serde_json::Map<String, Value>>,
}

/// A header value captured in the record, by case-insensitive name.
fn header(headers: Option<&serde_json::Map<String, Value>>, name: &str) -> Option<String> {
    headers?.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str()).map(str::to_string)
}

/// Reads one line.
pub fn line(line: &str, _cx: &Cx, out: &mut Vec<Event>) -> Outcome {
    let t = line.trim();
    if !t.starts_with('{') {
        return Outcome::Noise;
    }
    let Ok(rec) = serde_json::from_str::<Line>(t) else { return Outcome::Malformed("kumomta: not a JSON log record") };
    let (action, format_reason) = match rec.kind.as_str() {
        "Bounce" | "AdminBounce" | "OOB" => ("failed", None),
        "Expiration" => ("failed", Some(Reason::Expired)),
        "TransientFailure" => ("delayed", None),
        "Delivery" => ("delivered", None),
        "Feedback" => ("", Some(Reason::Feedback)),
        _ => return Outcome::Noise,
    };
    let recipients = match rec.recipient {
        Some(OneOrMany::One(r)) => vec![r],
        Some(OneOrMany::Many(v)) => v,
        None => Vec::new(),
    };
    if recipients.iter().all(|r| r.trim().is_empty()) {
        return Outcome::Malformed("kumomta: record without recipient");
    }
    let resp = rec.response.unwrap_or_default();
    let status = resp.enhanced_code.as_ref().and_then(|e| StatusCode::new(e.class, e.subject, e.detail));
    let mut diagnostic = String::with_capacity(resp.content.len() + 10);
    if let Some(c) = resp.code {
        diagnostic.push_str(&c.to_string());
    }
    if let Some(s) = status {
        if !diagnostic.is_empty() {
            diagnostic.push(' ');
        }
        diagnostic.push_str(&s.to_string());
    }
    if !resp.content.is_empty() {
        if !diagnostic.is_empty() {
            diagnostic.push(' ');
        }
        diagnostic.push_str(resp.content.trim());
    }
    // `RCPT TO:<…>\r\n` → `RCPT`; the end-of-data dot answers `DATA`.
    let command = resp
        .command
        .as_deref()
        .and_then(|c| c.split([' ', ':', '\r', '\n']).next())
        .filter(|c| !c.is_empty())
        .map(|c| if c == "." { "DATA".to_string() } else { c.to_ascii_uppercase() });
    let timestamp = match &rec.timestamp {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => time::iso(s.as_bytes(), 0).map(|(t, _)| t),
        _ => None,
    };
    let remote = rec.peer_address.as_ref().and_then(|p| p.name.as_deref().filter(|n| !n.is_empty()).or(p.addr.as_deref())).and_then(fields::host);
    let format_reason = format_reason.or_else(|| rec.bounce_classification.as_deref().and_then(kumomta_class));
    let message_id = header(rec.headers.as_ref(), "message-id").map(|m| fields::unbracket(&m).to_string());
    let subject = header(rec.headers.as_ref(), "subject");
    let mut template = Event {
        sender: rec.sender.as_deref().and_then(fields::sender),
        status,
        reply_code: resp.code.and_then(bouncekit_core::ReplyCode::new),
        diagnostic_type: (!diagnostic.is_empty()).then(|| "SMTP".to_string()),
        diagnostic,
        remote_mta: remote,
        command,
        dsn_action: action,
        timestamp,
        message_id,
        subject,
        format_reason,
        ..Event::default()
    };
    template.complete_from_text();
    for r in recipients.iter().filter(|r| !r.trim().is_empty()).take(crate::MAX_RECIPIENTS_PER_LINE) {
        out.push(Event { recipient: fields::recipient(r), ..template.clone() });
    }
    Outcome::Events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{feed, one};
    use crate::{LineKind, Mta};

    #[test]
    fn bounce() {
        let r = one(
            Mta::KumoMta,
            r#"{"type":"Bounce","id":"1d98076abbbc11ed940250ebf67f93bd","sender":"sender@example.org","recipient":"bad@example.com","queue":"example.com","site":"x","size":1234,"response":{"code":550,"enhanced_code":{"class":5,"subject":1,"detail":1},"content":"user unknown","command":"RCPT TO:<bad@example.com>\r\n"},"peer_address":{"name":"mx.example.com","addr":"192.0.2.1"},"timestamp":1732845903,"created":1732845900,"num_attempts":1,"bounce_classification":"InvalidRecipient","egress_pool":"pool","egress_source":"src","feedback_report":null,"meta":{},"headers":{"Message-ID":"<m4@example.org>","Subject":"Hello"},"delivery_protocol":"ESMTP","reception_protocol":"ESMTP","nodeid":"n"}"#,
        );
        assert_eq!(r.recipient, "bad@example.com");
        assert_eq!(r.reason, Reason::UserUnknown);
        assert_eq!(r.diagnostic, "550 5.1.1 user unknown");
        assert_eq!(r.smtp_command.as_deref(), Some("RCPT"));
        assert_eq!(r.remote_mta.as_deref(), Some("mx.example.com"));
        assert_eq!(r.timestamp, Some(1_732_845_903));
        assert_eq!(r.message_id.as_deref(), Some("m4@example.org"));
        assert_eq!(r.subject.as_deref(), Some("Hello"));
        assert_eq!(r.format, "kumomta-log");
    }

    #[test]
    fn transient_delivery_and_noise() {
        let out = feed(
            Mta::KumoMta,
            &[
                r#"{"type":"TransientFailure","sender":"s@example.org","recipient":["a@example.net"],"response":{"code":452,"enhanced_code":{"class":4,"subject":2,"detail":2},"content":"mailbox full","command":null},"peer_address":null,"timestamp":"2024-11-29T02:05:03Z"}"#,
                r#"{"type":"Delivery","sender":"s@example.org","recipient":"ok@example.com","response":{"code":250,"enhanced_code":null,"content":"OK","command":".\r\n"},"peer_address":{"name":"","addr":"192.0.2.1"},"timestamp":1732845903}"#,
                r#"{"type":"Reception","sender":"s@example.org","recipient":"x@example.com"}"#,
                r#"{"type":"Bounce","sender":"s@example.org"}"#,
                r#"{"type":"Bounce", truncated"#,
            ],
        );
        let t = &out[0].1[0];
        assert_eq!(t.dsn_action.as_deref(), Some("delayed"));
        assert_eq!(t.kind, bouncekit_core::Kind::Soft);
        assert_eq!(t.timestamp, Some(1_732_845_903));
        let d = &out[1].1[0];
        assert_eq!(d.reason, Reason::Delivered);
        assert_eq!(d.remote_mta.as_deref(), Some("192.0.2.1"));
        let kinds: Vec<_> = out.iter().skip(2).map(|(k, _)| *k).collect();
        assert_eq!(kinds, [LineKind::Noise, LineKind::Malformed, LineKind::Malformed]);
    }
}
