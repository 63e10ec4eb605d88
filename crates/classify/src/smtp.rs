//! Parsing SMTP replies out of noisy text.
//!
//! Bounces quote the remote server's reply in many wrappers:
//!
//! ```text
//! host mx.example.com[192.0.2.1] said: 550 5.3.0 <a@example.com>: Mail system error (in reply to RCPT TO command)
//! 550-5.7.1 Service unavailable
//! 550 5.7.1 client [192.0.2.1] blocked using zen.spamhaus.org
//! smtp; 550 #5.1.0 Address rejected
//! ```
//!
//! [`parse_reply`] finds the reply code, the enhanced status code, the recipient, the SMTP
//! command, the remote host and the human text in one pass over the bytes. It never fails:
//! text without codes yields a [`Reply`] with only `text` set.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use bouncekit_core::{ReplyCode, StatusCode};

/// What could be read from one (possibly multi-line) SMTP reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// The basic reply code (`550`).
    pub reply_code: Option<ReplyCode>,
    /// The enhanced status code (`5.1.1`).
    pub status: Option<StatusCode>,
    /// True when reply and enhanced code disagree in class (`550 4.4.7`).
    pub mismatch: bool,
    /// The first address in angle brackets or after `RCPT TO:`.
    pub recipient: Option<String>,
    /// The SMTP command the reply answered (`RCPT`, `DATA`, `MAIL`, `CONN`…).
    pub command: Option<String>,
    /// The remote host named in the text (`host mx.example.com[…] said:`).
    pub remote_host: Option<String>,
    /// The human text with codes and continuation prefixes removed, lines joined by a space.
    pub text: String,
}

/// Parses one reply, single or multi-line, possibly wrapped in an MTA's explanation.
pub fn parse_reply(input: &str) -> Reply {
    let (reply_code, status) = reply_codes(input);
    let mut reply = Reply {
        command: find_command(input),
        remote_host: find_remote_host(input),
        recipient: find_recipient(input),
        reply_code,
        status,
        ..Reply::default()
    };
    let mut text = String::with_capacity(input.len());
    for line in input.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (_, _, rest) = strip_codes(line);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(rest.trim());
    }
    if let (Some(c), Some(s)) = (reply.reply_code, reply.status) {
        reply.mismatch = s.disagrees_with(c);
    }
    reply.text = text;
    reply
}

/// The reply code and enhanced status code of a reply, read as [`parse_reply`] reads them
/// (and only them): the first codes that open a line, else the first ones in the text.
pub fn reply_codes(input: &str) -> (Option<ReplyCode>, Option<StatusCode>) {
    let (mut reply_code, mut status) = (None, None);
    for line in input.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (c, s, _) = strip_codes(line);
        reply_code = reply_code.or(c);
        status = status.or(s);
        if reply_code.is_some() && status.is_some() {
            break;
        }
    }
    if reply_code.is_none() || status.is_none() {
        // The codes may sit inside the line: `said: 550 5.1.1 …`, `smtp; 550 #5.1.0`.
        let (c, s) = find_codes(input);
        reply_code = reply_code.or(c);
        status = status.or(s);
    }
    (reply_code, status)
}

/// Strips a leading `550-5.1.1 ` / `550 ` / `5.1.1 ` from one line.
fn strip_codes(line: &str) -> (Option<ReplyCode>, Option<StatusCode>, &str) {
    let b = line.as_bytes();
    let mut code = None;
    let mut rest = line;
    if b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit) && (b.len() == 3 || matches!(b[3], b' ' | b'-' | b'\t')) {
        code = line[..3].parse().ok();
        if code.is_some() {
            rest = line.get(4..).unwrap_or("");
        }
    }
    let mut status = None;
    let r = rest.trim_start().trim_start_matches('#');
    if let Some((s, len)) = status_at(r.as_bytes(), 0) {
        status = Some(s);
        rest = r[len..].trim_start_matches([' ', '-']);
    }
    (code, status, rest)
}

