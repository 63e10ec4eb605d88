//! Cutting an mbox into messages.
//!
//! An mbox is messages separated by `From ` lines at the start of a line. A `From ` line
//! separates when it follows an empty line (or starts the file), or when it is a full
//! postmark (`From sender Thu Jul  2 12:05:05 2020`: a time and a year), which some
//! writers put right after the previous message's last line. Any other `From ` inside a
//! body that was not escaped to `>From ` would otherwise split a message in two.

use std::io::{self, BufRead};

/// True when the bytes look like an mbox: they start with a `From ` separator line.
pub fn is_mbox(bytes: &[u8]) -> bool {
    bytes.starts_with(b"From ") && {
        let line_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
        // "From x@y date" has no colon right after "From".
        !bytes[..line_end].starts_with(b"From:")
    }
}

/// True when a `From ` line is a complete mbox postmark: it ends with a four-digit year
/// (optionally followed by a zone) and has an `hh:mm:ss` time, as `asctime` writes it.
fn is_postmark(line: &[u8]) -> bool {
    let text = String::from_utf8_lossy(line);
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_year = |w: &str| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
    let is_time = |w: &str| w.len() == 8 && w.bytes().enumerate().all(|(i, b)| if i == 2 || i == 5 { b == b':' } else { b.is_ascii_digit() });
    let year_last = words.last().is_some_and(|w| is_year(w)) || words.len() > 1 && is_year(words[words.len() - 2]);
    words.len() >= 6 && year_last && words.iter().any(|w| is_time(w))
}

/// Splits an in-memory mbox into messages (separator lines removed).
pub fn split_mbox(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    let mut prev_blank = true;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |p| pos + p + 1);
        let line = &bytes[pos..end];
        if line.starts_with(b"From ") && (prev_blank || is_postmark(line)) {
            if let Some(s) = start {
                out.push(&bytes[s..pos]);
            }
            start = Some(end);
        } else if start.is_none() {
            start = Some(pos);
        }
        let content = line.strip_suffix(b"\n").unwrap_or(line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        prev_blank = content.is_empty();
        pos = end;
    }
    if let Some(s) = start
        && s < bytes.len()
    {
        out.push(&bytes[s..]);
    }
    out.retain(|m| m.iter().any(|b| !b.is_ascii_whitespace()));
    out
}

/// Streams messages out of an mbox without holding the whole file.
pub struct MboxReader<R> {
    inner: R,
    pending: Vec<u8>,
    done: bool,
    /// Largest message kept in memory; the rest of a larger one is dropped (and the
    /// message flagged by its truncation) so that memory stays bounded.
    pub max_message: usize,
}

impl<R: BufRead> MboxReader<R> {
    /// Wraps a reader positioned at the start of an mbox.
    pub fn new(inner: R) -> Self {
        Self { inner, pending: Vec::new(), done: false, max_message: 64 * 1024 * 1024 }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut msg = Vec::new();
        let mut have_sep = false;
        let mut prev_blank = true;
        let mut line = Vec::new();
        if !self.pending.is_empty() {
            have_sep = true;
            self.pending.clear();
        }
        loop {
            line.clear();
            match self.inner.read_until(b'\n', &mut line) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
            if line.starts_with(b"From ") && (prev_blank || is_postmark(&line)) {
                if have_sep || !msg.is_empty() {
                    self.pending = line.clone();
                    if msg.iter().any(|b: &u8| !b.is_ascii_whitespace()) {
                        return Some(Ok(msg));
                    }
                    msg.clear();
                    continue;
                }
                have_sep = true;
                continue;
            }
            let t = line.strip_suffix(b"\n").unwrap_or(&line);
            prev_blank = t.strip_suffix(b"\r").unwrap_or(t).is_empty();
            if msg.len() < self.max_message {
                msg.extend_from_slice(&line);
            }
        }
        if msg.iter().any(|b: &u8| !b.is_ascii_whitespace()) { Some(Ok(msg)) } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postmark_right_after_a_message() {
        let m = b"From a@b Thu Jul  2 12:05:05 2020\nSubject: 1\n\n--b--\nFrom c@d  Thu Jul  2 12:05:06 2020\nSubject: 2\n\nx\n";
        assert_eq!(split_mbox(m).len(), 2);
        assert_eq!(MboxReader::new(&m[..]).count(), 2);
        assert!(!is_postmark(b"From here on we go\n"));
    }

    #[test]
    fn splits_on_separator_after_blank_line_only() {
        let m = b"From a@b Mon\nSubject: 1\n\nbody\nFrom here on\n\nFrom c@d Tue\nSubject: 2\n\nx\n";
        let parts = split_mbox(m);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with(b"From here on\n\n"));
        let streamed: Vec<_> = MboxReader::new(&m[..]).map(|r| r.unwrap()).collect();
        assert_eq!(streamed.len(), 2);
        assert_eq!(streamed[1], b"Subject: 2\n\nx\n");
    }
}
