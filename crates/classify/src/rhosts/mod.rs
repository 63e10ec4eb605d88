//! Remote hosts whose error texts and codes mean something of their own.
//!
//! Gmail's 4.7.23 means a missing PTR record, not the registry's SPF failure; Microsoft's
//! 5.2.2 means the sender's submission quota, not a full mailbox. When the remote host (or,
//! failing that, the recipient's domain) belongs to a provider listed here, its rule set
//! is asked first. One module per provider; [`PROVIDERS`] is the registry.

use bouncekit_core::Reason;

use crate::Evidence;

mod apple;
mod cox;
mod facebook;
mod godaddy;
mod google;
mod iua;
mod kddi;
mod microsoft;
mod mimecast;
mod nttdocomo;
mod orange;
mod tencent;
mod yahoo;

/// A provider rule set.
pub struct Provider {
    /// Short name used in records and docs.
    pub name: &'static str,
    /// Host name suffixes of its MX or outbound hosts (lowercase, leading dot implied).
    pub hosts: &'static [&'static str],
    /// Recipient domains it hosts, used when the remote host is unknown.
    pub domains: &'static [&'static str],
    /// The provider's own meaning of this evidence, if it has one.
    pub rule: fn(&Evidence<'_>) -> Option<Reason>,
}

/// Every provider rule set, checked in order.
pub static PROVIDERS: &[&Provider] = &[
    &google::PROVIDER,
    &microsoft::PROVIDER,
    &yahoo::PROVIDER,
    &apple::PROVIDER,
    &orange::PROVIDER,
    &godaddy::PROVIDER,
    &mimecast::PROVIDER,
    &tencent::PROVIDER,
    &cox::PROVIDER,
    &kddi::PROVIDER,
    &nttdocomo::PROVIDER,
    &facebook::PROVIDER,
    &iua::PROVIDER,
];

fn host_matches(host: &str, suffix: &str) -> bool {
    host == suffix || host.strip_suffix(suffix).is_some_and(|p| p.ends_with('.'))
}

/// The provider that refused the message, by remote host first, then recipient domain.
pub fn provider_of(ev: &Evidence<'_>) -> Option<&'static Provider> {
    if let Some(h) = ev.remote_host {
        let h = h.to_ascii_lowercase();
        if let Some(p) = PROVIDERS.iter().find(|p| p.hosts.iter().any(|s| host_matches(&h, s))) {
            return Some(p);
        }
    }
    let domain = ev.recipient.and_then(|r| r.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase())?;
    PROVIDERS.iter().copied().find(|p| p.domains.iter().any(|d| *d == domain))
}

/// The provider-specific reason, if the provider has a rule for this evidence.
pub fn reason(ev: &Evidence<'_>) -> Option<(&'static str, Reason)> {
    let p = provider_of(ev)?;
    (p.rule)(ev).map(|r| (p.name, r))
}

/// True when `text` contains `needle`, ASCII case-insensitively.
pub(crate) fn has(text: &str, needle: &str) -> bool {
    let n = needle.len();
    text.len() >= n && text.as_bytes().windows(n).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}
