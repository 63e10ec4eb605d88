//! Yahoo! Mail (and AOL, which runs on it): the `Failure Notice` bounce.
//!
//! Sent by `MAILER-DAEMON@…` with the subject `Failure Notice` and no delivery-status
//! part, in a qmail-like layout:
//!
//! ```text
//! Sorry, we were unable to deliver your message to the following address.
//!
//! <alice@example.org>:
//! Remote host said: 550 5.1.1 <alice@example.org>... User Unknown [RCPT_TO]
//!
//! --- Below this line is a copy of the message.
//! ```
//!
//! The remote reply may span lines, may be written `550: …` (code and colon), and ends
//! with the SMTP stage in brackets (`[RCPT_TO]`, `[MAIL_FROM]`, `[DATA]`). When Yahoo
//! itself gave up, it writes its own sentence instead ([`SENTENCES`]).

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "yahoo", parse };

/// The sentence that opens the report.
const START: &str = "Sorry, we were unable to deliver your message to the following address";

/// Yahoo's own sentences (lowercase) and their meaning.
const SENTENCES: &[(&str, Reason)] = &[
    // The domain has no MX: it does not accept mail at all.
    ("no mx record found for domain=", Reason::NotAccept),
    ("unable to deliver message after multiple retries", Reason::Expired),
];

/// Yahoo's names of the SMTP stages.
const STAGES: &[(&str, &str)] = &[("[RCPT_TO]", "RCPT"), ("[MAIL_FROM]", "MAIL"), ("[DATA]", "DATA"), ("[BODY]", "DATA"), ("[CONNECT]", "CONN")];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if mail.status_part.is_some() {
        return None;
    }
    if !super::contains!(&mail.body, START) {
        return None;
    }
    let section = scan::report_of(mail);
    let start = section.find(START)?;
    let mut out: Vec<Fragment> = Vec::new();
    for line in section[start..].lines().skip(1) {
        let t = line.trim();
        if let Some(rcpt) = recipient_line(t) {
            out.push(Fragment::new(rcpt));
        } else if let Some(f) = out.last_mut()
            && !t.is_empty()
        {
            if !f.diagnostic.is_empty() {
                f.diagnostic.push(' ');
            }
            f.diagnostic.push_str(t.strip_prefix("Remote host said:").unwrap_or(t).trim());
        }
    }
    for f in &mut out {
        refine(f);
    }
    Some(out)
}

/// `<alice@example.org>:` starts a recipient.
fn recipient_line(t: &str) -> Option<String> {
    let inner = t.strip_prefix('<')?.strip_suffix(">:")?;
    address::first_address(inner)
}

/// Command from the stage tag, reply code from `550: …`, and Yahoo's own sentences.
fn refine(f: &mut Fragment) {
    f.command = STAGES.iter().find(|(tag, _)| f.diagnostic.contains(tag)).map(|(_, c)| (*c).to_string());
    let b = f.diagnostic.as_bytes();
    if b.len() > 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b':' {
        f.reply_code = f.diagnostic[..3].parse().ok();
    }
    let lower = f.diagnostic.to_ascii_lowercase();
    f.reason = SENTENCES.iter().find(|(s, _)| lower.contains(s)).map(|(_, r)| *r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_code_with_colon_and_stage() {
        let mut f = Fragment { diagnostic: "550: 5.1.1 <a@example.org>... User Unknown [RCPT_TO]".into(), ..Fragment::new("a@example.org") };
        refine(&mut f);
        assert_eq!(f.reply_code.map(|c| c.to_string()).as_deref(), Some("550"));
        assert_eq!(f.command.as_deref(), Some("RCPT"));
    }

    #[test]
    fn recipient_lines() {
        assert_eq!(recipient_line("<a@example.org>:").as_deref(), Some("a@example.org"));
        assert_eq!(recipient_line("550: <a@example.org>: User unknown"), None);
    }
}
