//! Amazon SES (sending): bounces of mail sent through SES, and SES event notifications
//! delivered by e-mail through Amazon SNS.
//!
//! - **Bounce reports** come from `MAILER-DAEMON@*.amazonses.com` (or carry the
//!   `X-SES-Outgoing` header SES stamps on what it sends) as an RFC 3464 report whose
//!   `Reporting-MTA` is an `*.smtp-out.*.amazonses.com` host. SES wraps the remote reply in
//!   its own: `5.1.0 - Unknown address error 550-'5.7.1 … Access denied'` or
//!   `554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection
//!   timed out>`; the quoted reply is the remote server's and its codes are the ones that
//!   matter.
//! - **Notifications** come from `no-reply@sns.amazonaws.com` with the subject `AWS
//!   Notification Message` and a JSON body (`notificationType` or `eventType`: `Bounce`,
//!   `Complaint`, `Delivery`), possibly inside the SNS envelope (`"Message": "{…}"`).
//!   Mail relays break its long line with `!` + newline + space, which is removed before
//!   reading.

use bouncekit_classify::smtp;
use bouncekit_core::{Reason, ReplyCode, StatusCode};
use bouncekit_mime::{Mail, dsn};
use serde_json::Value;

use super::{Format, rfc3464};
use crate::Fragment;
use crate::fragment::parse_status;

/// The format.
pub static FORMAT: Format = Format { name: "amazonses", parse };

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if is_notification(mail) {
        return notification(mail);
    }
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    if !(from.contains("amazonses.com") || mail.headers.has("x-ses-outgoing")) {
        return None;
    }
    let part = mail.status_part.as_deref()?;
    let reporter = mail.status_report()?.message.iter().find(|(n, _)| n == "reporting-mta").map(|(_, v)| v.to_ascii_lowercase());
    if !reporter.is_some_and(|r| r.contains("amazonses.com")) {
        return None;
    }
    let mut out = rfc3464::read(mail, part);
    for f in &mut out {
        refine(f);
    }
    Some(out)
}

/// Applies what SES's wrapping of the remote reply says: the quoted reply's codes, and
/// SES's own "Message expired" verdict.
pub(crate) fn refine(f: &mut Fragment) {
    let generic = f.status.is_none_or(|s| s.detail() == 0 && s.subject() <= 1);
    if let Some((code, status, reply)) = quoted_reply(&f.diagnostic, generic) {
        f.status = Some(status);
        if code.is_some() {
            f.reply_code = code;
        }
        // SES's own label ("Unknown address error") is generic: keep the remote's words.
        if let Some(reply) = reply {
            f.diagnostic = reply;
        }
    }
    if f.diagnostic.contains("Message expired") {
        f.reason = Some(Reason::Expired);
    }
}

/// The remote reply SES quotes inside its own text: `<421 4.4.2 Connection timed out>`
/// always, and `550-'5.7.1 … Access denied'` when SES's own code is generic (then with
/// the remote reply rebuilt as text).
fn quoted_reply(text: &str, generic: bool) -> Option<(Option<ReplyCode>, StatusCode, Option<String>)> {
    for (i, _) in text.match_indices('<') {
        let rest = &text[i + 1..];
        let b = rest.as_bytes();
        if b.len() > 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' ' {
            let inner = rest.split('>').next().unwrap_or(rest);
            let r = smtp::parse_reply(inner);
            if let (Some(c), Some(s)) = (r.reply_code, r.status) {
                return Some((Some(c), s, None));
            }
        }
    }
    if !generic {
        return None;
    }
    let p = text.find("-'")?;
    let quoted = &text[p + 2..];
    let quoted = quoted.rfind('\'').map_or(quoted, |q| &quoted[..q]);
    let status = parse_status(quoted.split_whitespace().next()?)?;
    let code: Option<ReplyCode> = text[..p].get(p.saturating_sub(3)..).and_then(|c| c.parse().ok());
    let reply = match code {
        Some(c) => format!("{c} {quoted}"),
        None => quoted.to_string(),
    };
    Some((code, status, Some(reply)))
}

/// An SES event notification sent by SNS as e-mail.
fn is_notification(mail: &Mail) -> bool {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    from.contains("@sns.amazonaws.com") && mail.body.contains("Type\"")
}

