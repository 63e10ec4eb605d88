//! RFC 3464 delivery status notifications (and RFC 6522 `multipart/report`): the
//! standard format most MTAs write, read from the `message/delivery-status` part.
//!
//! The human-readable first part often says more than `Diagnostic-Code` (or is the only
//! place the remote reply appears); when a recipient has no diagnostic, the text scanner
//! looks for it there, and for a report of one recipient the first failure reply the text
//! quotes (a session transcript line such as `<<< 550 5.1.1 User unknown`) stands in.

use bouncekit_classify::smtp;
use bouncekit_mime::{Mail, dsn};

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "rfc3464", parse };

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let part = mail.status_part.as_deref()?;
    if mail.status_type.as_deref() == Some("message/feedback-report") {
        return None;
    }
    Some(read(mail, part))
}

/// Reads the fragments of a delivery-status part, filling missing diagnostics from the
/// human-readable text. Other formats that carry a DSN call this and adjust.
pub fn read(mail: &Mail, part: &str) -> Vec<Fragment> {
    // The message's own status part is parsed once and cached; other parts (embedded
    // reports) are parsed here.
    let owned;
    let report = match mail.status_report() {
        Some(r) if mail.status_part.as_deref().is_some_and(|p| std::ptr::eq(p, part)) => r,
        _ => {
            owned = dsn::parse(part);
            &owned
        }
    };
    let mut out = Vec::new();
    for fields in &report.recipients {
        let Some(mut f) = Fragment::from_dsn(fields, &report.message) else { continue };
        if f.diagnostic.trim().is_empty() {
            let quoted = || (report.recipients.len() == 1).then(|| quoted_reply(scan::report_of(mail))).flatten();
            if let Some(d) = scan::diagnostic_for(&mail.body, &f.recipient).or_else(quoted) {
                f.diagnostic = d;
            }
        }
        out.push(f);
    }
    out
}

/// The first line of `text` that is a failure reply (`550 …`, `<<< 550 …`), without the
/// transcript prefix.
fn quoted_reply(text: &str) -> Option<String> {
    text.lines().map(|l| l.trim().trim_start_matches("<<<").trim_start()).find_map(|l| {
        let code = l.get(..3).and_then(|c| c.parse::<bouncekit_core::ReplyCode>().ok())?;
        let spaced = l.as_bytes().get(3).is_none_or(|b| matches!(b, b' ' | b'-'));
        (code.class() >= 4 && spaced && smtp::is_known_reply(code)).then(|| l.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_quoted_reply() {
        let t = "   ----- Transcript of session follows -----\n... while talking to mx.example.com.:\n>>> RCPT To:<a@example.com>\n<<< 550 5.1.1 <a@example.com>... User unknown\n";
        assert_eq!(quoted_reply(t).as_deref(), Some("550 5.1.1 <a@example.com>... User unknown"));
        assert_eq!(quoted_reply("received at 12:00\n255 things\n"), None);
    }
}
