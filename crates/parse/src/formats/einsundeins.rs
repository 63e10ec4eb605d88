//! 1&1 / IONOS (`kundenserver.de`): the Exim-derived bounce its mail servers send from
//! `mailer-daemon@…kundenserver.de` with the subject `Mail delivery failed: returning
//! message to sender`.
//!
//! No delivery-status part; the reason comes in its own block, often with a link to 1&1's
//! postmaster pages, and the returned message's header follows a marker line:
//!
//! ```text
//! This message was created automatically by mail delivery software.
//! …
//! The following address failed:
//!
//! alice@example.org
//!
//! For the following reason:
//!
//! Mail size limit exceeded. For explanation visit
//! http://postmaster.1and1.com/en/error-messages?ip=%1s
//!
//! --- The header of the original message is following. ---
//! ```

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "einsundeins", parse };

/// Line before the failed recipients.
const RECIPIENTS_MARK: &str = "The following address";

/// Line before the reason.
const REASON_MARK: &str = "For the following reason:";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    if !super::contains!(&mail.body, REASON_MARK) {
        return None;
    }
    let section = scan::report_of(mail);
    let by_1and1 = from.contains("kundenserver.") || section.contains("postmaster.1and1.");
    if !by_1and1 || !section.contains(REASON_MARK) {
        return None;
    }
    let (head, reason) = section.split_once(REASON_MARK)?;
    let listed = head.split_once(RECIPIENTS_MARK).map_or("", |(_, rest)| rest);
    let skip = scan::senders(mail);
    let diagnostic = reason
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-Type:"))
        .collect::<Vec<_>>()
        .join(" ");
    let out = listed
        .lines()
        .skip(1)
        .filter_map(address::first_address)
        .filter(|a| !skip.contains(&a.to_ascii_lowercase()))
        .map(|rcpt| Fragment { diagnostic: diagnostic.clone(), ..Fragment::new(rcpt) })
        .collect();
    Some(out)
}
