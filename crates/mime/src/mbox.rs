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

/// The most bytes of one line read at once by [`MboxReader`].
const LINE_PIECE: usize = 1 << 20;

/// Bytes asked of the inner reader at once.
const READ_SIZE: usize = 256 * 1024;

/// Streams messages out of an mbox without holding the whole file.
///
/// The input is read into a buffer of its own; the lines of a message are copied out of
/// it in runs, and runs of whole lines are searched for separator candidates (`From ` at
/// a line start) with `memmem` instead of being looked at one by one.
pub struct MboxReader<R> {
    inner: R,
    /// Bytes read are `buf[..filled]`; those not yet handed out start at `pos`.
    buf: Vec<u8>,
    filled: usize,
    pos: usize,
    eof: bool,
    /// The previous message ended at a separator line.
    pending: bool,
    done: bool,
    from_line: memchr::memmem::Finder<'static>,
    /// Largest message kept in memory; the rest of a larger one is dropped (and the
    /// message flagged by its truncation) so that memory stays bounded.
    pub max_message: usize,
}

impl<R: BufRead> MboxReader<R> {
    /// Wraps a reader positioned at the start of an mbox.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: Vec::new(),
            filled: 0,
            pos: 0,
            eof: false,
            pending: false,
            done: false,
            from_line: memchr::memmem::Finder::new(b"\nFrom "),
            max_message: 64 * 1024 * 1024,
        }
    }

    /// Moves the unread bytes to the front of the buffer and reads more after them.
    fn fill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        if self.buf.len() < self.filled + READ_SIZE {
            self.buf.resize(self.filled + READ_SIZE, 0);
        }
        let read = loop {
            match self.inner.read(&mut self.buf[self.filled..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r,
            }
        };
        match read {
            Ok(0) => self.eof = true,
            Ok(n) => self.filled += n,
            Err(_) => {}
        }
        read.map(|_| ())
    }

    /// The whole lines from `pos` (a line start) up to the first separator, or to the last
    /// whole line in the buffer: their end, and whether the last of them is blank. `None`
    /// when no whole line is buffered. `prev_blank` is whether the line before `pos` is.
    fn content_lines(&self, prev_blank: bool) -> Option<(usize, bool)> {
        let avail = &self.buf[self.pos..self.filled];
        let end = memchr::memrchr(b'\n', avail)? + 1;
        let lines = &avail[..end];
        // Whether the line that ends just before `at` (a line start) is blank.
        let blank_before = |at: usize| match at {
            0 => prev_blank,
            1 => true,
            _ => lines[at - 2] == b'\n' || lines[at - 2] == b'\r' && (at == 2 || lines[at - 3] == b'\n'),
        };
        let is_separator = |at: usize| {
            let line_end = memchr::memchr(b'\n', &lines[at..]).map_or(lines.len(), |i| at + i + 1);
            blank_before(at) || is_postmark(&lines[at..line_end])
        };
        if lines.starts_with(b"From ") && is_separator(0) {
            return Some((self.pos, prev_blank));
        }
        let mut from = 0;
        while let Some(i) = self.from_line.find(&lines[from..]) {
            let at = from + i + 1;
            if is_separator(at) {
                return Some((self.pos + at, blank_before(at)));
            }
            from = at;
        }
        Some((self.pos + end, blank_before(end)))
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut msg = Vec::new();
        let mut have_sep = std::mem::take(&mut self.pending);
        let mut prev_blank = true;
        let mut at_line_start = true;
        // Pieces kept for the message and not yet copied into it: `buf[run]`.
        let mut run = self.pos..self.pos;
        loop {
            // Whole lines that hold no separator go to the message at once, when none of
            // them can be a piece of a longer line (the buffer is shorter than a piece) and
            // the message stays below its bound.
            if at_line_start
                && run.end == self.pos
                && self.filled - self.pos < LINE_PIECE
                && msg.len() + run.len() + (self.filled - self.pos) < self.max_message
                && let Some((end, blank)) = self.content_lines(prev_blank)
                && end > self.pos
            {
                run.end = end;
                self.pos = end;
                prev_blank = blank;
            }
            // The next piece of input: a line, or at most LINE_PIECE bytes of one, so that
            // one endless line cannot fill memory; only the first piece of a line can be a
            // separator.
            let avail = &self.buf[self.pos..self.filled];
            let end = match memchr::memchr(b'\n', &avail[..avail.len().min(LINE_PIECE)]) {
                Some(i) => self.pos + i + 1,
                None if avail.len() >= LINE_PIECE => self.pos + LINE_PIECE,
                None if !self.eof => {
                    msg.extend_from_slice(&self.buf[run]);
                    if let Err(e) = self.fill() {
                        return Some(Err(e));
                    }
                    run = self.pos..self.pos;
                    continue;
                }
                None if avail.is_empty() => {
                    self.done = true;
                    break;
                }
                None => self.filled,
            };
            let start = self.pos;
            self.pos = end;
            let piece = &self.buf[start..end];
            let line_start = at_line_start;
            at_line_start = piece.last() == Some(&b'\n');
            if line_start && piece.starts_with(b"From ") && (prev_blank || is_postmark(piece)) {
                msg.extend_from_slice(&self.buf[run]);
                run = end..end;
                if have_sep || !msg.is_empty() {
                    self.pending = true;
                    if msg.iter().any(|b: &u8| !b.is_ascii_whitespace()) {
                        return Some(Ok(msg));
                    }
                    msg.clear();
                    continue;
                }
                have_sep = true;
                continue;
            }
            if line_start {
                let t = piece.strip_suffix(b"\n").unwrap_or(piece);
                prev_blank = t.strip_suffix(b"\r").unwrap_or(t).is_empty();
            }
            // A piece is kept while the message is below its bound.
            if msg.len() + run.len() < self.max_message {
                if run.end != start {
                    msg.extend_from_slice(&self.buf[run]);
                    run = start..start;
                }
                run.end = end;
            }
        }
        msg.extend_from_slice(&self.buf[run]);
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
