//! Which recipients are ours, and the VERP decoding of the original recipient.

use crate::config::{Config, Verp};

/// One accepted recipient of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The envelope address as given in `RCPT TO`, domain lowercased
    /// (`bounces+alice=example.com@bounce.example.net`).
    pub address: String,
    /// The original recipient decoded from VERP (`alice@example.com`), when the address
    /// carries one.
    pub original: Option<String>,
}

/// Decodes the original recipient from the local part of a bounce address:
/// `bounces+alice=example.com` → `alice@example.com` (domain lowercased). `None` when the
/// local part does not start with the prefix and separator, or when what follows is not
/// `user=domain` with a plausible domain.
///
/// ```
/// use bouncekit_listener::{Verp, decode_verp};
/// let verp = Verp::default();
/// assert_eq!(decode_verp("bounces+alice=Example.COM", &verp).as_deref(), Some("alice@example.com"));
/// assert_eq!(decode_verp("bounces", &verp), None);
/// ```
pub fn decode_verp(local: &str, verp: &Verp) -> Option<String> {
    let encoded = if verp.prefix.is_empty() {
        local
    } else {
        let head = local.get(..verp.prefix.len())?;
        if !head.eq_ignore_ascii_case(&verp.prefix) {
            return None;
        }
        local[verp.prefix.len()..].strip_prefix(verp.separator)?
    };
    let (user, domain) = encoded.rsplit_once(verp.at)?;
    let domain = domain.to_ascii_lowercase();
    if user.is_empty() || !is_domain(&domain) || !domain.contains('.') {
        return None;
    }
    Some(format!("{user}@{domain}"))
}

/// True for a syntactically plausible domain name (letters, digits, hyphens and dots,
/// no empty label) or an address literal in brackets.
pub(crate) fn is_domain(d: &str) -> bool {
    if d.starts_with('[') && d.ends_with(']') && d.len() > 2 {
        return true;
    }
    !d.is_empty()
        && d.len() <= 255
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// See [`Config::recipient`].
pub(crate) fn accept(config: &Config, address: &str) -> Option<Recipient> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        // RFC 5321 §4.5.1: "postmaster" without a domain must be accepted.
        return address.eq_ignore_ascii_case("postmaster").then(|| Recipient { address: "postmaster".into(), original: None });
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if local.is_empty() || !config.domains.contains(&domain) {
        return None;
    }
    let recipient = |original| Some(Recipient { address: format!("{local}@{domain}"), original });
    if local.eq_ignore_ascii_case("postmaster") {
        return recipient(None);
    }
    if let Some(original) = decode_verp(local, &config.verp) {
        return recipient(Some(original));
    }
    let prefix = &config.verp.prefix;
    let ours = !prefix.is_empty()
        && local.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
        && (local.len() == prefix.len() || local[prefix.len()..].starts_with(config.verp.separator));
    if ours || config.accept_any_local_part {
        // Our bounce address without (a readable) original recipient: the bounce itself
        // has to name the recipient.
        return recipient(None);
    }
    None
}
