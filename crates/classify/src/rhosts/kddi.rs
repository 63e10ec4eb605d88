//! KDDI (au, formerly EZweb): the MX of `au.com` / `ezweb.ne.jp` phones.
//!
//! The MX answers `User unknown` both for an address that does not exist and for one
//! whose owner's reception filter (domain or address allow/deny lists) refuses the
//! sender. The two differ in one detail: a missing address is named (`550
//! <alice@ezweb.ne.jp>: User unknown`), a filter refusal names nobody (`550 : User
//! unknown`).

use bouncekit_core::Reason;

use super::{Provider, has};
use crate::Evidence;

pub(super) static PROVIDER: Provider = Provider {
    name: "kddi",
    hosts: &["ezweb.ne.jp", "au.com"],
    domains: &["ezweb.ne.jp", "au.com"],
    rule,
};

fn rule(ev: &Evidence<'_>) -> Option<Reason> {
    let t = ev.text;
    if !has(t, "user unknown") {
        return None;
    }
    Some(if has(t, ">: user unknown") { Reason::UserUnknown } else { Reason::Filtered })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> Option<Reason> {
        rule(&Evidence { text, ..Evidence::default() })
    }

    #[test]
    fn named_address_is_unknown_anonymous_refusal_is_a_filter() {
        assert_eq!(reason("550 <alice@ezweb.ne.jp>: User unknown"), Some(Reason::UserUnknown));
        assert_eq!(reason("550 : User unknown"), Some(Reason::Filtered));
        assert_eq!(reason("550 5.2.2 mailbox full"), None);
    }
}
