//! Amazon WorkMail: the non-delivery report WorkMail sends (through SES) to its own users.
//!
//! The report carries `X-Mailer: Amazon WorkMail`, comes from
//! `MAILER-DAEMON@<region>.amazonses.com` and has no delivery-status part: its first text
//! part lists the recipients and then pastes the delivery-status fields after a
//! `Technical report:` line.
//!
//! ```text
//! An error occurred while trying to deliver the mail to the following recipients:
//! alice@example.org
//!
//! Technical report:
//!
//! Reporting-MTA: dsn; a27-85.smtp-out.us-west-2.amazonses.com
//!
//! Action: failed
//! Final-Recipient: rfc822; alice@example.org
//! Diagnostic-Code: smtp; 550 5.1.1 <alice@example.org>... User Unknown
//! Status: 5.1.1
//! ```
//!
//! The diagnostic wraps the remote reply the way SES does, so the SES refinements apply.

use bouncekit_mime::{Mail, dsn};

use super::{Format, amazonses};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "amazonworkmail", parse };

/// Line after which the delivery-status fields are pasted.
const REPORT_MARK: &str = "Technical report:";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !mail.headers.get("x-mailer").is_some_and(|v| v.contains("Amazon WorkMail")) {
        return None;
    }
    let start = mail.body.find(REPORT_MARK)? + REPORT_MARK.len();
    let rest = &mail.body[start..];
    // The pasted report ends where the next MIME part begins.
    let end = rest.find("\nContent-Type:").unwrap_or(rest.len());
    let report = dsn::parse(&rest[..end]);
    let out = report
        .recipients
        .iter()
        .filter_map(|fields| Fragment::from_dsn(fields, &report.message))
        .map(|mut f| {
            amazonses::refine(&mut f);
            f
        })
        .collect();
    Some(out)
}
