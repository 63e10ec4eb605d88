//! Active!Hunter (TransWARE's mail filter appliance): a Sendmail-like `multipart/report`
//! without a delivery-status part. It is marked by the `X-AHMAILID` header and the
//! `Active!Hunter` MIME boundary, and says:
//!
//! ```text
//!   ----- The following addresses had permanent fatal errors -----
//!
//! >>> alice@example.com <alice@example.com>
//!
//!   ----- Transcript of session follows -----
//! 550 sorry, no mailbox here by that name (#5.1.1 - chkusr)
//! ```
//!
//! Every listed recipient gets the transcript as its diagnostic.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "activehunter", parse };

/// The line that opens the list of failed recipients.
const ERRORS_HEADING: &str = "----- The following addresses had permanent fatal errors -----";

/// The line that opens the remote server's reply.
const TRANSCRIPT_HEADING: &str = "----- Transcript of session follows -----";

/// True when the message was written by Active!Hunter.
fn is_activehunter(mail: &Mail) -> bool {
    mail.headers.has("x-ahmailid") || mail.headers.get("content-type").is_some_and(|v| v.contains("Active!Hunter"))
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_activehunter(mail) {
        return None;
    }
    let mut recipients = Vec::new();
    let mut transcript: Vec<&str> = Vec::new();
    let mut section = "";
    for line in mail.body.lines().map(str::trim) {
        if line.starts_with("Content-Type:") && !transcript.is_empty() {
            break;
        }
        match line {
            ERRORS_HEADING => section = "errors",
            TRANSCRIPT_HEADING => section = "transcript",
            "" => {}
            l if section == "errors" => {
                if let Some(a) = l.strip_prefix(">>>").and_then(address::first_address) {
                    recipients.push(a);
                }
            }
            l if section == "transcript" => transcript.push(l),
            _ => {}
        }
    }
    let diagnostic = transcript.join(" ");
    Some(recipients.into_iter().map(|r| Fragment { diagnostic: diagnostic.clone(), ..Fragment::new(r) }).collect())
}
