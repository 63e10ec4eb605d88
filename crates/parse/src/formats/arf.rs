//! Abuse Reporting Format complaints (RFC 5965): a `multipart/report` with
//! `report-type=feedback-report` and a `message/feedback-report` part. One row per
//! complained-about recipient, reason `feedback`, with the feedback type.
//!
//! Microsoft's Junk Mail Reporting Program sends complaints without the report part: a
//! `multipart/mixed` from `staff@hotmail.com` with the subject `complaint about message
//! from <ip>` whose attached original carries the complaining recipient in
//! `X-HmXmrOriginalRecipient`. They are read as `abuse` reports.

use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::Format;
use crate::Fragment;
use bouncekit_classify::address;

/// The format.
pub static FORMAT: Format = Format { name: "arf", parse };

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let is_arf = mail.status_type.as_deref() == Some("message/feedback-report") || mail.report_type.as_deref() == Some("feedback-report");
    if !is_arf {
        return microsoft_jmrp(mail);
    }
    let part = mail.status_part.as_deref().unwrap_or("");
    let report = dsn::parse(part);
    let all: Vec<(String, String)> = report.message.iter().chain(report.recipients.iter().flatten()).cloned().collect();
    let feedback_type = dsn::field(&all, "feedback-type").map(|v| v.trim().to_ascii_lowercase()).unwrap_or_else(|| "abuse".into());
    let mut rcpts: Vec<String> = all
        .iter()
        .filter(|(n, _)| n == "original-rcpt-to" || n == "removal-recipient")
        .filter_map(|(_, v)| address::first_address(v))
        .collect();
    if rcpts.is_empty() {
        // The complained-about message's own recipient.
        if let Some(to) = mail.original.as_ref().and_then(|h| h.get("to")) {
            rcpts.extend(address::addresses(to));
        }
    }
    if rcpts.is_empty() {
        rcpts.push(String::new());
    }
    let date = dsn::field(&all, "arrival-date").or_else(|| dsn::field(&all, "received-date")).map(str::to_string);
    let reporter = dsn::field(&all, "reporting-mta").map(|v| dsn::strip_type(v).1.to_string());
    Some(
        rcpts
            .into_iter()
            .map(|r| Fragment {
                reason: Some(Reason::Feedback),
                feedback_type: Some(feedback_type.clone()),
                date: date.clone(),
                reporting_mta: reporter.clone(),
                diagnostic: mail.headers.get("subject").unwrap_or("").to_string(),
                ..Fragment::new(r)
            })
            .collect(),
    )
}

/// A complaint of Microsoft's Junk Mail Reporting Program (see the module docs).
fn microsoft_jmrp(mail: &Mail) -> Option<Vec<Fragment>> {
    // The subject first: reading the sender's address costs more.
    if !super::starts_with_ignore_ascii_case(mail.headers.get("subject").unwrap_or("").trim(), "complaint about message from") {
        return None;
    }
    let from = mail.headers.get("from").and_then(address::first_address)?;
    let subject = mail.headers.get("subject").unwrap_or("").trim().to_ascii_lowercase();
    if !from.eq_ignore_ascii_case("staff@hotmail.com") || !subject.starts_with("complaint about message from") {
        return None;
    }
    let original = mail.original.as_ref();
    let rcpt = original
        .and_then(|h| h.get("x-hmxmroriginalrecipient").or_else(|| h.get("to")))
        .and_then(address::first_address)
        .unwrap_or_default();
    Some(vec![Fragment {
        reason: Some(Reason::Feedback),
        feedback_type: Some("abuse".into()),
        diagnostic: mail.headers.get("subject").unwrap_or("").trim().to_string(),
        ..Fragment::new(rcpt)
    }])
}
