//! Postfix bounces (`bounce(8)`): a `multipart/report` whose first part starts
//!
//! ```text
//! This is the mail system at host mx.example.org.      (Postfix 2.3 and later)
//! This is the Postfix program at host mx.example.org.  (older releases, multipart/mixed)
//! ```
//!
//! and, after the `The mail system` signature, one paragraph per recipient with its
//! continuation lines indented by four spaces:
//!
//! ```text
//! <alice@example.com> (expanded from <info@example.org>): host
//!     mx.example.com[192.0.2.1] said: 550 5.1.1 <alice@example.com>: Recipient
//!     address rejected: User unknown (in reply to RCPT TO command)
//! ```
//!
//! The `message/delivery-status` part (when there is one; older releases send none)
//! is read with [`rfc3464::read`]. The paragraph says what the DSN often does not: the
//! SMTP command the reply answered, and the remote reply itself when the DSN only carries
//! `5.0.0` or a mailer exit status. Postfix's own texts for DNS and connection trouble
//! are recognised here, because the generic phrase tables cannot tell Postfix's
//! temporary "Host not found, try again" from a permanent "Host not found".

use bouncekit_classify::{address, smtp};
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, rfc3464, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "postfix", parse };

/// First lines of the notification part, by Postfix release.
const SIGNATURES: &[&str] = &["This is the mail system at host ", "This is the Postfix program at host "];

/// Postfix's own diagnostics (lowercase substrings) and the reason they stand for. These
/// are written by Postfix's SMTP client and resolver, not by the remote server.
const OWN_TEXTS: &[(&str, Reason)] = &[
    ("host not found, try again", Reason::NetworkError),
    ("malformed or unexpected name server reply", Reason::NetworkError),
];

/// True when the message was written by Postfix's bounce daemon.
fn is_postfix(mail: &Mail) -> bool {
    let signed = super::contains_any!(&mail.body, SIGNATURES) && mail.body.lines().take(40).any(|l| SIGNATURES.iter().any(|s| l.starts_with(s)));
    let queue_id = mail.status_part.as_deref().is_some_and(|p| p.contains("X-Postfix-Queue-ID:") || p.contains("X-Postfix-Sender:"));
    signed || queue_id
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_postfix(mail) {
        return None;
    }
    let notes = notes(scan::report_of(mail));
    let mut frags = match (mail.status_part.as_deref(), mail.status_type.as_deref()) {
        (Some(part), Some(t)) if t != "message/feedback-report" => rfc3464::read(mail, part),
        _ => Vec::new(),
    };
    if frags.is_empty() {
        frags = notes.iter().map(|n| Fragment { diagnostic: n.text.clone(), ..Fragment::new(n.recipient.clone()) }).collect();
    } else {
        for f in &mut frags {
            if let Some(n) = notes.iter().find(|n| n.names(&f.recipient)) {
                merge(f, n);
            }
        }
    }
    // Postfix names the command once per paragraph; the first one stands for recipients
    // whose paragraph is missing (as Postfix itself does for the DSN part).
    let first_command = notes.iter().find_map(|n| smtp::find_command(&n.text));
    for f in &mut frags {
        if f.command.is_none() {
            f.command = smtp::find_command(&f.diagnostic).or_else(|| first_command.clone());
        }
        if f.reason.is_none() {
            f.reason = own_reason(&f.diagnostic);
        }
    }
    Some(frags)
}

/// One recipient paragraph of the notification part.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Note {
    /// The recipient the paragraph starts with.
    recipient: String,
    /// The address it was expanded from (`(expanded from <…>)`).
    alias: Option<String>,
    /// The explanation, continuation lines joined by single spaces.
    text: String,
}

impl Note {
    fn names(&self, recipient: &str) -> bool {
        self.recipient.eq_ignore_ascii_case(recipient) || self.alias.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(recipient))
    }
}

