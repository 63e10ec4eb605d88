//! Header fields read tolerantly: unfolded, names lowercased, order and repeats kept.

use std::ops::Range;

/// Header fields of one message or header block.
///
/// The names (lowercased) and values (unfolded) of one block are kept in one string, each
/// field a pair of ranges into it: a block of a hundred fields costs two allocations, not
/// two hundred (header blocks are a third of the bytes of a bounce).
#[derive(Clone, Default)]
pub struct Headers {
    text: String,
    fields: Vec<(Range<usize>, Range<usize>)>,
}

/// Most header fields read from one block; more are ignored (a header bomb must not
/// cost memory).
const MAX_FIELDS: usize = 2000;

/// Longest value kept for one field: continuation lines are no longer added beyond it.
const MAX_VALUE: usize = 64 * 1024;

/// The lines of `text`, split at `\n` only (as `str::split('\n')`, with the fast `memchr`).
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `str::trim`, with a fast path for the usual case: ASCII blanks before the text, and no
/// white space after it.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    // Where the blanks stop, `trim_start` stops too if the byte is ASCII and not white space.
    let s = match b.get(lead) {
        None => return "",
        Some(c) if c.is_ascii() && !c.is_ascii_whitespace() && *c != 0x0b => &s[lead..],
        Some(_) => s.trim_start(),
    };
    match s.as_bytes().last() {
        Some(c) if c.is_ascii() && !c.is_ascii_whitespace() && *c != 0x0b => s,
        _ => s.trim_end(),
    }
}

impl Headers {
    /// Reads the header block at the start of `raw` (up to the first empty line).
    /// Lines without a colon end the block, except folded continuation lines.
    pub fn parse_block(raw: &[u8]) -> Headers {
        // Only the header block is read: converting a whole message (attachments
        // included) to text would cost time and memory proportional to the message.
        let end = memchr::memmem::find(raw, b"\n\n").or_else(|| memchr::memmem::find(raw, b"\r\n\r\n")).map_or(raw.len(), |p| p + 1);
        let end = if raw.starts_with(b"\n") || raw.starts_with(b"\r\n") {
            // Leading empty lines (seen in pasted reports): skip them and search again.
            let skip = raw.iter().take_while(|b| **b == b'\n' || **b == b'\r').count();
            memchr::memmem::find(&raw[skip..], b"\n\n").map_or(raw.len(), |p| skip + p + 1)
        } else {
            end
        };
        let block = crate::utf8_lossy(&raw[..end]);
        let mut h = Headers { text: String::with_capacity(block.len()), fields: Vec::with_capacity(32) };
        for line in split_lines(&block) {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                if h.fields.is_empty() {
                    continue;
                }
                break;
            }
            if line.starts_with([' ', '\t']) {
                // A continuation line: the last field kept is the end of `text`.
                if let Some(last) = h.fields.last_mut()
                    && last.1.len() < MAX_VALUE
                {
                    h.text.push(' ');
                    h.text.push_str(trim(line));
                    last.1.end = h.text.len();
                }
                continue;
            }
            if line.starts_with("From ") && h.fields.is_empty() {
                continue; // mbox separator
            }
            let Some(colon) = memchr::memchr(b':', line.as_bytes()) else { break };
            let (name, value) = (&line[..colon], &line[colon + 1..]);
            if name.is_empty() || memchr::memchr(b' ', name.as_bytes()).is_some() {
                break;
            }
            if h.fields.len() < MAX_FIELDS {
                h.push(trim(name), trim(value));
            }
        }
        h
    }

    /// Appends a field: `name` is stored lowercased.
    fn push(&mut self, name: &str, value: &str) {
        let n = self.text.len();
        self.text.push_str(name);
        self.text[n..].make_ascii_lowercase();
        let v = self.text.len();
        self.text.push_str(value);
        self.fields.push((n..v, v..self.text.len()));
    }

    fn name(&self, f: &(Range<usize>, Range<usize>)) -> &str {
        &self.text[f.0.clone()]
    }

    /// True when field `f` is named `name` (cheap tests first: lookups are frequent).
    fn is(&self, f: &(Range<usize>, Range<usize>), name: &str) -> bool {
        f.0.len() == name.len() && name.as_bytes().first().is_none_or(|b| self.text.as_bytes()[f.0.start] == *b) && self.name(f) == name
    }

    fn value(&self, f: &(Range<usize>, Range<usize>)) -> &str {
        &self.text[f.1.clone()]
    }

    /// The first value of `name` (lowercase).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| self.is(f, name)).map(|f| self.value(f))
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter(move |f| self.is(f, name)).map(|f| self.value(f))
    }

    /// True when the field is present.
    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| self.is(f, name))
    }

    /// Every field in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|f| (self.name(f), self.value(f)))
    }

    /// Replaces the first value of `name` with a decoded form (RFC 2047 words decoded by
    /// the MIME library).
    pub fn set_decoded(&mut self, name: &str, value: &str) {
        match self.fields.iter().position(|f| self.is(f, name)) {
            Some(i) => {
                let v = self.text.len();
                self.text.push_str(value);
                self.fields[i].1 = v..self.text.len();
            }
            None => {
                // Stored as given, as before: callers pass lowercase names.
                let n = self.text.len();
                self.text.push_str(name);
                let v = self.text.len();
                self.text.push_str(value);
                self.fields.push((n..v, v..self.text.len()));
            }
        }
    }

    /// True when there are no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl PartialEq for Headers {
    fn eq(&self, other: &Self) -> bool {
        self.fields.len() == other.fields.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Headers {}

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Headers").field("fields", &self.iter().collect::<Vec<_>>()).finish()
    }
}
