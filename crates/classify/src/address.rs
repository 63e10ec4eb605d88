//! Finding and normalising email addresses in free text.
//!
//! Bounces write addresses as `<a@b>`, `a@b`, `"Name" <a@b>`, `rfc822; a@b`, `a@b...`
//! (qmail), `(expanded from <a@b>)` (Postfix). These functions are deliberately lenient
//! about what they read and strict about what they return: the result always has one `@`,
//! a non-empty local part and a domain with a dot or bracketed literal.

/// Bytes allowed in the local part of an address as bounces write it.
fn local_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&c) || c >= 0x80
}

/// Bytes allowed in a domain (including `[` `]` of address literals).
fn domain_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'[' | b']' | b':' | b'_') || c >= 0x80
}

/// Normalises an address: strips brackets, quotes and trailing dots, lowercases the domain.
///
/// Returns `None` when what remains is not an address.
pub fn normalize(raw: &str) -> Option<String> {
    // White space of any kind is trimmed together with the punctuation around it, so
    // that normalising a result again gives the same result (found by fuzzing: a U+0085
    // before a trailing comma was kept).
    let t = raw
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '<' | '"' | '\'' | '(' | '[' | ':' | ';'))
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '>' | '"' | '\'' | ')' | ',' | ';' | ':' | '.' | ']'));
    let t = t.strip_prefix("mailto:").unwrap_or(t);
    let (local, domain) = t.rsplit_once('@')?;
    let local = local.trim_matches('"');
    if local.is_empty() || domain.is_empty() || local.len() > 256 || domain.len() > 255 {
        return None;
    }
    if !local.bytes().all(|c| local_byte(c) || c == b' ' && local.contains('"')) {
        return None;
    }
    let domain = domain.trim_end_matches('.');
    if !domain.bytes().all(domain_byte) {
        return None;
    }
    if !(domain.contains('.') || domain.starts_with('[')) {
        return None;
    }
    if domain.starts_with('.') || domain.starts_with('-') || domain.contains("..") {
        return None;
    }
    let mut address = String::with_capacity(local.len() + 1 + domain.len());
    address.push_str(local);
    address.push('@');
    let at = address.len();
    address.push_str(domain);
    address[at..].make_ascii_lowercase();
    Some(address)
}

/// Every address in `text`, in order of appearance, without duplicates.
pub fn addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'@', &b[from..]) {
        let at = from + p;
        from = at + 1;
        let mut s = at;
        while s > 0 && local_byte(b[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < b.len() && domain_byte(b[e]) {
            e += 1;
        }
        if s == at || e == at + 1 {
            continue;
        }
        let cand = text.get(s..e).unwrap_or("");
        let cand = cand.trim_start_matches('.');
        // `=` inside a local part is usually a VERP-encoded address or a quoted-printable
        // artefact; keep it (it is legal) but strip a trailing `]`.
        if let Some(a) = normalize(cand.trim_end_matches(']').trim_end_matches(':')) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        from = e.max(from);
    }
    out
}

/// The first address in `text`, preferring one in angle brackets.
pub fn first_address(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if let Some(lt) = memchr::memchr(b'<', b) {
        if let Some(gt) = memchr::memchr(b'>', &b[lt..]) {
            if let Some(a) = text.get(lt + 1..lt + gt).and_then(normalize) {
                return Some(a);
            }
        }
    }
    addresses(text).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_brackets_and_case() {
        assert_eq!(normalize("<Kijitora@Example.JP>").as_deref(), Some("Kijitora@example.jp"));
        assert_eq!(normalize("rfc822; a@b.org").as_deref(), None);
        assert_eq!(normalize("a@b.org...").as_deref(), Some("a@b.org"));
        assert_eq!(normalize("nodomain@localhost"), None);
    }

    #[test]
    fn finds_all_addresses_once() {
        let t = "to <a@x.org> (expanded from <b@y.org>): a@x.org";
        assert_eq!(addresses(t), vec!["a@x.org".to_string(), "b@y.org".to_string()]);
    }
}
