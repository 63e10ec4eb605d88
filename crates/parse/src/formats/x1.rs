//! An unidentified MTA ("X1" in Sisimai's naming): from `"Mail Deliver System"`, subject
//! `Returned Mail: …`, and a text part in the Sendmail 8 style but with its own list
//!
//! ```text
//! The original message was received at Thu, 29 Apr 2010 23:34:45 +0900 (JST)
//! from sender@example.org
//!
//! ---The following addresses had delivery errors---
//!
//! alice@example.com [User unknown]
//! ```
//!
//! Each list line is one recipient with its reason in brackets.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "x1", parse };

/// The line that opens the list.
const START: &str = "---The following addresses had delivery errors---";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    if !super::contains!(&mail.body, START) {
        return None;
    }
    let mut lines = mail.body.lines().map(str::trim);
    lines.by_ref().find(|l| l.starts_with(START))?;
    let mut out = Vec::new();
    for l in lines {
        if l.starts_with("Content-Type:") || (l.is_empty() && !out.is_empty()) {
            break;
        }
        let Some((addr, rest)) = l.split_once(' ') else {
            out.extend(address::normalize(l).map(Fragment::new));
            continue;
        };
        if let Some(rcpt) = address::normalize(addr) {
            let why = rest.trim().trim_start_matches('[').trim_end_matches(']');
            out.push(Fragment { diagnostic: why.to_string(), ..Fragment::new(rcpt) });
        }
    }
    Some(out)
}
