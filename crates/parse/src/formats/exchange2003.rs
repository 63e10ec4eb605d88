//! Microsoft Exchange 5.5 / 2000 / 2003 bounces (before Exchange wrote RFC 3464): from
//! `System Administrator`, a text part
//!
//! ```text
//! Your message
//!
//!   To:      alice@example.com
//!   Subject: Hello
//!   Sent:    Thu, 29 Apr 2010 23:34:45 +0900
//!
//! did not reach the following recipient(s):
//!
//! alice@example.com on Thu, 29 Apr 2010 23:34:45 +0900
//!     The recipient name is not recognized
//!     MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient
//! ```
//!
//! (the Internet Mail Connector writes `The following recipient(s) could not be
//! reached:` instead). Each `address on date` line is one recipient; the indented lines
//! explain it. The hexadecimal code in the `MSEXCH:` line is Exchange's own error code
//! and decides the reason where it is known.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "exchange2003", parse };

/// Lines (lowercase) that open the recipient list.
const LIST_STARTS: &[&str] = &["did not reach the following recipient(s):", "the following recipient(s) could not be reached:"];

/// Exchange error codes (in the `MSEXCH:` line) and their reasons.
const CODES: &[(&str, Reason)] = &[
    ("000C05A6", Reason::UserUnknown),
    ("000C0595", Reason::Filtered),
    ("00010256", Reason::SystemError),
    ("000D06B5", Reason::SystemError),
    ("00120270", Reason::NetworkError),
    ("00050311", Reason::ContentError),
    ("000502CC", Reason::ContentError),
    ("000B0981", Reason::SecurityError),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !mail.body.contains("MSEXCH:") {
        return None;
    }
    let mut lines = mail.body.lines();
    lines.by_ref().find(|l| LIST_STARTS.iter().any(|s| l.trim().eq_ignore_ascii_case(s)))?;
    let mut out: Vec<Fragment> = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.starts_with("Content-Type:") || t.starts_with("------") {
            break;
        }
        if t.is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        match out.last_mut() {
            Some(f) if indented || address::first_address(t).is_none() => {
                if !f.diagnostic.is_empty() {
                    f.diagnostic.push(' ');
                }
                f.diagnostic.push_str(t);
            }
            _ => out.extend(address::first_address(t).map(Fragment::new)),
        }
    }
    for f in &mut out {
        f.reason = CODES.iter().find(|(c, _)| f.diagnostic.contains(&format!("({c})"))).map(|(_, r)| *r);
    }
    Some(out)
}