/// Finds the first plausible reply code and enhanced code anywhere in the text.
///
/// A reply code must stand alone (not part of a longer number, date or IP) and be followed
/// by a space, `-` or end of text; an enhanced code must not be part of a dotted quad.
pub fn find_codes(text: &str) -> (Option<ReplyCode>, Option<StatusCode>) {
    let b = text.as_bytes();
    let mut reply: Option<(usize, ReplyCode)> = None;
    let mut status: Option<(usize, StatusCode)> = None;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && is_codeword(b[i - 1])) {
            i += 1;
            continue;
        }
        if status.is_none() {
            if let Some((s, len)) = status_at(b, i) {
                status = Some((i, s));
                i += len;
                continue;
            }
        }
        if reply.is_none() && i + 3 <= b.len() && b[i..i + 3].iter().all(u8::is_ascii_digit) {
            let end_ok = i + 3 == b.len() || matches!(b[i + 3], b' ' | b'-' | b'\t' | b'\r' | b'\n');
            if end_ok {
                if let Some(c) = std::str::from_utf8(&b[i..i + 3]).ok().and_then(|s| s.parse().ok()) {
                    reply = Some((i, c));
                }
            }
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        if reply.is_some() && status.is_some() {
            break;
        }
    }
    (reply.map(|r| r.1), status.map(|s| s.1))
}

/// A code found in free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A basic reply code that RFC 5321 and its extensions define (`550`).
    Reply(ReplyCode),
    /// An enhanced status code (`5.1.1`).
    Status(StatusCode),
}

/// Reply codes that SMTP and its extensions define. A three-digit number outside this
/// list (`426`, `542`, `255`) is an exit status, a count or a foreign protocol's code, not
/// an SMTP reply.
pub const KNOWN_REPLY_CODES: &[u16] = &[
    211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 422, 430, 432, 450, 451, 452, 453, 454, 455, 458, 459,
    500, 501, 502, 503, 504, 521, 523, 524, 525, 530, 533, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556, 557,
];

/// True when `code` is one of [`KNOWN_REPLY_CODES`].
pub fn is_known_reply(code: ReplyCode) -> bool {
    KNOWN_REPLY_CODES.contains(&code.get())
}

/// Every known reply code and enhanced status code in `text`, in order, with its byte
/// offset. The same boundaries as [`find_codes`] apply; reply codes outside
/// [`KNOWN_REPLY_CODES`] are skipped. A reply code may also be followed by `:`
/// (`550: User unknown`).
pub fn codes_in(text: &str) -> Vec<(usize, Code)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && is_codeword(b[i - 1])) {
            i += 1;
            continue;
        }
        if let Some((s, len)) = status_at(b, i) {
            out.push((i, Code::Status(s)));
            i += len;
            continue;
        }
        if i + 3 <= b.len() && b[i..i + 3].iter().all(u8::is_ascii_digit) {
            let end_ok = i + 3 == b.len() || matches!(b[i + 3], b' ' | b'-' | b'\t' | b'\r' | b'\n' | b':');
            let code = std::str::from_utf8(&b[i..i + 3]).ok().and_then(|s| s.parse::<ReplyCode>().ok());
            if let (true, Some(c)) = (end_ok, code)
                && is_known_reply(c)
            {
                out.push((i, Code::Reply(c)));
            }
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
    }
    out
}

/// Bytes that glue a digit to a preceding word, so the digit does not start a code.
fn is_codeword(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b':' | b'=' | b'+' | b'@' | b'[')
}