/// Reads the JSON of a notification: one fragment per bounced, complained-about or
/// delivered recipient.
fn notification(mail: &Mail) -> Option<Vec<Fragment>> {
    let event = event_json(&mail.body)?;
    let kind = event.get("notificationType").or_else(|| event.get("eventType")).and_then(Value::as_str)?;
    let out = match kind {
        "Bounce" => bounces(event.get("bounce")?),
        "Complaint" => complaints(event.get("complaint")?),
        "Delivery" => deliveries(event.get("delivery")?),
        _ => Vec::new(),
    };
    Some(out)
}

/// The event object: the body's JSON, unwrapped from the SNS envelope when needed.
fn event_json(body: &str) -> Option<Value> {
    let start = body.find('{')?;
    let end = body.rfind('}')?;
    let text = body.get(start..=end)?.replace("!\n ", "");
    let v: Value = serde_json::from_str(&text).ok()?;
    match v.get("Message").and_then(Value::as_str) {
        Some(inner) => serde_json::from_str(inner).ok(),
        None => Some(v),
    }
}

fn str_field<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

fn bounces(b: &Value) -> Vec<Fragment> {
    let reporter = str_field(b, "reportingMTA").map(|r| dsn::strip_type(r).1.to_ascii_lowercase());
    let list = b.get("bouncedRecipients").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|r| {
            let mut f = Fragment::new(str_field(r, "emailAddress")?);
            f.status = str_field(r, "status").and_then(parse_status);
            f.action = str_field(r, "action").map(str::to_ascii_lowercase);
            if let Some(d) = str_field(r, "diagnosticCode") {
                let (t, text) = dsn::strip_type(d);
                f.diagnostic_type = t.map(str::to_ascii_uppercase);
                f.diagnostic = text.to_string();
            }
            f.reporting_mta = reporter.clone();
            f.date = str_field(b, "timestamp").map(str::to_string);
            refine(&mut f);
            Some(f)
        })
        .collect()
}

fn complaints(c: &Value) -> Vec<Fragment> {
    let feedback = str_field(c, "complaintFeedbackType").unwrap_or("abuse").to_ascii_lowercase();
    let list = c.get("complainedRecipients").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|r| {
            let mut f = Fragment::new(str_field(r, "emailAddress")?);
            f.reason = Some(Reason::Feedback);
            f.feedback_type = Some(feedback.clone());
            f.diagnostic = str_field(c, "userAgent").unwrap_or("").to_string();
            f.date = str_field(c, "timestamp").map(str::to_string);
            Some(f)
        })
        .collect()
}

fn deliveries(d: &Value) -> Vec<Fragment> {
    let response = str_field(d, "smtpResponse").unwrap_or("");
    let reply = smtp::parse_reply(response);
    let reporter = str_field(d, "reportingMTA").map(str::to_ascii_lowercase);
    let list = d.get("recipients").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(Value::as_str)
        .map(|r| Fragment {
            status: reply.status,
            reply_code: reply.reply_code,
            diagnostic: response.to_string(),
            action: Some("delivered".into()),
            reporting_mta: reporter.clone(),
            date: str_field(d, "timestamp").map(str::to_string),
            ..Fragment::new(r)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_reply_wins() {
        let (c, s, _) = quoted_reply("554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out>", false).unwrap_or_else(|| panic!("no reply"));
        assert_eq!(c.map(|c| c.to_string()), Some("421".into()));
        assert_eq!(s.to_string(), "4.4.2");
    }

    #[test]
    fn quoted_reply_behind_generic_code() {
        let t = "5.1.0 - Unknown address error 550-'5.2.2 <a@example.org>... Mailbox Full' (delivery attempts: 0)";
        let (c, s, reply) = quoted_reply(t, true).unwrap_or_else(|| panic!("no reply"));
        assert_eq!(c.map(|c| c.to_string()), Some("550".into()));
        assert_eq!(s.to_string(), "5.2.2");
        assert_eq!(reply.as_deref(), Some("550 5.2.2 <a@example.org>... Mailbox Full"));
        assert!(quoted_reply(t, false).is_none());
    }

    #[test]
    fn notification_json_with_relay_breaks() {
        let body = "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":\"a@exam!\n ple.org\"}],\"complaintFeedbackType\":\"abuse\"}}\n\n--\nunsubscribe\n";
        let v = event_json(body).unwrap_or_default();
        let f = complaints(v.get("complaint").unwrap_or(&Value::Null));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].recipient, "a@example.org");
    }
}
