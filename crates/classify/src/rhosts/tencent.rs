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
    const TEXTS: &[(&str, Reason)] = &[
        ("mailbox not found", Reason::UserUnknown),
        ("mailbox unavailable or access denied", Reason::UserUnknown),
        ("mailbox is full", Reason::MailboxFull),
        ("ip frequency limited", Reason::Speeding),
        ("domain frequency limited", Reason::Speeding),
        ("connection frequency limited", Reason::Speeding),
        ("too many connections", Reason::TooManyConn),
        ("ip has been blocked", Reason::Blocked),
        ("spam", Reason::SpamDetected),
        ("suspected bounce attacks", Reason::Blocked),
        ("message too large", Reason::MesgTooBig),
    ];
    TEXTS.iter().find(|(c, _)| has(t, c)).map(|(_, r)| *r)
}
