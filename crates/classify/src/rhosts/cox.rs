//! Cox Communications: CXnn-numbered refusals.

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "cox",
    hosts: &["cox.net"],
    domains: &["cox.net"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    const CODES: &[(&str, Reason)] = &[
        ("cxblk", Reason::Blocked),
        ("cxrbl", Reason::Blocked),
        ("cxdns", Reason::RequirePtr),
        ("cxsmtp", Reason::Rejected),
        ("cxcnct", Reason::TooManyConn),
        ("cxmxrt", Reason::Speeding),
        ("cdrbl", Reason::Blocked),
        ("ipbl", Reason::Blocked),
        ("urlbl", Reason::SpamDetected),
        ("cxtls", Reason::SecurityError),
        ("cxmxfull", Reason::MailboxFull),
    ];
    CODES.iter().find(|(c, _)| has(t, c)).map(|(_, r)| *r)
}
