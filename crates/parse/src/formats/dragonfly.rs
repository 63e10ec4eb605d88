//! DragonFly Mail Agent (`dma`, the MTA of DragonFly BSD and some Linux distributions):
//! a single `text/plain` message, one bounce per failed recipient.
//!
//! ```text
//! Received: from MAILER-DAEMON
//!         id e0720
//!         by mx.example.org (DragonFly Mail Agent v0.13);
//! X-Original-To: <alice@example.com>
//! From: MAILER-DAEMON <>
//! Subject: Mail delivery failed
//!
//! This is the DragonFly Mail Agent v0.13 at mx.example.org.
//!
//! There was an error delivering your mail to <alice@example.com>.
//!
//! mx.example.com [192.0.2.1] did not like our RCPT TO:
//! 550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown
//!
//! Message headers follow.
//! ```
//!
//! The explanation is either the remote reply after `did not like our <command>:` or one
//! of dma's own texts (DNS failure, giving up after the queue lifetime).

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "dragonfly", parse };

/// The agent's name as it writes it in its `Received:` header and first line.
const AGENT: &str = "DragonFly Mail Agent";

/// The line that names the failed recipient.
const RECIPIENT_LINE: &str = "There was an error delivering your mail to ";

/// Lines that end the explanation: dma appends the returned headers or message after them.
const END_MARKERS: &[&str] = &["Message headers follow.", "Original message follows."];

/// How dma names the command the remote server refused (`did not like our RCPT TO:`).
const COMMANDS: &[(&str, &str)] =
    &[("RCPT TO", "RCPT"), ("MAIL FROM", "MAIL"), ("final DATA", "DATA"), ("DATA", "DATA"), ("EHLO", "EHLO"), ("HELO", "HELO"), ("STARTTLS", "STARTTLS"), ("AUTH", "AUTH")];

/// dma's own explanations (substrings) and the reason each stands for.
const OWN_TEXTS: &[(&str, Reason)] = &[
    ("DNS lookup failure: host ", Reason::HostUnknown),
    ("Could not deliver for the last ", Reason::Expired),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let by_header = mail.headers.get_all("received").any(|r| r.contains(AGENT));
    let by_body = mail.body.lines().take(10).any(|l| l.starts_with("This is the ") && l.contains(AGENT));
    if !(by_header || by_body) {
        return None;
    }
    let mut lines = mail.body.lines().map(str::trim_end);
    let recipient = lines
        .by_ref()
        .find_map(|l| l.strip_prefix(RECIPIENT_LINE))
        .and_then(address::first_address)
        .or_else(|| mail.headers.get("x-original-to").and_then(address::first_address))?;
    let explanation: Vec<&str> = lines.take_while(|l| !END_MARKERS.contains(&l.trim())).filter(|l| !l.trim().is_empty()).collect();
    let mut f = Fragment::new(recipient);
    if let Some((host, command)) = explanation.first().and_then(|l| refused_command(l)) {
        f.remote_mta = Some(host);
        f.command = Some(command.to_string());
        f.diagnostic = explanation[1..].join(" ");
    } else {
        f.diagnostic = explanation.join(" ");
        f.reason = OWN_TEXTS.iter().find(|(t, _)| f.diagnostic.contains(t)).map(|(_, r)| *r);
    }
    Some(vec![f])
}

/// Reads `mx.example.com [192.0.2.1] did not like our RCPT TO:` into the remote host and
/// the command.
fn refused_command(line: &str) -> Option<(String, &'static str)> {
    let (head, said) = line.split_once(" did not like our ")?;
    let said = said.trim_end_matches(':').trim();
    let command = COMMANDS.iter().find(|(w, _)| said.eq_ignore_ascii_case(w)).map_or("", |(_, c)| *c);
    let host = head.split_whitespace().next()?.to_ascii_lowercase();
    (!command.is_empty()).then_some((host, command))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_refused_command() {
        assert_eq!(refused_command("mx.example.com [192.0.2.1] did not like our final DATA:"), Some(("mx.example.com".into(), "DATA")));
        assert_eq!(refused_command("mx.example.com [192.0.2.1] did not like our RCPT TO:"), Some(("mx.example.com".into(), "RCPT")));
        assert_eq!(refused_command("DNS lookup failure: host example.net not found"), None);
    }
}
