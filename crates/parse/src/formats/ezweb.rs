//! au by KDDI's former EZweb phone mail (`ezweb.ne.jp`): the `Mail System Error - Returned
//! Mail` notice from `Postmaster@ezweb.ne.jp`.
//!
//! The notice names each failed recipient on a line of its own (`<alice@ezweb.ne.jp>`, or
//! `Recipient: <alice@ezweb.ne.jp>` followed by the SMTP exchange `>>> RCPT TO:<…>` /
//! `<<< 550 …`), around EZweb's own sentences, in Japanese and English:
//!
//! ```text
//! The user(s) account is disabled.
//!
//! <alice@ezweb.ne.jp>
//! ```
//!
//! Newer notices add a delivery-status part. A message refused by the phone owner's
//! reception filter carries the header `X-SPASIGN: NG`. A refusal of `RCPT TO` means the
//! address is unknown; otherwise EZweb's sentence ([`SENTENCES`]) gives the reason.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::{Format, scan};
use crate::Fragment;
use crate::fragment::parse_status;

/// The format.
pub static FORMAT: Format = Format { name: "ezweb", parse };

/// EZweb's sentences and their meaning.
const SENTENCES: &[(&str, Reason)] = &[
    ("The user(s) account is temporarily over quota", Reason::MailboxFull),
    ("The user(s) account is disabled", Reason::Suspend),
    ("The user(s) account is temporarily limited", Reason::Suspend),
    ("Your message was not delivered within ", Reason::Expired),
    ("Each of the following recipients was rejected by a remote mail server", Reason::OnHold),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    if !from.contains("postmaster@ezweb.ne.jp") {
        return None;
    }
    let mut out = read_text(scan::report_of(mail));
    let statuses = mail.status_part.as_deref().map(dsn::parse).unwrap_or_default();
    let filtered = mail.headers.get("x-spasign").is_some_and(|v| v.trim().eq_ignore_ascii_case("NG"));
    for f in &mut out {
        if let Some(fields) = statuses.recipients.iter().find(|r| dsn::field(r, "final-recipient").is_some_and(|v| v.contains(f.recipient.as_str()))) {
            f.status = dsn::field(fields, "status").and_then(parse_status);
        }
        f.reason = if filtered {
            Some(Reason::Filtered)
        } else if f.command.as_deref() == Some("RCPT") {
            Some(Reason::UserUnknown)
        } else {
            SENTENCES.iter().find(|(s, _)| f.diagnostic.contains(s)).map(|(_, r)| *r)
        };
    }
    Some(out)
}

/// Reads recipients, their SMTP exchange and EZweb's sentences from the notice text. The
/// sentences before the first recipient belong to every recipient.
fn read_text(section: &str) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut preamble = String::new();
    for line in section.lines().map(str::trim) {
        // A line of dashes separates the notice from the returned message.
        if line.starts_with("-----") && line.trim_start_matches('-').is_empty() {
            break;
        }
        // Only the text parts are the notice (a delivery-status part may follow).
        if line.starts_with("Content-Type:") && !line.contains("text/plain") {
            break;
        }
        if line.is_empty() || line.starts_with("Content-") || line.starts_with("--") {
            continue;
        }
        if let Some(cmd) = line.strip_prefix(">>>") {
            if let Some(f) = out.last_mut() {
                f.command = cmd.split_whitespace().next().map(|c| c.chars().take(4).collect::<String>().to_ascii_uppercase());
            }
            continue;
        }
        if let Some(reply) = line.strip_prefix("<<<") {
            append(out.last_mut().map_or(&mut preamble, |f| &mut f.diagnostic), reply.trim());
            continue;
        }
        if let Some(rcpt) = recipient_line(line) {
            out.push(Fragment { diagnostic: preamble.clone(), ..Fragment::new(rcpt) });
            continue;
        }
        append(out.last_mut().map_or(&mut preamble, |f| &mut f.diagnostic), line);
    }
    out
}

/// `<alice@ezweb.ne.jp>`, `<alice@ezweb.ne.jp>: …` or `Recipient: <alice@ezweb.ne.jp>`.
fn recipient_line(line: &str) -> Option<String> {
    let rest = line.strip_prefix("Recipient:").map(str::trim).unwrap_or(line);
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    address::first_address(&inner[..end])
}

fn append(to: &mut String, text: &str) {
    if !to.is_empty() {
        to.push(' ');
    }
    to.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_exchange_layout() {
        let t = "Each of the following recipients was rejected by a remote\nmail server.\n    Recipient: <a@ezweb.ne.jp>\n    >>> RCPT TO:<a@ezweb.ne.jp>\n    <<< 550 <a@ezweb.ne.jp>: User unknown\n";
        let f = read_text(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].recipient, "a@ezweb.ne.jp");
        assert_eq!(f[0].command.as_deref(), Some("RCPT"));
        assert!(f[0].diagnostic.ends_with("550 <a@ezweb.ne.jp>: User unknown"));
    }

    #[test]
    fn sentence_before_the_address() {
        let f = read_text("The user(s) account is disabled.\n\n<a@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].diagnostic, "The user(s) account is disabled.");
    }
}
