//! Mimecast: policy-named refusals.

use bouncekit_core::Reason;

use super::{has, Provider};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "mimecast",
    hosts: &["mimecast.com", "mimecast-offshore.com"],
    domains: &[],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    const TEXTS: &[(&str, Reason)] = &[
        ("invalid recipient", Reason::UserUnknown),
        ("recipient address rejected", Reason::UserUnknown),
        ("anti-spoofing policy", Reason::PolicyViolation),
        // The recipient's permitted-senders policy does not list the sending network.
        ("host network not allowed", Reason::PolicyViolation),
        ("envelope rejected", Reason::Blocked),
        ("rejected by recipients", Reason::Filtered),
        ("blocked by a customer", Reason::Filtered),
        ("spam signature", Reason::SpamDetected),
        ("virus signature", Reason::VirusDetected),
        ("message size exceeds", Reason::MesgTooBig),
        ("dmarc", Reason::AuthFailure),
        ("spf sender invalid", Reason::AuthFailure),
        ("reverse dns", Reason::RequirePtr),
        ("rbl", Reason::Blocked),
    ];
    TEXTS.iter().find(|(c, _)| has(t, c)).map(|(_, r)| *r)
}
