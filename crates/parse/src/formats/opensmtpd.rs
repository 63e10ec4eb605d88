//! OpenSMTPD bounces (`smtpd` bounce.c): from `Mailer Daemon <MAILER-DAEMON@host>`,
//! subject `Delivery status notification: error` (`…: warning` for delays), and a body
//!
//! ```text
//! Hi!
//!
//! This is the MAILER-DAEMON, please DO NOT REPLY to this email.
//!
//! An error has occurred while attempting to deliver a message for
//! the following list of recipients:
//!
//! alice@example.com: 550 5.1.1 <alice@example.com>: Recipient address rejected
//!
//! Below is a copy of the original message:
//! ```
//!
//! (older releases write `this e-mail`; delay warnings say `Delays have been observed
//! while attempting to deliver a message for the following list of recipients:`). Each
//! `address: text` line is one recipient. The text is either the remote server's reply
//! or one of OpenSMTPD's own sentences (no MX, no route, envelope expired), which decide
//! the reason. Releases that also attach a `message/delivery-status` part are read with
//! [`rfc3464::read`] and completed from the list.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "opensmtpd", parse };

/// The greeting line (lowercase prefix) of every OpenSMTPD bounce.
const GREETING: &str = "this is the mailer-daemon, please do not reply to this e";

/// The line (lowercase, suffix) before the recipient list.
const LIST: &str = "the following list of recipients:";

/// The line (lowercase prefix) after the list.
const END: &str = "below is a copy of the original message";

/// OpenSMTPD's own diagnostics (lowercase substrings) and their reasons.
const OWN_TEXTS: &[(&str, Reason)] = &[
    ("envelope expired", Reason::Expired),
    ("no mx found for domain", Reason::HostUnknown),
    ("no mx found for destination", Reason::HostUnknown),
    ("domain not found", Reason::HostUnknown),
    ("network error on destination mxs", Reason::NetworkError),
    ("no valid route to remote mx", Reason::NetworkError),
    ("no valid route to destination", Reason::NetworkError),
    ("address family mismatch on destination mxs", Reason::NetworkError),
    ("all routes to destination blocked", Reason::NetworkError),
    ("loop detected", Reason::NetworkError),
    ("loop via mx", Reason::NetworkError),
    ("could not retrieve source address", Reason::NetworkError),
    ("could not retrieve credentials", Reason::SecurityError),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !super::contains_ignore_ascii_case!(&mail.body, GREETING)
        || !mail.body.lines().take(30).any(|l| super::starts_with_ignore_ascii_case(l.trim(), GREETING))
    {
        return None;
    }
    let (delayed, listed) = list(&mail.body);
    let from_dsn = match (mail.status_part.as_deref(), mail.status_type.as_deref()) {
        (Some(part), Some(t)) if t != "message/feedback-report" => rfc3464::read(mail, part),
        _ => Vec::new(),
    };
    let mut frags = if from_dsn.is_empty() {
        listed.iter().map(|(r, text)| Fragment { diagnostic: text.clone(), ..Fragment::new(r.clone()) }).collect()
    } else {
        from_dsn
    };
    for f in &mut frags {
        if f.diagnostic.trim().is_empty()
            && let Some((_, text)) = listed.iter().find(|(r, _)| r.eq_ignore_ascii_case(&f.recipient))
        {
            f.diagnostic = text.clone();
        }
        if f.action.is_none() && delayed {
            f.action = Some("delayed".into());
        }
        let lower = f.diagnostic.to_ascii_lowercase();
        f.reason = f.reason.or_else(|| OWN_TEXTS.iter().find(|(p, _)| lower.contains(p)).map(|(_, r)| *r));
    }
    Some(frags)
}

/// Whether the list reports delays, and its `address: text` lines.
fn list(body: &str) -> (bool, Vec<(String, String)>) {
    let mut delayed = false;
    let mut in_list = false;
    let mut out = Vec::new();
    for line in body.lines() {
        let l = line.trim();
        let lower = l.to_ascii_lowercase();
        if lower.ends_with(LIST) {
            in_list = true;
            continue;
        }
        if lower.starts_with("delays have been observed") {
            delayed = true;
        }
        if !in_list {
            continue;
        }
        if lower.starts_with(END) || lower.starts_with("content-type:") {
            break;
        }
        if let Some((addr, text)) = l.split_once(": ")
            && let Some(rcpt) = address::normalize(addr)
        {
            out.push((rcpt, text.trim().to_string()));
        }
    }
    (delayed, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_list() {
        let t = "Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\nAn error has occurred while attempting to deliver a message for\nthe following list of recipients:\n\na@example.com: 550 5.1.1 unknown\nb@example.net: No MX found for domain\n\nBelow is a copy of the original message:\n\nTo: c@example.org\n";
        let (delayed, l) = list(t);
        assert!(!delayed);
        assert_eq!(l.len(), 2);
        assert_eq!(l[1], ("b@example.net".to_string(), "No MX found for domain".to_string()));
    }
}
