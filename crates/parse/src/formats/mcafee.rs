//! McAfee Email Gateway / Email and Web Security appliance: a `Delivery Status` report
//! marked by `X-NAI-Header: Modified by McAfee …`, whose text part (often the attachment
//! `deliveryproblems.txt`) lists one recipient per line with the reason in parentheses,
//! usually followed by a `message/delivery-status` part:
//!
//! ```text
//!    --- The following addresses had delivery problems ---
//!
//! <alice@example.com>   (User unknown alice@example.com)
//! ```
//!
//! The DSN part gives status and remote reply when present; the list gives the recipients
//! and the appliance's own explanation otherwise.

use bouncekit_classify::address;
use bouncekit_mime::Mail;

use super::{Format, rfc3464};
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "mcafee", parse };

/// The line that opens the recipient list.
const HEADING: &str = "--- The following addresses had delivery problems ---";

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let by_header = mail.headers.get("x-nai-header").is_some_and(|v| v.contains("Modified by McAfee"));
    if !by_header || !mail.body.contains(HEADING) {
        return None;
    }
    let listed = listed(&mail.body);
    let mut out = match mail.status_part.as_deref() {
        Some(part) => rfc3464::read(mail, part),
        None => Vec::new(),
    };
    if out.is_empty() {
        out = listed.iter().map(|(r, d)| Fragment { diagnostic: d.clone(), ..Fragment::new(r.clone()) }).collect();
    } else {
        for f in &mut out {
            let why = listed.iter().find(|(r, _)| r.eq_ignore_ascii_case(&f.recipient)).map(|(_, d)| d);
            if let (true, Some(d)) = (f.diagnostic.trim().is_empty(), why) {
                f.diagnostic = d.clone();
            }
        }
    }
    Some(out)
}

/// The `<address>   (reason)` lines after [`HEADING`].
fn listed(body: &str) -> Vec<(String, String)> {
    body.lines()
        .map(str::trim)
        .skip_while(|l| !l.contains(HEADING))
        .skip(1)
        .take_while(|l| !l.starts_with("Content-Type:"))
        .filter_map(|l| {
            let (addr, rest) = l.strip_prefix('<')?.split_once('>')?;
            let why = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
            Some((address::first_address(addr)?, why.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_list() {
        let t = "   --- The following addresses had delivery problems ---\n\n<alice@example.com>   (User unknown alice@example.com)\n";
        assert_eq!(listed(t), vec![("alice@example.com".to_string(), "User unknown alice@example.com".to_string())]);
    }
}
