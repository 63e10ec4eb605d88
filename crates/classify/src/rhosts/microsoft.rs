//! Microsoft (Exchange Online, Microsoft 365, Outlook.com, Hotmail).

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "microsoft",
    hosts: &["protection.outlook.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com", "outlook.office365.com"],
    domains: &["outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk", "hotmail.fr", "outlook.jp", "hotmail.co.jp", "live.jp"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    let s = ev.status?;
    Some(match (s.class(), s.subject(), s.detail()) {
        // 5.1.10: recipient not found (registry: recipient null MX).
        (_, 1, 10) => Reason::UserUnknown,
        // 5.4.1: "Recipient address rejected: Access denied" — directory-based edge blocking.
        (5, 4, 1) if has(t, "recipient address rejected") || has(t, "access denied") => Reason::UserUnknown,
        // 5.2.2 "submission quota exceeded": the sender's own sending limit, not a full mailbox.
        (5, 2, 2) if has(t, "submission quota") || has(t, "sending quota") => Reason::Speeding,
        (_, 4, 7) => Reason::Expired,
        (5, 7, 509) => Reason::AuthFailure,
        (_, 7, 500..=699) if has(t, "banned sending ip") || has(t, "block list") || has(t, "blocklist") => Reason::Blocked,
        (_, 7, 500..=699) => Reason::BadReputation,
        (5, 7, 1) if has(t, "unauthenticated") => Reason::AuthFailure,
        (5, 7, 708) => Reason::BadReputation,
        _ => return None,
    })
}
