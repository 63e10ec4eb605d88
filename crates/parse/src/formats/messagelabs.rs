//! Symantec (Broadcom) Email Security.cloud, formerly MessageLabs: the `Mail Delivery
//! Failure` report its relays (`server-N.bemta-N.messagelabs.com`) send from
//! `MAILER-DAEMON@messagelabs.com`.
//!
//! An RFC 3464 report, marked by the `X-Msg-Ref: server-….messagelabs.com!…` header, whose
//! text part reads `This is the mail delivery agent at messagelabs.com.` (or `… at
//! Symantec Email Security.cloud.`), `I was unable to deliver your message to the
//! following addresses:`, the address, and `Reason: <remote reply>`. The remote reply is
//! often terse; [`REPLIES`] gives the meaning of the ones the relay passes on verbatim.

use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "messagelabs", parse };

/// Remote replies (lowercase) the relay passes on, and their meaning.
const REPLIES: &[(&str, Reason)] = &[
    ("no such user", Reason::UserUnknown),
    ("please turn on smtp authentication in your mail client", Reason::SecurityError),
];

/// The meaning of a passed-on reply. `542 alice@example.org Rejected` is the relay's
/// report that the recipient's server refused the address.
fn meaning(diagnostic: &str) -> Option<Reason> {
    let lower = diagnostic.trim().to_ascii_lowercase();
    if lower.starts_with("542 ") && lower.ends_with(" rejected") {
        return Some(Reason::UserUnknown);
    }
    REPLIES.iter().find(|(r, _)| lower.contains(r)).map(|(_, r)| *r)
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    let by_relay = mail.headers.get("x-msg-ref").is_some_and(|v| v.contains("messagelabs.com"));
    if !(from.contains("@messagelabs.com") || by_relay) {
        return None;
    }
    let part = mail.status_part.as_deref()?;
    let mut out = rfc3464::read(mail, part);
    for f in &mut out {
        f.reason = meaning(&f.diagnostic);
    }
    Some(out)
}
