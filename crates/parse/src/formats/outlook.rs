//! Outlook.com / Hotmail (the MSN-era servers, before the move to Exchange Online): the
//! `Delivery Status Notification (Failure)` sent by `postmaster@…hotmail…`.
//!
//! An RFC 3464 report whose `Reporting-MTA` is a `*.hotmail.com` host (`BLU004-OMC3S13`,
//! `blu2-omc4-s22.blu2.hotmail.com`), with a text part that reads:
//!
//! ```text
//! This is an automatically generated Delivery Status Notification.
//!
//! Delivery to the following recipients failed.
//!
//!        alice@example.org
//! ```
//!
//! Hotmail answers some failures with its own sentences and the catch-all status 5.5.0;
//! [`SENTENCES`] gives their meaning.

use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "outlook", parse };

/// Hotmail's own sentences (lowercase) and their meaning.
const SENTENCES: &[(&str, Reason)] = &[
    ("the mail could not be delivered to the recipient because the domain is not reachable", Reason::HostUnknown),
    ("requested action not taken: mailbox unavailable", Reason::UserUnknown),
    // The sending domain's name does not match the connecting IP's reverse name.
    ("mismatches client ip", Reason::RequirePtr),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let part = mail.status_part.as_deref()?;
    let report = mail.status_report()?;
    let reporter = dsn::field(&report.message, "reporting-mta")?.to_ascii_lowercase();
    if !reporter.contains("hotmail") {
        return None;
    }
    let mut out = rfc3464::read(mail, part);
    for f in &mut out {
        let lower = f.diagnostic.to_ascii_lowercase();
        if let Some((_, r)) = SENTENCES.iter().find(|(s, _)| lower.contains(s)) {
            f.reason = Some(*r);
        }
    }
    Some(out)
}
