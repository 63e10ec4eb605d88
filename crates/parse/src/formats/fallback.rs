//! Bounce-looking mail that no specific format claimed, read with the generic scanner.
//!
//! A message qualifies when it comes from a mailer daemon or postmaster, or its subject
//! says delivery failed. The failed recipients are the addresses the report section
//! names on recipient lines; if it names none but clearly reports a failure, the
//! returned message's `To:` is the recipient.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "fallback", parse };

/// Subject words of bounces (lowercase substrings).
pub const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliver", "undelivered", "delivery status", "delivery failure", "delivery failed", "delivery notification", "failure notice",
    "returned mail", "returned to sender", "mail delivery", "non remis", "nondeliverable", "non-deliverable", "not delivered",
    "could not be delivered", "rejected", "delivery problem", "mail system error", "permanent error", "warning: could not send",
    "message not delivered", "unzustellbar", "nicht zustellbar", "error", "failed", "failure", "bounce", "返送", "不達", "エラー",
];

/// Senders of bounces (lowercase substrings of the From header).
pub const BOUNCE_SENDERS: &[&str] = &["mailer-daemon", "postmaster", "mail delivery", "mail administrator", "mail-daemon", "maildelivery", "bounce", "noreply"];

/// True when the message looks like a bounce by its sender or subject.
pub fn looks_like_bounce(mail: &Mail) -> bool {
    let from = mail.headers.get("from").unwrap_or("").to_lowercase();
    let subject = mail.headers.get("subject").unwrap_or("").to_lowercase();
    BOUNCE_SENDERS.iter().any(|s| from.contains(s)) || BOUNCE_SUBJECTS.iter().any(|s| subject.contains(s))
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !looks_like_bounce(mail) {
        return None;
    }
    Some(generic(mail))
}

/// The generic reading, usable by formats that only need different detection.
pub fn generic(mail: &Mail) -> Vec<Fragment> {
    let section = scan::report_of(mail);
    let skip = scan::senders(mail);
    let found = scan::recipients(section, &skip);
    if !found.is_empty() {
        return found
            .into_iter()
            .map(|f| Fragment { diagnostic: f.diagnostic, ..Fragment::new(f.recipient) })
            .collect();
    }
    let to = mail.original.as_ref().and_then(|h| h.get("to")).map(address::addresses).unwrap_or_default();
    let text: String = section
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-Type:"))
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    to.into_iter()
        .filter(|a| !skip.contains(&a.to_ascii_lowercase()))
        .map(|a| Fragment { diagnostic: text.clone(), ..Fragment::new(a) })
        .collect()
}
