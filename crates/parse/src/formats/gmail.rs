//! Gmail's plain-text bounce (the layout Gmail used before it switched to RFC 3464
//! reports, still returned by Google relays).
//!
//! Written by `Mail Delivery Subsystem <mailer-daemon@googlemail.com>` with the subject
//! `Delivery Status Notification (Failure|Delay)` and no delivery-status part:
//!
//! ```text
//! Delivery to the following recipient failed permanently:
//!
//!      alice@example.org
//!
//! Technical details of permanent failure:
//! Google tried to deliver your message, but it was rejected by the recipient domain. …
//! The error that the other server returned was: 550 550 5.1.1 <alice@…>... User unknown (state 14).
//!
//! ----- Original message -----
//! ```
//!
//! Gmail's current reports are RFC 3464 (see [`report`]); they are read here too so that
//! Gmail's own sentences keep their meaning.
//!
//! A delay warning says `Delivery to the following recipient has been delayed:` and
//! `Technical details of temporary failure:`. Gmail tags the quoted reply with the SMTP
//! session state it failed in (`(state 14)`, the RCPT stage); when the reply carries no
//! precise enhanced status code, that state and Gmail's own sentences ("The recipient
//! server did not accept our requests to connect", "DNS Error: Domain name not found")
//! decide the reason.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::{Format, rfc3464, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "gmail", parse };

/// Line that introduces the failed recipients (permanent failures and delays).
const RECIPIENTS_MARK: &str = "Delivery to the following recipient";

/// Line that introduces the explanation.
const DETAILS_MARK: &str = "Technical details of ";

/// Words that introduce the remote server's reply.
const REPLY_MARK: &str = "The error that the other server returned was:";

/// Gmail's SMTP session states: the stage at which the remote server refused the
/// message, and what a refusal at that stage means.
const STATES: &[(u32, Reason)] = &[
    // Remote server does not support TLS.
    (6, Reason::SystemError),
    // SMTP AUTH with the remote server failed.
    (8, Reason::SystemError),
    (9, Reason::SystemError),
    // The remote server does not relay for Gmail.
    (12, Reason::NoRelaying),
    // Refused at the greeting or EHLO.
    (13, Reason::Blocked),
    // Refused at RCPT TO.
    (14, Reason::UserUnknown),
    // Refused after DATA.
    (15, Reason::Filtered),
    (17, Reason::Filtered),
    (18, Reason::Filtered),
];

/// Gmail's own sentences (not the remote server's reply) and their meaning.
const SENTENCES: &[(&str, Reason)] = &[
    ("The recipient server did not accept our requests to connect", Reason::Expired),
    ("DNS Error: Could not contact DNS servers", Reason::Expired),
    ("Delivery to the following recipient has been delayed", Reason::Expired),
    ("DNS Error: Domain name not found", Reason::HostUnknown),
    ("DNS Error: DNS server returned answer with no data", Reason::HostUnknown),
];

/// Gmail's own sentences in its RFC 3464 reports and their meaning.
const REPORT_SENTENCES: &[(&str, Reason)] = &[
    ("The recipient server did not accept our requests to connect", Reason::Expired),
    ("returned Null MX", Reason::NotAccept),
    // A Google Group refused the post as spam.
    ("rejected due to spam classification", Reason::SpamDetected),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from")?.to_ascii_lowercase();
    if !(from.contains("mailer-daemon@googlemail.com") || from.contains("mailer-daemon@google.com")) {
        return None;
    }
    if let Some(part) = mail.status_part.as_deref() {
        return report(mail, part);
    }
    let section = scan::report_of(mail);
    if !section.contains(RECIPIENTS_MARK) {
        return None;
    }
    let delayed = section.contains("has been delayed");
    let recipients = listed_recipients(section);
    let diagnostic = details(section);
    let reason = reason_of(&diagnostic);
    let out = recipients
        .into_iter()
        .map(|rcpt| Fragment {
            diagnostic: diagnostic.clone(),
            action: Some(if delayed { "delayed" } else { "failed" }.to_string()),
            reason,
            ..Fragment::new(rcpt)
        })
        .collect();
    Some(out)
}

