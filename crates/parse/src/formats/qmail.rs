//! qmail bounces (`qmail-send`, and the netqmail, qmail-ldap, vpopmail and indimail
//! builds that keep its layout): subject `failure notice`, a plain-text body
//!
//! ```text
//! Hi. This is the qmail-send program at mx.example.org.
//! I'm afraid I wasn't able to deliver your message to the following addresses.
//! This is a permanent error; I've given up. Sorry it didn't work out.
//!
//! <alice@example.com>:
//! 192.0.2.1 does not like recipient.
//! Remote host said: 550 5.1.1 <alice@example.com>... User unknown
//! Giving up on 192.0.2.1.
//!
//! --- Below this line is a copy of the message.
//! ```
//!
//! Some builds and hosting providers replace the greeting (`Unable to deliver message to
//! the following address(es).`, `Your mail message to the following address(es) could
//! not be delivered.`) but keep the `<address>:` paragraphs. Each paragraph is one
//! recipient. qmail-remote's own sentences name the SMTP stage (`does not like
//! recipient` = after `RCPT TO`) and, for failures qmail detected itself (no host, no
//! connection, LDAP), the reason.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "qmail", parse };

/// Greeting lines of qmail and of builds that keep its paragraph layout.
const GREETINGS: &[&str] = &[
    "Hi. This is the qmail-send program at ",
    "This is the qmail-send program at ",
    "I'm afraid I wasn't able to deliver your message to the following addresses",
    "Unable to deliver message to the following address(es).",
    "Your mail message to the following address(es) could not be delivered.",
];

/// qmail-remote's sentences (lowercase) and the SMTP command they report.
const COMMANDS: &[(&str, &str)] = &[
    ("but greeting failed", "CONN"),
    ("but my name was rejected", "EHLO"),
    ("but sender was rejected", "MAIL"),
    ("does not like recipient", "RCPT"),
    ("most progress was rcpt to response", "RCPT"),
    ("most progress was mail from response", "MAIL"),
    ("failed on data command", "DATA"),
    ("failed after i sent the message", "DATA"),
];

/// Failures qmail reports in its own words (lowercase) and their reasons.
const OWN_TEXTS: &[(&str, Reason)] = &[
    ("sorry, i couldn't find any host named", Reason::HostUnknown),
    ("sorry, i couldn't find any host by that name", Reason::HostUnknown),
    ("sorry, i wasn't able to establish an smtp connection", Reason::NetworkError),
    ("sorry, no mailbox here by that name", Reason::UserUnknown),
    ("but my name was rejected", Reason::Blocked),
    ("unable to contact ldap server", Reason::SystemError),
    ("the users mailfolder is over the allowed quota", Reason::MailboxFull),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let signed = super::contains_any!(&mail.body, GREETINGS) && mail.body.lines().take(60).any(|l| GREETINGS.iter().any(|g| l.trim_start().starts_with(g)));
    if !signed {
        return None;
    }
    let frags = paragraphs(scan::report_of(mail))
        .into_iter()
        .map(|(rcpt, text)| {
            let lower = text.to_ascii_lowercase();
            Fragment {
                command: COMMANDS.iter().find(|(p, _)| lower.contains(p)).map(|(_, c)| (*c).to_string()),
                reason: OWN_TEXTS.iter().find(|(p, _)| lower.contains(p)).map(|(_, r)| *r),
                diagnostic: text,
                ..Fragment::new(rcpt)
            }
        })
        .collect();
    Some(frags)
}

/// The `<address>:` paragraphs: the address and the lines up to the next empty line
/// or the next paragraph, joined by single spaces.
fn paragraphs(section: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in section.lines() {
        let l = line.trim();
        if let Some(rcpt) = paragraph_start(l) {
            out.extend(current.take());
            current = Some((rcpt, String::new()));
            continue;
        }
        let Some((_, text)) = current.as_mut() else { continue };
        if l.is_empty() || l.starts_with("Content-Type:") || l.starts_with("--- ") {
            out.extend(current.take());
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(l);
    }
    out.extend(current);
    out
}

/// `<alice@example.com>:` → the address.
fn paragraph_start(line: &str) -> Option<String> {
    let inner = line.strip_prefix('<')?.strip_suffix(">:")?;
    address::normalize(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_commands() {
        let t = "Hi. This is the qmail-send program at mx.example.org.\n\n<a@example.com>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 no\n\n<b@example.net>:\nSorry, I couldn't find any host named example.net. (#5.1.2)\n";
        let p = paragraphs(t);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].1, "192.0.2.1 does not like recipient. Remote host said: 550 no");
        assert_eq!(paragraph_start("<b@example.net>:").as_deref(), Some("b@example.net"));
        assert_eq!(paragraph_start("<b@example.net>: text"), None);
    }
}
