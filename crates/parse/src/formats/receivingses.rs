//! Amazon SES (receiving): the bounce an SES receipt rule's *Bounce* action sends back.
//!
//! The report is an RFC 3464 `multipart/report` whose `Reporting-MTA` is an
//! `inbound-smtp.<region>.amazonaws.com` host, with the text `This message could not be
//! delivered.` and the `X-SES-Outgoing` header. The reply is not a mail server's verdict:
//! the domain's administrator picked it for the rule, from SES's templates ("Mailbox
//! does not exist", "Mailbox full", "Message too large", "Message content rejected") or
//! with their own text and status code. A template names the rule's purpose; otherwise
//! the chosen status code says what the administrator meant, and a code without detail
//! (`4.3.0`, `5.0.0`) says nothing: unless their own text names a reason, the rule only
//! said that delivery failed, and the record is held (`onhold`).

use bouncekit_classify::{decision, reasons, status};
use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "receivingses", parse };

/// SES's bounce templates (lowercase) and what a rule that uses them means. "Mailbox does not
/// exist" is a filter rule's answer, not a directory lookup.
const TEMPLATES: &[(&str, Reason)] = &[
    ("mailbox does not exist", Reason::Filtered),
    ("message filtered", Reason::Filtered),
    ("mailbox full", Reason::MailboxFull),
    ("message too large", Reason::MesgTooBig),
    ("message content rejected", Reason::ContentError),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let part = mail.status_part.as_deref()?;
    let report = mail.status_report()?;
    let reporter = dsn::field(&report.message, "reporting-mta")?.to_ascii_lowercase();
    if !(reporter.contains("inbound-smtp.") && reporter.contains("amazonaws.com")) {
        return None;
    }
    let mut out = rfc3464::read(mail, part);
    for f in &mut out {
        let lower = f.diagnostic.to_ascii_lowercase();
        f.reason = TEMPLATES
            .iter()
            .find(|(t, _)| lower.contains(t))
            .map(|(_, r)| *r)
            .or_else(|| f.status.filter(|s| s.detail() != 0).and_then(status::reason_of))
            .or_else(|| reasons::matches(&f.diagnostic).into_iter().all(decision::weak).then_some(Reason::OnHold));
    }
    Some(out)
}