/// Gmail's current layout: an RFC 3464 report from `Reporting-MTA: dns; googlemail.com`
/// whose diagnostic is either the remote reply or Gmail's own sentence
/// ([`REPORT_SENTENCES`]). Gmail reports a DNS failure it will retry (status 4.x.x) as
/// `DNS Error: … lookup of example.org responded with code NXDOMAIN`: a network problem
/// until the retries run out, not proof that the domain does not exist.
fn report(mail: &Mail, part: &str) -> Option<Vec<Fragment>> {
    let reporter = dsn::field(&mail.status_report()?.message, "reporting-mta")?.to_ascii_lowercase();
    if !(reporter.ends_with("googlemail.com") || reporter.ends_with("google.com")) {
        return None;
    }
    let mut out = rfc3464::read(mail, part);
    for f in &mut out {
        f.reason = REPORT_SENTENCES.iter().find(|(s, _)| f.diagnostic.contains(s)).map(|(_, r)| *r);
        if f.reason.is_none() && f.diagnostic.contains("DNS Error:") && f.status.is_some_and(|s| s.class() == 4) {
            f.reason = Some(Reason::NetworkError);
        }
    }
    Some(out)
}

/// The addresses listed (one per indented line) after the recipients line.
fn listed_recipients(section: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = section.lines().skip_while(|l| !l.contains(RECIPIENTS_MARK)).skip(1);
    for line in lines.by_ref() {
        let t = line.trim();
        if t.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        match address::first_address(t) {
            Some(a) if !t.contains(' ') => out.push(a),
            _ => break,
        }
    }
    out
}

/// The explanation: the remote server's reply when Gmail quotes one (Gmail's own
/// wrapper sentences, "it was rejected by the recipient domain", say nothing about the
/// cause), else the text after `Technical details of … failure:`, else the warning itself
/// when a delay notice gives no details.
fn details(section: &str) -> String {
    let start = section.find(DETAILS_MARK).or_else(|| section.find(RECIPIENTS_MARK)).unwrap_or(0);
    let text = &section[start..];
    let text = text.split_once(':').filter(|_| text.starts_with(DETAILS_MARK)).map_or(text, |(_, rest)| rest);
    let text = text.split_once(REPLY_MARK).map_or(text, |(_, reply)| reply);
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-Type:"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Gmail's reason, unless the remote reply carries a precise enhanced status code (then
/// the classifier reads the reply itself).
fn reason_of(diagnostic: &str) -> Option<Reason> {
    let (_, status) = bouncekit_classify::smtp::find_codes(diagnostic);
    if status.is_some_and(|s| s.subject() > 0 && s.detail() > 0) {
        return None;
    }
    if let Some(state) = state_of(diagnostic)
        && let Some((_, r)) = STATES.iter().find(|(s, _)| *s == state)
    {
        return Some(*r);
    }
    SENTENCES.iter().find(|(s, _)| diagnostic.contains(s)).map(|(_, r)| *r)
}

/// The number in `(state 14)`.
fn state_of(text: &str) -> Option<u32> {
    let p = text.find("(state ")?;
    let digits: String = text[p + 7..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_number() {
        assert_eq!(state_of("550 550 Unknown user (state 18)."), Some(18));
        assert_eq!(state_of("no state here"), None);
        assert_eq!(state_of("(state x)"), None);
    }

    #[test]
    fn precise_code_leaves_the_reason_to_the_reply() {
        assert_eq!(reason_of("550 550 5.1.1 <a@example.org>... User unknown (state 14)."), None);
        assert_eq!(reason_of("554 554 5.7.0 Header error (state 18)."), Some(Reason::Filtered));
        assert_eq!(reason_of("The recipient server did not accept our requests to connect."), Some(Reason::Expired));
    }

    #[test]
    fn recipients_are_the_indented_addresses() {
        let t = "Delivery to the following recipients failed permanently:\n\n     a@example.org\n     b@example.org\n\nTechnical details of permanent failure:\nx\n";
        assert_eq!(listed_recipients(t), vec!["a@example.org".to_string(), "b@example.org".to_string()]);
    }
}
