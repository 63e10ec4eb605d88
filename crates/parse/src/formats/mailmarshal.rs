//! MailMarshal SMTP (Marshal, later Trustwave SEG): a `multipart/mixed` notice
//! `Undeliverable Mail: "<subject>"` whose `Received:` header starts
//! `from MailMarshal.Sender`, laid out as
//!
//! ```text
//! Your message:
//!    From:    bob@example.org
//!    Subject: Hello
//!
//! Could not be delivered because of
//!
//! 550 5.1.1 User unknown
//!
//! The following recipients were affected:
//!     alice@example.com
//!
//! Additional Information
//! ======================
//! Remote-MTA:         <192.0.2.2>
//! ```

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "mailmarshal", parse };

/// The line before the reason.
const REASON_HEADING: &str = "Could not be delivered because of";

/// The line before the recipients.
const RECIPIENTS_HEADING: &str = "The following recipients were affected:";

/// The line after the recipients.
const END_HEADING: &str = "Additional Information";

/// True when MailMarshal wrote the notice.
fn is_mailmarshal(mail: &Mail) -> bool {
    let by_received = mail.headers.get_all("received").any(|r| r.trim_start().starts_with("from MailMarshal"));
    let by_subject = mail.headers.get("subject").is_some_and(|s| s.starts_with("Undeliverable Mail: "));
    by_received || by_subject && mail.body.contains(RECIPIENTS_HEADING)
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_mailmarshal(mail) {
        return None;
    }
    let mut reason: Vec<&str> = Vec::new();
    let mut recipients = Vec::new();
    let mut remote = None;
    let mut section = "";
    for line in mail.body.lines().map(str::trim) {
        match line {
            REASON_HEADING => section = "reason",
            RECIPIENTS_HEADING => section = "recipients",
            END_HEADING => section = "additional",
            "" => {}
            l if section == "reason" => reason.push(l),
            l if section == "recipients" => recipients.extend(address::first_address(l)),
            l if section == "additional" => {
                if let Some(v) = l.strip_prefix("Remote-MTA:") {
                    remote = Some(v.trim().trim_matches(['<', '>']).to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    let diagnostic = reason.join(" ");
    Some(
        recipients
            .into_iter()
            .map(|r| Fragment { diagnostic: diagnostic.clone(), remote_mta: remote.clone(), ..Fragment::new(r) })
            .collect(),
    )
}
