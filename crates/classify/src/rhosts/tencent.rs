//! Tencent (QQ Mail, Foxmail).

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "tencent",
    hosts: &["qq.com", "foxmail.com"],
    domains: &["qq.com", "foxmail.com", "vip.qq.com"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    // QQ Mail's documented refusals (service.mail.qq.com, "detail/122/…"), most specific
    // first: "suspected spam ip" before "suspected spam" before "spam".
    const TEXTS: &[(&str, Reason)] = &[
        ("mailbox not found", Reason::UserUnknown),
        ("mailbox unavailable or access denied", Reason::UserUnknown),
        ("is a deactivated mailbox", Reason::Suspend),
        ("mailbox is full", Reason::MailboxFull),
        ("message too large", Reason::MesgTooBig),
        ("bad address syntax", Reason::SyntaxError),
        ("spf check failed", Reason::AuthFailure),
        ("dmarc check failed", Reason::AuthFailure),
        // Connection-rate limits per IP, domain, sender or connection.
        ("ip frequency limited", Reason::TooManyConn),
        ("domain frequency limited", Reason::TooManyConn),
        ("sender frequency limited", Reason::TooManyConn),
        ("connection frequency limited", Reason::TooManyConn),
        ("too many connections", Reason::TooManyConn),
        ("ip has been blocked", Reason::Blocked),
        ("suspected bounce attacks", Reason::Blocked),
        ("suspected spam ip", Reason::Blocked),
        ("connection denied", Reason::Blocked),
        ("mail is rejected by recipients", Reason::Rejected),
        ("suspected spam", Reason::Rejected),
        ("spam is embedded in the email", Reason::SpamDetected),
        ("mail content denied", Reason::SpamDetected),
        ("spam", Reason::SpamDetected),
    ];
    TEXTS.iter().find(|(c, _)| has(t, c)).map(|(_, r)| *r)
}
