//! The syslog line header that Postfix, Sendmail and (optionally) Exim lines carry:
//!
//! ```text
//! Nov 29 02:05:03 mail postfix/smtp[1234]: 3F2A81234: to=<…>, …
//! 2024-11-29T02:05:03.123456+01:00 mail postfix/smtp[1234]: …
//! <22>Nov 29 02:05:03 mail sm-mta[99]: …
//! ```

use crate::time;

/// The parts of a syslog line. The timestamp is kept as text and read on demand, since
/// most lines never become a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The timestamp as written.
    pub stamp: &'a str,
    /// The host name that logged the line.
    pub host: &'a str,
    /// The program name without the pid (`postfix/smtp`, `sm-mta`, `exim4`).
    pub program: &'a str,
    /// The text after `program[pid]: `.
    pub message: &'a str,
}

impl Header<'_> {
    /// The timestamp in epoch seconds (see [`crate::time`] for the year rule).
    pub fn time(&self, reference: i64, utc_offset: i32) -> Option<i64> {
        let b = self.stamp.as_bytes();
        if b.first().is_some_and(u8::is_ascii_digit) {
            time::iso(b, utc_offset).map(|(t, _)| t)
        } else {
            time::syslog(b, reference, utc_offset).map(|(t, _)| t)
        }
    }
}

/// Splits a syslog line into its header parts, or `None` when the line is not one.
pub fn parse(line: &str) -> Option<Header<'_>> {
    let mut s = line;
    // An optional `<PRI>` prefix (lines captured straight off the wire).
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find('>')?;
        if end == 0 || end > 3 || !rest[..end].bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s = &rest[end + 1..];
    }
    let b = s.as_bytes();
    let stamp_len = if b.first().is_some_and(u8::is_ascii_digit) {
        // ISO: everything up to the first space.
        let n = memchr::memchr(b' ', b)?;
        if n < 19 {
            return None;
        }
        n
    } else {
        if b.len() < 16 || b[15] != b' ' || time::month(&b[..3.min(b.len())]).is_none() {
            return None;
        }
        15
    };
    let stamp = &s[..stamp_len];
    let rest = &s[stamp_len + 1..];
    let sp = memchr::memchr(b' ', rest.as_bytes())?;
    let host = &rest[..sp];
    let rest = &rest[sp + 1..];
    // `program[pid]: ` or `program: `
    let colon = memchr::memchr(b':', rest.as_bytes())?;
    let tag = &rest[..colon];
    if tag.is_empty() || tag.contains(' ') {
        return None;
    }
    let program = match tag.find('[') {
        Some(p) if tag.ends_with(']') => &tag[..p],
        Some(_) => return None,
        None => tag,
    };
    let message = rest[colon + 1..].strip_prefix(' ').unwrap_or(&rest[colon + 1..]);
    Some(Header { stamp, host, program, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional() {
        let h = parse("Nov 29 02:05:03 mail postfix/smtp[1234]: 3F2A81234: to=<a@b.c>").expect("syslog");
        assert_eq!(h.stamp, "Nov 29 02:05:03");
        assert_eq!(h.host, "mail");
        assert_eq!(h.program, "postfix/smtp");
        assert_eq!(h.message, "3F2A81234: to=<a@b.c>");
    }

    #[test]
    fn iso_and_priority() {
        let h = parse("<22>2024-11-29T02:05:03.123456+01:00 mx1 sm-mta[99]: x: stat=Sent").expect("syslog");
        assert_eq!(h.stamp, "2024-11-29T02:05:03.123456+01:00");
        assert_eq!(h.program, "sm-mta");
        assert_eq!(h.time(0, 0), Some(1_732_845_903 - 3600));
        let h = parse("Nov  9 02:05:03 mail exim: 1tGxyz-000abc-12 Completed").expect("syslog");
        assert_eq!(h.program, "exim");
    }

    #[test]
    fn not_syslog() {
        assert!(parse("2024-11-29 02:05:03 1tGxyz-000abc-12 <= a@b.c").is_none());
        assert!(parse("type,timeLogged,orig").is_none());
        assert!(parse("Nov 29 02:05:03 mail").is_none());
        assert!(parse("").is_none());
        assert!(parse("<999999>x").is_none());
    }
}