/// Reads the recipient paragraphs: a line `<addr>: text` or
/// `<addr> (expanded from <alias>): text`, then lines indented by white space.
fn notes(section: &str) -> Vec<Note> {
    let mut out = Vec::new();
    let mut current: Option<Note> = None;
    for line in section.lines() {
        if let Some(n) = current.as_mut()
            && line.starts_with([' ', '\t'])
            && !line.trim().is_empty()
        {
            n.text.push(' ');
            n.text.push_str(line.trim());
            continue;
        }
        out.extend(current.take());
        current = note_start(line);
    }
    out.extend(current);
    out
}

/// The first line of a recipient paragraph.
fn note_start(line: &str) -> Option<Note> {
    let rest = line.strip_prefix('<')?;
    let (addr, after) = rest.split_once('>')?;
    let recipient = address::normalize(addr)?;
    let (alias, after) = match after.strip_prefix(" (expanded from <") {
        Some(x) => {
            let (a, r) = x.split_once(">)")?;
            (address::normalize(a), r)
        }
        None => (None, after),
    };
    let text = after.strip_prefix(':')?.trim().to_string();
    Some(Note { recipient, alias, text })
}

/// Completes a DSN fragment with its paragraph: the paragraph replaces a diagnostic that
/// is missing or only a mailer exit status, and one whose codes say less (`5.0.0`, `550`
/// against the paragraph's `5.7.1`, `554`).
fn merge(f: &mut Fragment, n: &Note) {
    let bare = f.diagnostic.trim().is_empty() || f.diagnostic.trim().bytes().all(|b| b.is_ascii_digit());
    if bare {
        f.diagnostic = n.text.clone();
    }
    let (said_reply, said_status) = smtp::reply_codes(&n.text);
    let (dsn_reply, _) = smtp::reply_codes(&f.diagnostic);
    let vague_status = f.status.is_none_or(|s| s.subject() == 0 && s.detail() == 0);
    let better_status = said_status.filter(|s| vague_status && !(s.subject() == 0 && s.detail() == 0));
    let vague_reply = dsn_reply.is_none_or(|c| c.get() % 100 == 0);
    let better_reply = said_reply.filter(|c| vague_reply && c.get() % 100 != 0);
    if let Some(s) = better_status {
        f.status = Some(s);
    }
    if better_status.is_some() || better_reply.is_some() {
        f.diagnostic = n.text.clone();
    }
    if f.command.is_none() {
        f.command = smtp::find_command(&n.text);
    }
}

/// The reason of one of Postfix's own diagnostics.
fn own_reason(text: &str) -> Option<Reason> {
    let lower = text.to_ascii_lowercase();
    OWN_TEXTS.iter().find(|(p, _)| lower.contains(p)).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paragraphs_with_alias_and_continuations() {
        let t = "                   The mail system\n\n<r@example.net> (expanded from <a@example.org>): user\n    unknown. Command output: x\n\n<b@example.com>: host mx.example.com[192.0.2.1] said: 550\n    5.1.1 no (in reply to RCPT TO command)\n";
        let n = notes(t);
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].alias.as_deref(), Some("a@example.org"));
        assert_eq!(n[0].text, "user unknown. Command output: x");
        assert!(n[1].names("b@example.com"));
        assert_eq!(smtp::find_command(&n[1].text).as_deref(), Some("RCPT"));
    }

    #[test]
    fn paragraph_codes_replace_vague_dsn_codes() {
        let mut f = Fragment { status: "5.0.0".parse().ok(), diagnostic: "554 rejected".into(), ..Fragment::new("b@example.com") };
        let n = Note { recipient: "b@example.com".into(), alias: None, text: "host x[192.0.2.1] said: 554 5.6.0 spam (in reply to end of DATA command)".into() };
        merge(&mut f, &n);
        assert_eq!(f.status.map(|s| s.to_string()).as_deref(), Some("5.6.0"));
        assert_eq!(f.command.as_deref(), Some("DATA"));
    }
}
