//! Fragments plus message context → classified records.

use bouncekit_classify::{Evidence, apply, classify};
use bouncekit_core::{Origin, Record};
use bouncekit_mime::{Mail, date};

use crate::Fragment;

/// Original-message headers copied into every record: campaign and list identifiers
/// that let a sender trace a bounce to a send.
pub const KEPT_HEADERS: &[&str] = &["list-id", "list-unsubscribe", "x-campaign-id", "x-campaign", "x-mailgun-campaign-id", "feedback-id", "x-job", "x-mailer", "x-ses-configuration-set"];

pub(crate) fn build(mail: &Mail, format: &'static str, fragments: Vec<Fragment>, origin: &Origin) -> Vec<Record> {
    let original = mail.original.as_ref();
    let message_id = original.and_then(|h| h.get("message-id")).map(|v| v.trim().trim_matches(['<', '>']).to_string());
    let subject = original.and_then(|h| h.get("subject")).map(str::to_string);
    let sender = original
        .and_then(|h| h.get("return-path").or_else(|| h.get("from")))
        .and_then(bouncekit_classify::address::first_address);
    let mail_date = mail.headers.get("date").and_then(date::parse);
    let mut kept = std::collections::BTreeMap::new();
    if let Some(h) = original {
        for name in KEPT_HEADERS {
            if let Some(v) = h.get(name) {
                kept.insert((*name).to_string(), v.to_string());
            }
        }
    }
    fragments
        .into_iter()
        .map(|mut f| {
            f.complete_from_text();
            let mut r = Record::new(f.recipient.clone());
            let ev = Evidence {
                status: f.status,
                reply_code: f.reply_code,
                text: &f.diagnostic,
                remote_host: f.remote_mta.as_deref(),
                recipient: Some(&f.recipient),
                command: f.command.as_deref(),
                dsn_action: f.action.as_deref(),
                format_reason: f.reason,
                standalone: false,
                diagnostic_type: f.diagnostic_type.as_deref(),
            };
            let c = classify(&ev);
            apply(&mut r, &c);
            r.status = f.status;
            r.reply_code = f.reply_code;
            r.code_mismatch = matches!((f.status, f.reply_code), (Some(s), Some(c)) if s.disagrees_with(c));
            r.diagnostic = collapse_ws(&f.diagnostic);
            r.diagnostic_type = f.diagnostic_type;
            r.remote_mta = f.remote_mta;
            r.reporting_mta = f.reporting_mta;
            r.smtp_command = f.command;
            r.dsn_action = f.action;
            r.feedback_type = f.feedback_type;
            r.timestamp = f.date.as_deref().and_then(date::parse).or(mail_date);
            r.message_id = message_id.clone();
            r.subject = subject.clone();
            r.sender = sender.clone();
            r.format = format.to_string();
            r.origin = origin.clone();
            r.headers = kept.clone();
            r
        })
        .collect()
}

/// Joins lines and runs of white space into single spaces.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        // The same words as `split_whitespace` (ASCII white space includes the vertical
        // tab there), found byte by byte.
        let b = s.as_bytes();
        let blank = |c: u8| c.is_ascii_whitespace() || c == 0x0b;
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && blank(b[i]) {
                i += 1;
            }
            let start = i;
            while i < b.len() && !blank(b[i]) {
                i += 1;
            }
            if start < i {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[start..i]);
            }
        }
        return out;
    }
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}
