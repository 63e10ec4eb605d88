//! PowerMTA bounces: a standard `multipart/report` whose delivery-status part carries
//! PowerMTA's own fields (`X-PowerMTA-VirtualMTA`, and per recipient
//! `X-PowerMTA-BounceCategory: bad-mailbox`). The category is PowerMTA's classification
//! of the remote reply and decides the reason where it has a counterpart; everything
//! else is read with [`rfc3464::read`].

use bouncekit_core::Reason;
use bouncekit_mime::{Mail, dsn};

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "powermta", parse };

/// PowerMTA bounce categories and their reasons. Categories without a clear counterpart
/// (`other`, `bad-configuration`, `protocol-errors`…) leave the decision to the text.
const CATEGORIES: &[(&str, Reason)] = &[
    ("bad-domain", Reason::HostUnknown),
    ("bad-mailbox", Reason::UserUnknown),
    ("inactive-mailbox", Reason::Suspend),
    ("message-expired", Reason::Expired),
    ("no-answer-from-host", Reason::NetworkError),
    ("policy-related", Reason::PolicyViolation),
    ("quota-issues", Reason::MailboxFull),
    ("routing-errors", Reason::SystemError),
    ("spam-related", Reason::SpamDetected),
    ("virus-related", Reason::VirusDetected),
    ("relaying-issues", Reason::NoRelaying),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let part = mail.status_part.as_deref()?;
    if !part.contains("X-PowerMTA-") {
        return None;
    }
    let report = mail.status_report()?;
    let mut frags = rfc3464::read(mail, part);
    // `rfc3464::read` skips blocks without a recipient; pair categories the same way.
    let categories = report.recipients.iter().filter(|r| Fragment::from_dsn(r, &report.message).is_some()).map(|r| dsn::field(r, "x-powermta-bouncecategory"));
    for (f, cat) in frags.iter_mut().zip(categories) {
        f.reason = cat.and_then(category_reason);
    }
    Some(frags)
}

/// The reason of a bounce category.
fn category_reason(category: &str) -> Option<Reason> {
    let c = category.trim();
    CATEGORIES.iter().find(|(name, _)| c.eq_ignore_ascii_case(name)).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        assert_eq!(category_reason(" bad-mailbox"), Some(Reason::UserUnknown));
        assert_eq!(category_reason("other"), None);
    }
}
