//! Google Workspace / Gmail (current layout) when the report carries no usable
//! delivery-status fields: the failed address is only in `X-Failed-Recipients`.
//!
//! Sent by `Mail Delivery Subsystem <mailer-daemon@googlemail.com>` as a
//! `multipart/report` whose text part reads
//!
//! ```text
//! ** Message not delivered **
//!
//! You're sending this from a different address or alias using the 'Send mail as'
//! feature. The settings for your 'Send mail as' account are misconfigured …
//!
//! Learn more here: https://support.google.com/mail/?p=CustomFromDenied
//!
//! The response was:
//!
//! Unspecified Error (SENT_SECOND_EHLO): Smtp server does not advertise AUTH capability
//! ```
//!
//! while the `message/delivery-status` part is empty. The help-centre topic (`?p=…`)
//! names the cause; [`TOPICS`] gives the meaning of those that the text alone does not.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "googleworkspace", parse };

/// Google help-centre topics and their meaning.
const TOPICS: &[(&str, Reason)] = &[
    // The sender's own "Send mail as" SMTP server refused Gmail's relay.
    ("p=CustomFromDenied", Reason::Rejected),
];

/// Most lines of the explanation kept.
const MAX_LINES: usize = 16;

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from")?.to_ascii_lowercase();
    if !(from.contains("mailer-daemon@googlemail.com") || from.contains("mailer-daemon@google.com")) {
        return None;
    }
    if mail.status_report().is_some_and(|r| !r.recipients.is_empty()) {
        return None;
    }
    let failed = mail.headers.get("x-failed-recipients")?;
    let section = scan::report_of(mail);
    let start = section.find("** ")?;
    let end = section[start..].find("Content-Type: text/html").map_or(section.len(), |e| start + e);
    let text = &section[start..end];
    let diagnostic = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-Type:"))
        .take(MAX_LINES)
        .collect::<Vec<_>>()
        .join(" ");
    let reason = TOPICS.iter().find(|(t, _)| text.contains(t)).map(|(_, r)| *r);
    let out = address::addresses(failed)
        .into_iter()
        .map(|rcpt| Fragment { diagnostic: diagnostic.clone(), reason, ..Fragment::new(rcpt) })
        .collect();
    Some(out)
}
