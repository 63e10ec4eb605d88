//! BIGLOBE (`biglobe.ne.jp`): the `Returned mail` notice its servers send from
//! `postmaster@biglobe.ne.jp`.
//!
//! A `multipart/mixed` message with no delivery-status part; the text part lists the
//! failed addresses and then the reason under dashed headings:
//!
//! ```text
//!    ----- The following addresses had delivery problems -----
//! alice@example.biglobe.ne.jp
//!
//!    ----- Non-delivered information -----
//! The number of messages in recipient's mailbox exceeded the local limit.
//! ```

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "biglobe", parse };

/// Heading before the failed addresses.
const RECIPIENTS_MARK: &str = "----- The following addresses had delivery problems -----";

/// Heading before the reason.
const REASON_MARK: &str = "----- Non-delivered information -----";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    if !from.contains("biglobe.ne.jp") {
        return None;
    }
    let section = scan::report_of(mail);
    let (_, rest) = section.split_once(RECIPIENTS_MARK)?;
    let (listed, reason) = rest.split_once(REASON_MARK).unwrap_or((rest, ""));
    let diagnostic = reason
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Content-Type:") && !l.starts_with("--"))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let out = listed
        .lines()
        .filter_map(address::first_address)
        .map(|rcpt| Fragment { diagnostic: diagnostic.clone(), ..Fragment::new(rcpt) })
        .collect();
    Some(out)
}
