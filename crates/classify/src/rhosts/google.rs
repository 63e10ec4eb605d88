//! Google (Gmail, Google Workspace): codes whose meaning differs from the registry.

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "google",
    hosts: &["google.com", "googlemail.com", "gmail-smtp-in.l.google.com", "aspmx.l.google.com"],
    domains: &["gmail.com", "googlemail.com"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    let s = ev.status?;
    Some(match (s.subject(), s.detail()) {
        // 4.7.23 / 5.7.23 / 5.7.25: the sending IP has no PTR record (registry: SPF).
        (7, 23) | (7, 25) => Reason::RequirePtr,
        // 4.7.27 / 5.7.27: SPF did not pass (registry: sender null MX).
        (7, 27) => Reason::AuthFailure,
        // 4.7.29: not sent over TLS (registry: ARC).
        (7, 29) => Reason::SecurityError,
        // 4.7.30 / 5.7.30: DKIM did not pass (registry: REQUIRETLS).
        (7, 30) | (7, 26) => Reason::AuthFailure,
        (7, 28) => Reason::BadReputation,
        (2, 1) if has(t, "receiving mail too quickly") || has(t, "receiving mail at a rate") => Reason::Speeding,
        (2, 1) if has(t, "disabled") => Reason::Suspend,
        (2, 2) | (2, 3) if has(t, "over quota") || has(t, "storage") => Reason::MailboxFull,
        (7, 0) if has(t, "tls required") => Reason::SecurityError,
        (7, 0) | (7, 1) if has(t, "reputation") => Reason::BadReputation,
        (7, 1) if has(t, "unsolicited") => Reason::SpamDetected,
        _ => return None,
    })
}
