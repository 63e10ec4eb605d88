//! Facebook (`facebook.com` addresses, `*.facebook.com` / `*.fb.com` MX): refusals carry a
//! response code such as `RCP-P1` or `POL-T2`, documented on Facebook's postmaster pages
//! (`postmaster.facebook.com/response_codes`). The prefix names the stage (recipient,
//! message, policy, DNS, connection), `P`/`T` permanent or temporary.

use bouncekit_core::Reason;

use super::{Provider, has};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "facebook",
    hosts: &["facebook.com", "fb.com"],
    domains: &["facebook.com"],
    rule,
};

/// Response codes and their meaning.
const CODES: &[(&str, Reason)] = &[
    // The address or group does not exist.
    ("RCP-P1", Reason::UserUnknown),
    ("INT-P1", Reason::UserUnknown),
    ("INT-P3", Reason::UserUnknown),
    ("INT-P4", Reason::UserUnknown),
    // The recipient's preferences or privacy settings refuse the message.
    ("RCP-P2", Reason::Filtered),
    ("RCP-P3", Reason::Filtered),
    // Too large.
    ("MSG-P1", Reason::MesgTooBig),
    ("INT-P2", Reason::MesgTooBig),
    // Attachment type, repeated header fields, blocked URL, abuse policy.
    ("MSG-P2", Reason::ContentError),
    ("MSG-P3", Reason::ContentError),
    ("POL-P6", Reason::ContentError),
    ("POL-P7", Reason::ContentError),
    // The sending server is listed or no longer accepted, or the message has a virus.
    ("POL-P1", Reason::SecurityError),
    ("POL-P2", Reason::SecurityError),
    ("POL-P5", Reason::SecurityError),
    // Mail from the sending server is refused for some hours.
    ("POL-P3", Reason::NotAccept),
    ("POL-P4", Reason::NotAccept),
    ("POL-T1", Reason::NotAccept),
    ("POL-T2", Reason::NotAccept),
    ("POL-T3", Reason::NotAccept),
    // The sender's domain or the server's reverse DNS does not resolve.
    ("DNS-P1", Reason::Rejected),
    ("DNS-P2", Reason::Rejected),
    ("DNS-P3", Reason::Rejected),
    ("DNS-T1", Reason::Rejected),
    ("DNS-T2", Reason::Rejected),
    // Facebook's own servers are busy.
    ("CON-T1", Reason::SystemError),
    // Too many connections, new connections or recipients.
    ("CON-T2", Reason::TooManyConn),
    ("CON-T3", Reason::TooManyConn),
    ("CON-T4", Reason::TooManyConn),
    ("MSG-T1", Reason::TooManyConn),
];

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    CODES.iter().find(|(c, _)| has(ev.text, c)).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_codes() {
        let ev = Evidence { text: "550 5.1.1 RCP-P2 http://postmaster.facebook.com/response_codes#rcp", ..Evidence::default() };
        assert_eq!(rule(&ev), Some(Reason::Filtered));
        assert_eq!(rule(&Evidence { text: "550 5.1.1 unknown", ..Evidence::default() }), None);
    }
}
