//! NTT docomo: the MX of `docomo.ne.jp` phones.
//!
//! The MX accepts every `RCPT TO` and refuses at the end of `DATA` with `550 Unknown user
//! <address>`, whether the address does not exist or its owner's reception settings
//! refuse the sender. Only a refusal of `RCPT TO` proves the address unknown; after
//! `DATA` the message was refused (rejected), and a relay that classed the refusal as a
//! mailbox-policy one (status X.2.x) saw the owner's filter.

use bouncekit_core::Reason;

use super::{Provider, has};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "nttdocomo",
    hosts: &["docomo.ne.jp"],
    domains: &["docomo.ne.jp"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    if !has(ev.text, "unknown user") {
        return None;
    }
    if ev.status.is_some_and(|s| s.subject() == 2) {
        return Some(Reason::Filtered);
    }
    Some(if ev.command.is_some_and(|c| c.eq_ignore_ascii_case("RCPT")) { Reason::UserUnknown } else { Reason::Rejected })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(status: Option<&str>, command: Option<&str>) -> Option<Reason> {
        let status = status.and_then(|s| s.parse().ok());
        rule(&Evidence { text: "550 Unknown user alice@docomo.ne.jp", status, command, ..Evidence::default() })
    }

    #[test]
    fn command_and_status_decide() {
        assert_eq!(reason(Some("5.0.0"), Some("DATA")), Some(Reason::Rejected));
        assert_eq!(reason(Some("5.0.0"), Some("RCPT")), Some(Reason::UserUnknown));
        assert_eq!(reason(Some("5.2.0"), Some("DATA")), Some(Reason::Filtered));
    }
}
