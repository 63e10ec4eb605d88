//! fml mailing-list manager notices (`X-MLServer: fml [fml 4.0.3 …]`): the list server
//! answers a post it refused (`You … are not member (list ML)`) or a loop it caught
//! (`Loop Alert: Duplicated Message-ID`). The subject and the first lines of the body
//! are fml's own fixed texts and say why; the address named first in the body (the
//! list, in fml's wording) stands for the recipient.

use bouncekit_classify::address;
use bouncekit_core::Reason;
use bouncekit_mime::Mail;

use super::Format;
use crate::Fragment;

/// The format.
pub static FORMAT: Format = Format { name: "fml", parse };

/// fml's texts (lowercase substrings of subject or body) and their reasons.
const OWN_TEXTS: &[(&str, Reason)] = &[
    (" are not member", Reason::Rejected),
    ("you are not a member of this mailing list", Reason::Rejected),
    ("not member article from ", Reason::Rejected),
    ("reject mail ", Reason::Rejected),
    ("spam mail from a spammer is rejected", Reason::Rejected),
    ("fml system error message", Reason::SystemError),
    ("loop alert: ", Reason::SystemError),
    ("loop back warning: ", Reason::SystemError),
    ("warning: unix from loop", Reason::SystemError),
    ("security alert", Reason::SecurityError),
];

fn parse(mail: &Mail) -> Option<Vec<Fragment>> {
    let server = mail.headers.get("x-mlserver").or_else(|| mail.headers.get("list-software"))?;
    if !server.trim_start().to_ascii_lowercase().starts_with("fml") {
        return None;
    }
    let subject = mail.headers.get("subject").unwrap_or("");
    let first: Vec<&str> = mail.body.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("Content-Type:")).take(2).collect();
    let text = format!("{subject} {}", first.join(" "));
    let lower = text.to_ascii_lowercase();
    let reason = OWN_TEXTS.iter().find(|(p, _)| lower.contains(p)).map(|(_, r)| *r)?;
    let rcpt = first.iter().find_map(|l| address::first_address(l)).or_else(|| mail.headers.get("to").and_then(address::first_address))?;
    Some(vec![Fragment { diagnostic: text.trim().to_string(), reason: Some(reason), ..Fragment::new(rcpt) }])
}
