//! Ipswitch IMail Server bounces: `X-Mailer: <SMTP32 vX.YZ>`, subject `Undeliverable
//! Mail`, from `"Postmaster"`, and a plain body of one line per failed recipient
//!
//! ```text
//! Invalid final delivery userid: alice@example.com
//! User mailbox exceeds allowed size: bob@example.com
//! undeliverable to carol@example.com
//!
//! Body of message generated response:
//! 550 5.7.1 Rejected
//!
//! Original message follows.
//! ```
//!
//! The sentence before the address is IMail's own and decides the reason where it is
//! known; a remote server's reply follows `generated response:` lines.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "imailserver", parse };

/// IMail's sentences (lowercase prefixes of a recipient line) and their reasons.
const OWN_TEXTS: &[(&str, Option<Reason>)] = &[
    ("unknown user", Some(Reason::UserUnknown)),
    ("invalid final delivery userid", Some(Reason::UserUnknown)),
    ("user mailbox exceeds allowed size", Some(Reason::MailboxFull)),
    ("unknown host", Some(Reason::HostUnknown)),
    ("requested action not taken: virus detected", Some(Reason::VirusDetected)),
    ("delivery failed ", Some(Reason::Expired)),
    ("undeliverable to ", None),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !mail.headers.get("x-mailer").is_some_and(|m| m.trim_start().starts_with("<SMTP32 v")) {
        return None;
    }
    let mut out: Vec<Fragment> = Vec::new();
    for line in scan::report_of(mail).lines().map(str::trim) {
        let lower = line.to_ascii_lowercase();
        let own = OWN_TEXTS.iter().find(|(p, _)| lower.starts_with(p));
        match (own, address::first_address(line)) {
            (Some((_, reason)), Some(rcpt)) => {
                out.push(Fragment { diagnostic: line.to_string(), reason: *reason, ..Fragment::new(rcpt) });
            }
            _ => {
                // A remote reply or other explanation of the last recipient.
                if let Some(f) = out.last_mut().filter(|_| !line.is_empty() && !line.starts_with("Content-Type:")) {
                    f.diagnostic.push(' ');
                    f.diagnostic.push_str(line);
                }
            }
        }
    }
    Some(out)
}
