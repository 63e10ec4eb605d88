//! Apple (iCloud Mail).

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "apple",
    hosts: &["icloud.com", "apple.com", "me.com", "mac.com"],
    domains: &["icloud.com", "me.com", "mac.com"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    if has(t, "user doesn't exist") || has(t, "mailbox does not exist") {
        return Some(Reason::UserUnknown);
    }
    if has(t, "mailbox is full") || has(t, "over quota") {
        return Some(Reason::MailboxFull);
    }
    if has(t, "blocked") && has(t, "spamhaus") {
        return Some(Reason::Blocked);
    }
    if has(t, "reverse dns") || has(t, "ptr") {
        return Some(Reason::RequirePtr);
    }
    None
}
