//! Trend Micro InterScan (MSS, VirusWall, IMSVA): a `multipart/mixed` notice from
//! `"InterScan MSS"` / `"InterScan Notification"` with the boundary
//! `InterScan_NT_MIME_Boundary`. Two layouts:
//!
//! ```text
//! Sent <<< RCPT TO:<alice@example.com>
//! Received >>> 550 5.1.1 <alice@example.com>... user unknown
//! ```
//!
//! (the SMTP exchange that failed), or InterScan's own sentence
//!
//! ```text
//! Unable to deliver message to <alice@example.com> (and other recipients in the same
//! domain). Please check if address is correct.
//! ```
//!
//! which it writes when the recipient's server refused the address.

use bouncekit_classify::{address, smtp};
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "trendmicro", parse };

/// InterScan's own sentence for a refused address.
const UNABLE: &str = "Unable to deliver message to ";

/// True when InterScan wrote the notice.
fn is_interscan(mail: &Mail) -> bool {
    let from = mail.headers.get("from").unwrap_or("");
    from.contains("\"InterScan ") || mail.headers.get("content-type").is_some_and(|v| v.contains("InterScan_NT_MIME_Boundary"))
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_interscan(mail) {
        return None;
    }
    let check_address = mail.body.contains("Please check if address is correct");
    let mut out: Vec<Fragment> = Vec::new();
    for line in mail.body.lines().map(str::trim) {
        if line.starts_with("Content-Type: message/") {
            break;
        }
        if let Some(cmd) = line.strip_prefix("Sent <<< ") {
            let Some(rcpt) = address::first_address(cmd) else { continue };
            let mut f = Fragment::new(rcpt);
            f.command = smtp::find_command(&format!(">>> {}", cmd.to_ascii_lowercase())).or(Some("RCPT".into()));
            out.push(f);
        } else if let Some(reply) = line.strip_prefix("Received >>> ") {
            if let Some(f) = out.last_mut().filter(|f| f.diagnostic.is_empty()) {
                f.diagnostic = reply.to_string();
            }
        } else if let Some(rcpt) = line.strip_prefix(UNABLE).and_then(address::first_address) {
            let mut f = Fragment::new(rcpt);
            f.diagnostic = line.to_string();
            f.reason = check_address.then_some(Reason::UserUnknown);
            out.push(f);
        }
    }
    Some(out)
}
