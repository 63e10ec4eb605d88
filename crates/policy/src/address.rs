//! Normalised addresses: the key under which an address is suppressed.

/// The normalised form of an address: trimmed, without `<>` or `mailto:`, lowercase,
/// without a trailing dot on the domain. `None` when it is not `local@domain`.
///
/// Local parts are case-sensitive in theory (RFC 5321) but not in any mailbox provider
/// that matters, and suppressing `John@x` while mailing `john@x` is the worse error.
///
/// ```
/// use bouncekit_policy::address::normalise;
/// assert_eq!(normalise(" <John.Doe@Example.COM.> ").as_deref(), Some("john.doe@example.com"));
/// assert_eq!(normalise("no-at-sign"), None);
/// ```
pub fn normalise(addr: &str) -> Option<String> {
    let mut a = addr.trim();
    if a.len() > 2 && a.starts_with('<') && a.ends_with('>') {
        a = a[1..a.len() - 1].trim();
    }
    if a.len() > 7 && a.as_bytes()[..7].eq_ignore_ascii_case(b"mailto:") {
        a = &a[7..];
    }
    let (local, domain) = a.rsplit_once('@')?;
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if local.is_empty()
        || domain.is_empty()
        || a.len() > 320
        || a.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        || domain.starts_with('.')
        || domain.contains("..")
    {
        return None;
    }
    let mut out = String::with_capacity(a.len());
    out.push_str(&local.to_lowercase());
    out.push('@');
    out.push_str(&domain.to_lowercase());
    Some(out)
}

/// The domain part of a normalised address.
pub fn domain_of(normalised: &str) -> &str {
    normalised.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// The normalised form of a domain name: trimmed, lowercase, without a leading `@` or a
/// trailing dot.
pub fn normalise_domain(domain: &str) -> String {
    let d = domain.trim().trim_start_matches('@');
    d.strip_suffix('.').unwrap_or(d).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::normalise;

    /// Regression: a multi-byte character across byte 7 (where the `mailto:` prefix is
    /// checked) used to panic on a string slice.
    #[test]
    fn multibyte_at_byte_seven_does_not_panic() {
        assert_eq!(normalise("jürgenö@Example.de").as_deref(), Some("jürgenö@example.de"));
        assert_eq!(normalise("<jürgenö@example.de>").as_deref(), Some("jürgenö@example.de"));
        assert_eq!(normalise("\u{80}\u{80}\u{10000}"), None);
        assert_eq!(normalise("mailto:Bob@Example.com").as_deref(), Some("bob@example.com"));
        assert_eq!(normalise("plain@example.com").as_deref(), Some("plain@example.com"));
    }
}
