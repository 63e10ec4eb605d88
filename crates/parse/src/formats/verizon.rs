//! Verizon Wireless: the notices its MMS and SMS gateways send when mail to a phone
//! address (`…@vzwpix.com`, `…@vtext.com`) fails.
//!
//! - The MMS gateway (`MMSC NDR Administrator <sysadmin@…vzwpix.com>`, subject
//!   `Undeliverable Message`) writes `Message could not be delivered to mobile.` and
//!   `Error: No valid recipients for this MM`, then the original message's headers after
//!   `Original Message:`; the phone address is that block's `To:`.
//! - The SMS gateway (`post_master@vtext.com`) writes `Error: Invalid user address`, the
//!   remote reply after `Error message below:`, and the envelope after `Message details:`;
//!   the phone address is its `RCPT TO:`.
//!
//! Both errors mean the phone number has no mailbox.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "verizon", parse };

/// The gateways' errors (lowercase) that mean the phone address has no mailbox.
const UNKNOWN: &[&str] = &["no valid recipients for this mm", "invalid user address", "no such user here"];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    let (label, details) = if from.contains("vzwpix.com") {
        ("To:", "Original Message:")
    } else if from.contains("@vtext.com") {
        ("RCPT TO:", "Message details:")
    } else {
        return None;
    };
    let (report, envelope) = mail.body.split_once(details)?;
    let rcpt = envelope.lines().map(str::trim).find_map(|l| l.strip_prefix(label)).and_then(address::first_address)?;
    let diagnostic = report
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Content-") && !l.starts_with("--") && !l.starts_with("boundary="))
        .map(|l| l.strip_prefix("Error message below:").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let lower = diagnostic.to_ascii_lowercase();
    let mut f = Fragment::new(rcpt);
    f.reason = UNKNOWN.iter().any(|u| lower.contains(u)).then_some(Reason::UserUnknown);
    // The reply is quoted as `550 - Requested action not taken: …`.
    f.reply_code = report.lines().map(str::trim).find_map(|l| l.split_once(" - ").and_then(|(c, _)| c.parse().ok()));
    f.diagnostic = diagnostic;
    Some(vec![f])
}
