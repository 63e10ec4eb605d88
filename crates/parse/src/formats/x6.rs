//! An unidentified MTA ("X6" in Sisimai's naming): from `mailer-daemon`, subject `There
//! was an error sending your mail`, and a text part
//!
//! ```text
//! We had trouble delivering your message. Full details follow:
//!
//! Subject: 'Hello'
//! Date: 'Thu, 29 Apr 2012 23:34:45 +0000'
//!
//! 1 error(s):
//!
//! SMTP Server <mx.example.com> rejected recipient <alice@example.com> (Error following
//! RCPT command). It responded as follows: [550 5.1.1 User unknown]
//!
//! The following recipients returned permanent errors: bob@example.com. Reason: SMTP
//! Server <192.0.2.1> refused to accept your message (DATA), with the following error
//! message: [554 5.4.6 Hop count exceeded - possible mail loop]
//! ```
//!
//! An error line names the recipients (the returned message's recipients when it names
//! none), the SMTP command, and the server's reply in brackets.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "x6", parse };

/// The first line of the text part.
const START: &str = "We had trouble delivering your message. Full details follow:";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !super::contains!(&mail.body, START) {
        return None;
    }
    let mut lines = mail.body.lines().map(str::trim);
    lines.by_ref().find(|l| l.starts_with(START))?;
    let mut out = Vec::new();
    for l in lines {
        if l.starts_with("Content-Type:") {
            break;
        }
        if !l.contains("SMTP Server <") {
            continue;
        }
        let reply = l.rsplit_once('[').map(|(_, r)| r.trim_end_matches(['.', ']']).to_string()).unwrap_or_default();
        let command = command_of(l);
        let named = match l.split_once("rejected recipient <") {
            Some((_, rest)) => rest.split_once('>').and_then(|(a, _)| address::normalize(a)).into_iter().collect(),
            // `The following recipients returned permanent errors: a@b, c@d. Reason: …`
            None => l.split_once("Reason:").map(|(before, _)| address::addresses(before)).unwrap_or_default(),
        };
        let rcpts = if named.is_empty() { mail.original.as_ref().and_then(|h| h.get("to")).map(address::addresses).unwrap_or_default() } else { named };
        out.extend(rcpts.into_iter().map(|r| Fragment { diagnostic: reply.clone(), command: command.clone(), ..Fragment::new(r) }));
    }
    Some(out)
}

/// `(Error following RCPT command)` or `your message (DATA)` → the command.
fn command_of(line: &str) -> Option<String> {
    let word = if let Some((_, rest)) = line.split_once("(Error following ") {
        rest.split_whitespace().next()
    } else {
        line.split_once("your message (").and_then(|(_, rest)| rest.split(')').next())
    }?;
    let w = word.to_ascii_uppercase();
    matches!(w.as_str(), "HELO" | "EHLO" | "MAIL" | "RCPT" | "DATA").then_some(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(command_of("SMTP Server <a> rejected recipient <b@example.com> (Error following RCPT command).").as_deref(), Some("RCPT"));
        assert_eq!(command_of("SMTP Server <a> refused to accept your message (DATA), with").as_deref(), Some("DATA"));
    }
}
