//! Microsoft 365 / Exchange Online (and Outlook.com since it moved onto Exchange Online):
//! the "Undeliverable:" non-delivery report.
//!
//! The report is written by an Exchange Online server whose name ends in `outlook.com`
//! (`*.prod.outlook.com`, `*.mail.protection.outlook.com`): it is the `Generating server:`
//! of the text and, when the report has a delivery-status part, its `Reporting-MTA`.
//! The text reads:
//!
//! ```text
//! Delivery has failed to these recipients or groups:
//!
//! alice@example.org<mailto:alice@example.org>
//! The email address wasn't found at the destination domain. …
//!
//! Diagnostic information for administrators:
//!
//! Generating server: AB1CD23.eur01.prod.outlook.com
//!
//! alice@example.org
//! Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'
//!
//! Original message headers:
//! ```
//!
//! Exchange Online uses its own enhanced status codes (5.1.10 = recipient not found,
//! 5.4.316 = gave up after connections were refused, 5.7.606 = banned sending IP…);
//! [`STATUS_TABLE`] gives their meaning.

use std::collections::{HashMap, HashSet};

use bouncekit_classify::address;
use bouncekit_core::{Reason, StatusCode};
use bouncekit_mime::{Mail, dsn};

use super::{Format, rfc3464, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "office365", parse };

/// Line that introduces the failed recipients.
const RECIPIENTS_MARK: &str = "Delivery has failed to these recipients or groups";

/// Line that introduces the technical details.
const ADMIN_MARK: &str = "Diagnostic information for administrators";

/// Exchange Online status codes and their meaning: (class, subject, lowest detail,
/// highest detail, reason). A class of 0 matches both 4 and 5.
const STATUS_TABLE: &[(u8, u16, u16, u16, Reason)] = &[
    (4, 4, 7, 7, Reason::Expired),
    (0, 4, 312, 312, Reason::NetworkError),
    (0, 4, 316, 316, Reason::Expired),
    (4, 7, 26, 26, Reason::SecurityError),
    (4, 7, 500, 699, Reason::Blocked),
    (0, 7, 850, 899, Reason::Blocked),
    (5, 1, 10, 10, Reason::UserUnknown),
    (5, 4, 1, 1, Reason::NoRelaying),
    (5, 4, 6, 6, Reason::NetworkError),
    (5, 4, 8, 8, Reason::NetworkError),
    (5, 4, 14, 14, Reason::NetworkError),
    (5, 6, 11, 11, Reason::ContentError),
    (5, 7, 1, 1, Reason::Rejected),
    (5, 7, 12, 13, Reason::Rejected),
    (5, 7, 124, 124, Reason::Rejected),
    (5, 7, 133, 136, Reason::Rejected),
    (5, 7, 501, 503, Reason::SpamDetected),
    (5, 7, 504, 508, Reason::Rejected),
    (5, 7, 509, 509, Reason::AuthFailure),
    (5, 7, 510, 510, Reason::Rejected),
    (5, 7, 606, 649, Reason::Blocked),
    (5, 7, 700, 799, Reason::TooManyConn),
    (5, 7, 900, 999, Reason::PolicyViolation),
];

/// Exchange Online's meaning of a status code, when it differs from the registry's.
pub fn status_reason(s: StatusCode) -> Option<Reason> {
    STATUS_TABLE
        .iter()
        .find(|(c, sub, lo, hi, _)| (*c == 0 || *c == s.class()) && *sub == s.subject() && (*lo..=*hi).contains(&s.detail()))
        .map(|(.., r)| *r)
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    // The report section is cut out only for a message that names a generating server.
    let generated_by_exo =
        super::contains!(&mail.body, "Generating server:") && generating_server(scan::report_of(mail)).is_some_and(|h| h.ends_with("outlook.com"));
    let dsn_by_exo = mail
        .status_report()
        .and_then(|r| dsn::field(&r.message, "reporting-mta"))
        .is_some_and(|r| r.trim_end_matches('.').to_ascii_lowercase().ends_with("outlook.com"));
    if !(generated_by_exo || dsn_by_exo) {
        return None;
    }
    let section = scan::report_of(mail);
    let mut out = match mail.status_part.as_deref() {
        Some(part) => rfc3464::read(mail, part),
        None => from_text(mail, section),
    };
    for f in &mut out {
        refine(f);
    }
    Some(out)
}

/// The host named on the `Generating server:` line, lowercase.
fn generating_server(section: &str) -> Option<String> {
    let p = section.find("Generating server:")?;
    let host = section[p + "Generating server:".len()..].split_whitespace().next()?;
    Some(host.trim_end_matches('.').to_ascii_lowercase())
}

/// Reads recipients and their technical details from the text when there is no
/// delivery-status part. One pass over each part of the text.
fn from_text(mail: &Mail, section: &str) -> Vec<Fragment> {
    let skip = scan::senders(mail);
    let (human, admin) = section.split_once(ADMIN_MARK).unwrap_or((section, ""));
    let listed = human.split_once(RECIPIENTS_MARK).map_or("", |(_, rest)| rest);
    let details: HashMap<String, String> =
        scan::recipients(admin, &skip).into_iter().map(|d| (d.recipient.to_ascii_lowercase(), d.diagnostic)).collect();
    let mut seen = HashSet::new();
    let mut out: Vec<Fragment> = Vec::new();
    for line in listed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match address::first_address(line) {
            Some(a) => {
                let key = a.to_ascii_lowercase();
                if !skip.contains(&key) && seen.insert(key) {
                    out.push(Fragment::new(a));
                }
            }
            // The sentence under an address explains it.
            None => {
                if let Some(f) = out.last_mut().filter(|f| f.diagnostic.is_empty()) {
                    f.diagnostic = line.to_string();
                }
            }
        }
    }
    for f in &mut out {
        if let Some(d) = details.get(&f.recipient.to_ascii_lowercase()).filter(|d| !d.is_empty()) {
            f.diagnostic.clone_from(d);
        }
    }
    out
}

/// Exchange Online's meaning of its status codes, and the command its "unknown recipient"
/// wrapper reveals: `Remote server returned unknown recipient or mailbox unavailable ->
/// 550 <a@b>: User unknown` quotes a refusal of `RCPT TO` for that address.
fn refine(f: &mut Fragment) {
    if f.status.is_none() {
        f.complete_from_text();
    }
    if let Some(r) = f.status.and_then(status_reason) {
        f.reason = Some(r);
    }
    if let Some((_, quoted)) = f.diagnostic.split_once("unknown recipient or mailbox unavailable ->")
        && address::first_address(quoted).is_some()
        && f.command.is_none()
    {
        f.command = Some("RCPT".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> StatusCode {
        s.parse().unwrap_or_else(|_| panic!("bad code {s}"))
    }

    #[test]
    fn exchange_online_codes() {
        assert_eq!(status_reason(code("5.1.10")), Some(Reason::UserUnknown));
        assert_eq!(status_reason(code("5.4.316")), Some(Reason::Expired));
        assert_eq!(status_reason(code("4.4.316")), Some(Reason::Expired));
        assert_eq!(status_reason(code("5.7.606")), Some(Reason::Blocked));
        assert_eq!(status_reason(code("5.1.1")), None);
    }

    #[test]
    fn generating_server_line() {
        let t = "Diagnostic information for administrators:\n\nGenerating server: AB1.eur01.PROD.OUTLOOK.COM\n";
        assert_eq!(generating_server(t).as_deref(), Some("ab1.eur01.prod.outlook.com"));
    }
}
