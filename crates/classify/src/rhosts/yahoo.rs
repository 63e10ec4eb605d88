//! Yahoo (Yahoo Mail, AOL's Yahoo-run MX).

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "yahoo",
    hosts: &["yahoodns.net", "yahoo.com", "yahoo.co.jp", "aol.com", "yahoo.net"],
    domains: &["yahoo.com", "ymail.com", "rocketmail.com", "aol.com", "yahoo.co.uk", "yahoo.fr"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    if has(t, "doesn't have a yahoo") || has(t, "this user doesn't have") {
        return Some(Reason::UserUnknown);
    }
    if has(t, "not accepted for policy reasons") {
        return Some(Reason::PolicyViolation);
    }
    if has(t, "temporarily deferred") || has(t, "ts03") || has(t, "ts01") || has(t, "ts02") {
        return Some(Reason::BadReputation);
    }
    let s = ev.status?;
    Some(match (s.subject(), s.detail()) {
        // 5.7.9: message not accepted because the sender is unauthenticated (DMARC).
        (7, 9) => Reason::PolicyViolation,
        (7, 1) if has(t, "dmarc") => Reason::PolicyViolation,
        _ => return None,
    })
}
