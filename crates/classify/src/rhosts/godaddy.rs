//! GoDaddy (secureserver.net): IB-numbered refusals.

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "godaddy",
    hosts: &["secureserver.net"],
    domains: &[],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    const CODES: &[(&str, Reason)] = &[
        ("ib103", Reason::Blocked),
        ("ib104", Reason::Blocked),
        ("ib105", Reason::Blocked),
        ("ib106", Reason::Blocked),
        ("ib108", Reason::Blocked),
        ("ib110", Reason::Blocked),
        ("ib111", Reason::Blocked),
        ("ib112", Reason::Blocked),
        ("ib113", Reason::Blocked),
        ("ib212", Reason::SpamDetected),
        ("ib401", Reason::SecurityError),
        ("ib501", Reason::Rejected),
        ("ib502", Reason::Rejected),
        ("ib504", Reason::TooManyConn),
        ("ib506", Reason::Speeding),
        ("ib507", Reason::Speeding),
        ("ib508", Reason::AuthFailure),
        ("ib510", Reason::TooManyConn),
        ("ib605", Reason::Filtered),
        ("ib607", Reason::Speeding),
        ("ib705", Reason::VirusDetected),
    ];
    CODES.iter().find(|(c, _)| has(t, c)).map(|(_, r)| *r)
}
