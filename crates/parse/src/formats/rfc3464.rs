//! RFC 3464 delivery status notifications (and RFC 6522 `multipart/report`): the
//! standard format most MTAs write, read from the `message/delivery-status` part.
//!
//! The human-readable first part often says more than `Diagnostic-Code` (or is the only
//! place the remote reply appears); when a recipient has no diagnostic, the text scanner
//! looks for it there.

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
    let report = dsn::parse(part);
    let mut out = Vec::new();
    for fields in &report.recipients {
        let Some(mut f) = Fragment::from_dsn(fields, &report.message) else { continue };
        if f.diagnostic.trim().is_empty() {
            if let Some(d) = scan::diagnostic_for(&mail.body, &f.recipient) {
                f.diagnostic = d;
            }
        }
        out.push(f);
    }
    out
}
