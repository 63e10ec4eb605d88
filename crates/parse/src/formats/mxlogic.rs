//! MX Logic (later McAfee SaaS Email Protection): an Exim-derived relay whose bounces come
//! from `MAILER-DAEMON@<id>.mxlogic.net` with a `Message-ID: <mxl~…>` and read
//!
//! ```text
//! A message that you have sent could not be delivered to one or more
//! recipients.  This is a permanent error.  The following address failed:
//!
//!   <alice@example.com>: 550 unknown user
//!
//! Included is a copy of the message header:
//! ```

use bouncekit_mime::Mail;

use super::{Format, scan};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "mxlogic", parse };

/// The line that starts the returned headers.
const HEADER_COPY: &str = "Included is a copy of the message header:";

/// True when an MX Logic relay wrote the bounce.
fn is_mxlogic(mail: &Mail) -> bool {
    let from = mail.headers.get("from").unwrap_or("").to_ascii_lowercase();
    let id = mail.headers.get("message-id").unwrap_or("");
    from.contains(".mxlogic.net") || id.trim_start_matches('<').starts_with("mxl~")
}

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !is_mxlogic(mail) {
        return None;
    }
    let section = scan::report_of(mail);
    let section = section.split(HEADER_COPY).next().unwrap_or(section);
    let skip = scan::senders(mail);
    Some(scan::recipients(section, &skip).into_iter().map(|f| Fragment { diagnostic: f.diagnostic, ..Fragment::new(f.recipient) }).collect())
}
