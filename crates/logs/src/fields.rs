//! Scanning the `key=value, key=value` lists of Postfix and Sendmail lines, and small
//! helpers shared by the formats.

use memchr::memmem;

/// Iterates the `key=value` fields of a Postfix or Sendmail message: fields are separated
/// by `, ` followed by another `key=`, so values may contain commas and spaces
/// (`relay=mx.example.com. [192.0.2.1]`, `to=<a@x>,<b@x>`). The value of a key listed in
/// `tail_keys` runs to the end of the line (`status=`, `stat=`: free text that may hold
/// anything).
pub struct Fields<'a> {
    rest: &'a str,
    tail_keys: &'static [&'static str],
}

impl<'a> Fields<'a> {
    /// Fields of `text`.
    pub fn new(text: &'a str, tail_keys: &'static [&'static str]) -> Self {
        Self { rest: text, tail_keys }
    }
}

/// Bytes of a field key.
fn key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// Length of the key at the start of `b` when it is followed by `=`.
fn key_len(b: &[u8]) -> Option<usize> {
    let n = b.iter().take_while(|c| key_byte(**c)).count();
    (n > 0 && b.get(n) == Some(&b'=')).then_some(n)
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.rest.as_bytes();
        let klen = key_len(b)?;
        let key = &self.rest[..klen];
        let vstart = klen + 1;
        if self.tail_keys.contains(&key) {
            let value = &self.rest[vstart..];
            self.rest = "";
            return Some((key, value));
        }
        let mut end = b.len();
        let mut next = b.len();
        for p in memmem::find_iter(&b[vstart..], b", ") {
            let at = vstart + p;
            if key_len(&b[at + 2..]).is_some() {
                end = at;
                next = at + 2;
                break;
            }
        }
        let value = &self.rest[vstart..end];
        self.rest = &self.rest[next..];
        Some((key, value))
    }
}

/// Strips one pair of angle brackets: `<a@b>` → `a@b`, `<>` → ``.
pub fn unbracket(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('<').and_then(|x| x.strip_suffix('>')).unwrap_or(s)
}

/// A recipient as records carry it: the normalised address (lowercase domain), or the
/// trimmed text when it is not an address (`root`, a file name).
pub fn recipient(raw: &str) -> String {
    let raw = unbracket(raw);
    bouncekit_classify::address::normalize(raw).unwrap_or_else(|| raw.trim().to_string())
}

/// A sender: `None` for the null sender `<>` and empty values.
pub fn sender(raw: &str) -> Option<String> {
    let raw = unbracket(raw);
    if raw.is_empty() {
        return None;
    }
    Some(bouncekit_classify::address::normalize(raw).unwrap_or_else(|| raw.to_string()))
}

/// The host part of `mx.example.com[192.0.2.1]:25`, `mx.example.com. [192.0.2.1]`,
/// `mx.example.com (192.0.2.1)` or `[192.0.2.1]`: lowercase, without the trailing dot.
/// `None` for `none`, empty values and values without a host.
pub fn host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let name = raw.split(['[', ' ', '(']).next().unwrap_or("").trim_end_matches('.');
    let name = if name.is_empty() {
        // `[192.0.2.1]`: the address literal is all there is.
        let inner = raw.strip_prefix('[')?;
        &inner[..inner.find(']')?]
    } else {
        name
    };
    if name.is_empty() || name.eq_ignore_ascii_case("none") || name.eq_ignore_ascii_case("unknown") {
        return None;
    }
    Some(name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_fields() {
        let f: Vec<_> = Fields::new(
            "to=<a@b.c>, orig_to=<x@y.z>, relay=mx.b.c[192.0.2.1]:25, delay=1.2, dsn=5.1.1, status=bounced (said: a, b=c)",
            &["status"],
        )
        .collect();
        assert_eq!(
            f,
            vec![
                ("to", "<a@b.c>"),
                ("orig_to", "<x@y.z>"),
                ("relay", "mx.b.c[192.0.2.1]:25"),
                ("delay", "1.2"),
                ("dsn", "5.1.1"),
                ("status", "bounced (said: a, b=c)")
            ]
        );
    }

    #[test]
    fn sendmail_fields() {
        let f: Vec<_> = Fields::new("to=<a@b.c>,<d@e.f>, ctladdr=<u@h> (1000/1000), relay=mx.b.c. [192.0.2.1], stat=Deferred: x, y=z", &["stat"]).collect();
        assert_eq!(f[0], ("to", "<a@b.c>,<d@e.f>"));
        assert_eq!(f[1], ("ctladdr", "<u@h> (1000/1000)"));
        assert_eq!(f[3], ("stat", "Deferred: x, y=z"));
        assert_eq!(Fields::new("removed", &[]).count(), 0);
    }

    #[test]
    fn hosts() {
        assert_eq!(host("mx.Example.com[192.0.2.1]:25").as_deref(), Some("mx.example.com"));
        assert_eq!(host("mx.example.com. [192.0.2.1]").as_deref(), Some("mx.example.com"));
        assert_eq!(host("mx.example.com (192.0.2.1)").as_deref(), Some("mx.example.com"));
        assert_eq!(host("[192.0.2.1]").as_deref(), Some("192.0.2.1"));
        assert_eq!(host("none"), None);
        assert_eq!(host(""), None);
    }

    #[test]
    fn addresses() {
        assert_eq!(recipient("<Bad@Example.COM>"), "Bad@example.com");
        assert_eq!(recipient("root"), "root");
        assert_eq!(sender("<>"), None);
        assert_eq!(sender("<a@B.c>").as_deref(), Some("a@b.c"));
    }
}