/// An enhanced status code starting at `i`, with its length in bytes.
pub(crate) fn status_at(b: &[u8], i: usize) -> Option<(StatusCode, usize)> {
    let class = *b.get(i)?;
    if !matches!(class, b'2' | b'4' | b'5') || b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let mut j = i + 2;
    let s0 = j;
    while j < b.len() && b[j].is_ascii_digit() && j - s0 < 4 {
        j += 1;
    }
    if j == s0 || j - s0 > 3 || b.get(j) != Some(&b'.') {
        return None;
    }
    let subject: u16 = std::str::from_utf8(&b[s0..j]).ok()?.parse().ok()?;
    j += 1;
    let d0 = j;
    while j < b.len() && b[j].is_ascii_digit() && j - d0 < 4 {
        j += 1;
    }
    if j == d0 || j - d0 > 3 {
        return None;
    }
    // A dotted quad (5.1.1.1) or a version number (4.2.10.3) is not a status code.
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    if b.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let detail: u16 = std::str::from_utf8(&b[d0..j]).ok()?.parse().ok()?;
    // The registry has subjects 0-7 only; larger subjects are version numbers or dates.
    if subject > 7 {
        return None;
    }
    Some((StatusCode::new(class - b'0', subject, detail)?, j - i))
}

/// `(in reply to RCPT TO command)`, `RCPT TO:<…>`, `after end of data`, `during DATA`…
pub fn find_command(text: &str) -> Option<String> {
    const WRAPPERS: &[(&str, &str)] = &[
        ("in reply to end of data", "DATA"),
        ("after end of data", "DATA"),
        ("in reply to data", "DATA"),
        ("after data", "DATA"),
        ("after rcpt to", "RCPT"),
        ("in reply to rcpt to", "RCPT"),
        ("in reply to rcpt", "RCPT"),
        ("after rcpt", "RCPT"),
        ("in reply to mail from", "MAIL"),
        ("after mail from", "MAIL"),
        ("in reply to mail", "MAIL"),
        ("in reply to ehlo", "EHLO"),
        ("in reply to helo", "HELO"),
        ("after ehlo", "EHLO"),
        ("after helo", "HELO"),
        ("after initial connection", "CONN"),
        ("while connected", "CONN"),
        ("after starttls", "STARTTLS"),
        ("in reply to starttls", "STARTTLS"),
        ("after auth", "AUTH"),
        ("in reply to auth", "AUTH"),
        ("after quit", "QUIT"),
        ("in reply to quit", "QUIT"),
        (">>> rcpt to", "RCPT"),
        (">>> mail from", "MAIL"),
        (">>> data", "DATA"),
        ("<<< 5", ""),
    ];
    // One case-insensitive pass finds every wrapper in the text (overlapping ones too); the
    // first of the table that occurs wins, as if each were looked for in turn.
    static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(WRAPPERS.iter().map(|(w, _)| w))
            .unwrap_or_else(|e| panic!("command wrappers do not compile: {e}"))
    });
    let mut first: Option<usize> = None;
    for m in AUTOMATON.find_overlapping_iter(text) {
        let i = m.pattern().as_usize();
        if !WRAPPERS[i].1.is_empty() && first.is_none_or(|f| i < f) {
            first = Some(i);
        }
    }
    first.map(|i| WRAPPERS[i].1.to_string())
}

/// `host mx.example.com[192.0.2.1] said:`, `remote host mx.example.com`, `by mx.example.com`.
pub fn find_remote_host(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for marker in ["host ", "remote server ", "remote host ", "mail server "] {
        let mut start = 0;
        while let Some(p) = lower[start..].find(marker) {
            let at = start + p + marker.len();
            let word: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            if word.contains('.') && word.chars().any(|c| c.is_ascii_alphabetic()) && !word.ends_with('.') {
                return Some(word.to_ascii_lowercase());
            }
            if word.contains('.') && word.trim_end_matches('.').contains('.') && word.chars().any(|c| c.is_ascii_alphabetic()) {
                return Some(word.trim_end_matches('.').to_ascii_lowercase());
            }
            start = at;
        }
    }
    None
}

/// The first `<local@domain>` or bare `local@domain` in the text.
pub fn find_recipient(text: &str) -> Option<String> {
    crate::address::first_address(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_quad_is_not_a_status() {
        assert_eq!(status_at(b"5.1.1.1", 0), None);
        assert!(status_at(b"5.1.1 ", 0).is_some());
    }
}
