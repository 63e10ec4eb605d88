//! Thin adapters over APIs of other crates that the server needs to behave differently.
//!
//! `bouncekit_policy::address::normalise` (used by the store for every address it is
//! given) panics when byte 7 of its input falls inside a multi-byte character: it
//! slices `a[..7]` to look for a `mailto:` prefix. Internationalised addresses
//! (`jürgenö@example.de`) and hostile input hit it. Until it is fixed there, every
//! address the server hands to the store first goes through [`safe_input`], which
//! returns an input that normalises to the same result without that slice.

use std::borrow::Cow;

/// `a`, or an equivalent input `normalise` can take without panicking: the address
/// (without angle brackets) behind a `mailto:` prefix, which `normalise` strips.
pub fn safe_input(a: &str) -> Cow<'_, str> {
    let mut t = a.trim();
    if t.len() > 2 && t.starts_with('<') && t.ends_with('>') {
        t = t[1..t.len() - 1].trim();
    }
    if t.len() > 7 && !t.is_char_boundary(7) { Cow::Owned(format!("mailto:{t}")) } else { Cow::Borrowed(a) }
}

/// The normalised address, or `None` when `a` is not one; never panics.
pub fn normalise(a: &str) -> Option<String> {
    bouncekit_policy::address::normalise(&safe_input(a))
}

/// Makes the recipients of `records` safe for the store (see the module docs).
pub fn safe_records(records: &mut [bouncekit_core::Record]) {
    for r in records {
        if let Cow::Owned(s) = safe_input(&r.recipient) {
            r.recipient = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn multibyte_at_byte_seven_does_not_panic() {
        assert_eq!(normalise("jürgenö@Example.de").as_deref(), Some("jürgenö@example.de"));
        assert_eq!(normalise("<jürgenö@example.de>").as_deref(), Some("jürgenö@example.de"));
        assert_eq!(normalise("\u{80}\u{80}\u{10000}"), None);
        assert_eq!(normalise("mailto:Bob@Example.com").as_deref(), Some("bob@example.com"));
        assert_eq!(normalise("plain@example.com").as_deref(), Some("plain@example.com"));
    }
}
