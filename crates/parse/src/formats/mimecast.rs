//! Mimecast: non-delivery reports its gateways send when the next hop refuses or never
//! accepts a message. They carry Mimecast's headers (`X-MC-Unique`, `X-Mimecast-…`) and
//! name each recipient and the remote server's answer in labelled lines (text or HTML
//! part):
//!
//! ```text
//! Recipient address: alice@example.com
//! Reason: Remote SMTP Server Returned: 550 5.1.1 <alice@example.com>... User unknown
//! ```
//!
//! The reason applies to the recipient named before it; `Remote SMTP Server Returned:`
//! is Mimecast's wrapper, not part of the reply.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "mimecast", parse };

/// Labels of the recipient lines.
const RECIPIENT_LABELS: &[&str] = &["Recipient address:", "Recipient:"];

/// Label of the reason line.
const REASON_LABEL: &str = "Reason:";

/// Mimecast's wrapper around the remote reply.
const REMOTE_WRAPPER: &str = "Remote SMTP Server Returned:";

/// True when a Mimecast gateway wrote the report.
fn is_mimecast(mail: &Mail) -> bool {
    mail.headers.iter().any(|(n, _)| n.starts_with("x-mimecast-") || n == "x-mc-unique")
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_mimecast(mail) {
        return None;
    }
    let mut out: Vec<Fragment> = Vec::new();
    for line in mail.body.lines().map(str::trim) {
        if line.starts_with("Content-Type: message/") || line.starts_with("Content-Type: text/rfc822-headers") {
            break;
        }
        if let Some(rest) = RECIPIENT_LABELS.iter().find_map(|l| line.strip_prefix(l)) {
            let Some(rcpt) = address::first_address(rest) else { continue };
            if !out.iter().any(|f| f.recipient.eq_ignore_ascii_case(&rcpt)) {
                out.push(Fragment::new(rcpt));
            }
        } else if let Some(reason) = line.strip_prefix(REASON_LABEL) {
            let reply = reason.trim();
            let reply = reply.strip_prefix(REMOTE_WRAPPER).unwrap_or(reply).trim();
            if let Some(f) = out.last_mut().filter(|f| f.diagnostic.is_empty()) {
                f.diagnostic = reply.to_string();
            }
        }
    }
    Some(out)
}
