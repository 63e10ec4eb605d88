//! Google Groups: the notice Google sends when a message posted to a group address is
//! refused (the group does not exist, or the sender may not post to it).
//!
//! The notice comes from `mailer-daemon@googlemail.com` with the subject `Delivery Status
//! Notification (Failure)`, names the group address in `X-Failed-Recipients`, and has no
//! delivery-status part: the body is a short letter in the sender's language ("the group
//! you tried to contact … may not exist, or you may not have permission to post") that
//! always links the Google Groups help centre (`groups.google.com`), followed by
//! `----- Original message -----`. No SMTP reply is quoted, so the reason is always
//! `rejected`.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "googlegroups", parse };

/// Most lines of the letter kept as the diagnostic.
const MAX_LINES: usize = 12;

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from")?.to_ascii_lowercase();
    if !(from.contains("mailer-daemon@googlemail.com") || from.contains("mailer-daemon@google.com")) {
        return None;
    }
    let failed = mail.headers.get("x-failed-recipients")?;
    let section = scan::report_of(mail);
    if !section.contains("groups.google.com") {
        return None;
    }
    let diagnostic = section
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-Type:"))
        .take(MAX_LINES)
        .collect::<Vec<_>>()
        .join(" ");
    let out = address::addresses(failed)
        .into_iter()
        .map(|rcpt| Fragment { diagnostic: diagnostic.clone(), reason: Some(Reason::Rejected), ..Fragment::new(rcpt) })
        .collect();
    Some(out)
}
