//! The line machine ([`LogParser`]) and the streaming reader over it ([`LogReader`]).

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::PathBuf;

use bouncekit_core::Record;

use crate::event::Event;
use crate::{Cx, Error, LineKind, LogOptions, MalformedLine, Mta, Outcome, Stats, detect, exim, kumomta, postfix, powermta, sendmail, time};

/// The longest line read whole (1 MiB: KumoMTA records with many headers are long). Longer
/// lines are skipped to their end and counted as malformed, so one endless line cannot
/// exhaust memory.
pub const MAX_LINE: usize = 1 << 20;

/// The parser of the detected format, with its join state.
#[derive(Debug)]
enum Inner {
    Postfix(postfix::Parser),
    Exim(exim::Parser),
    Sendmail(sendmail::Parser),
    PowerMta(powermta::Parser),
    KumoMta,
}

impl Inner {
    fn new(mta: Mta, capacity: usize) -> Self {
        match mta {
            Mta::Postfix => Inner::Postfix(postfix::Parser::new(capacity)),
            Mta::Exim => Inner::Exim(exim::Parser::new(capacity)),
            Mta::Sendmail => Inner::Sendmail(sendmail::Parser::new(capacity)),
            Mta::PowerMta => Inner::PowerMta(powermta::Parser::default()),
            Mta::KumoMta => Inner::KumoMta,
        }
    }

    fn line(&mut self, line: &str, cx: &Cx, out: &mut Vec<Event>) -> Outcome {
        match self {
            Inner::Postfix(p) => p.line(line, cx, out),
            Inner::Exim(p) => p.line(line, cx, out),
            Inner::Sendmail(p) => p.line(line, cx, out),
            Inner::PowerMta(p) => p.line(line, cx, out),
            Inner::KumoMta => kumomta::line(line, cx, out),
        }
    }

    fn queued(&self) -> usize {
        match self {
            Inner::Postfix(p) => p.queued(),
            Inner::Exim(p) => p.queued(),
            Inner::Sendmail(p) => p.queued(),
            Inner::PowerMta(_) | Inner::KumoMta => 0,
        }
    }

    fn evicted(&self) -> u64 {
        match self {
            Inner::Postfix(p) => p.evicted(),
            Inner::Exim(p) => p.evicted(),
            Inner::Sendmail(p) => p.evicted(),
            Inner::PowerMta(_) | Inner::KumoMta => 0,
        }
    }
}

/// Lines in, records out, without IO: the state machine every reader drives. It keeps the
/// format's join state (queue ids), the line number and the counters.
#[derive(Debug)]
pub struct LogParser {
    mta: Option<Mta>,
    origin: String,
    cx: Cx,
    capacity: usize,
    inner: Option<Inner>,
    line: u64,
    stats: Stats,
    events: Vec<Event>,
}

impl LogParser {
    /// A parser with `options`.
    pub fn new(options: LogOptions) -> Self {
        let cx = Cx { reference: options.reference_time.unwrap_or_else(time::now), utc_offset: options.utc_offset };
        let inner = options.mta.map(|m| Inner::new(m, options.queue_capacity));
        Self { mta: options.mta, origin: options.origin, cx, capacity: options.queue_capacity, inner, line: 0, stats: Stats::default(), events: Vec::new() }
    }

    /// Reads one line (without its line end; a trailing `\r` is ignored) and appends the
    /// records it completes to `out`.
    pub fn push_line(&mut self, line: &[u8], out: &mut Vec<Record>) -> LineKind {
        self.line += 1;
        self.stats.lines += 1;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let text = String::from_utf8_lossy(line);
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            self.stats.noise += 1;
            return LineKind::Noise;
        }
        if self.inner.is_none() {
            match detect::detect_line(text) {
                Some(m) => {
                    self.mta = Some(m);
                    self.inner = Some(Inner::new(m, self.capacity));
                }
                None => {
                    self.stats.noise += 1;
                    return LineKind::Noise;
                }
            }
        }
        let (Some(inner), Some(mta)) = (self.inner.as_mut(), self.mta) else { return LineKind::Noise };
        let outcome = inner.line(text, &self.cx, &mut self.events);
        self.stats.evicted = inner.evicted();
        self.stats.queued = inner.queued();
        match outcome {
            Outcome::Noise => {
                self.stats.noise += 1;
                LineKind::Noise
            }
            Outcome::Pending => {
                self.stats.pending += 1;
                LineKind::Pending
            }
            Outcome::Malformed(problem) => {
                self.malformed(problem);
                LineKind::Malformed
            }
            Outcome::Events => {
                let n = self.events.len();
                for ev in self.events.drain(..) {
                    out.push(ev.into_record(mta.format(), format!("{}:{}", self.origin, self.line)));
                }
                self.stats.records += n as u64;
                LineKind::Records(n)
            }
        }
    }

    /// Counts a line that was not read because it is too long (see [`MAX_LINE`]).
    pub fn skip_line(&mut self, problem: &'static str) {
        self.line += 1;
        self.stats.lines += 1;
        self.malformed(problem);
    }

    fn malformed(&mut self, problem: &'static str) {
        self.stats.malformed += 1;
        if self.stats.first_malformed.is_none() {
            self.stats.first_malformed = Some(MalformedLine { line: self.line, problem });
        }
    }

    /// Adds to the byte counter (readers count what they consume).
    pub fn count_bytes(&mut self, n: u64) {
        self.stats.bytes += n;
    }

    /// The format, once known.
    pub fn mta(&self) -> Option<Mta> {
        self.mta
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The number of the last line read (0 before the first).
    pub fn line_number(&self) -> u64 {
        self.line
    }

    /// Continues numbering after line `n` (a resumed or rotated file).
    pub fn set_line_number(&mut self, n: u64) {
        self.line = n;
    }

    /// Changes the origin name of later records.
    pub fn set_origin(&mut self, origin: impl Into<String>) {
        self.origin = origin.into();
    }

    /// Changes the reference time of year-less timestamps (followers move it forward).
    pub fn set_reference_time(&mut self, t: i64) {
        self.cx.reference = t;
    }
}

/// Streams records out of a log, in line order. An iterator of `Result<Record, Error>`:
/// errors are IO errors only, after which the iterator ends.
#[derive(Debug)]
pub struct LogReader<R> {
    reader: R,
    parser: LogParser,
    line: Vec<u8>,
    ready: VecDeque<Record>,
    scratch: Vec<Record>,
    done: bool,
}

/// What reading one line found.
pub(crate) enum ReadLine {
    /// A line (with or without its `\n`) is in the buffer.
    Line,
    /// A line longer than [`MAX_LINE`] was skipped up to and including its `\n`.
    TooLong,
    /// End of input.
    Eof,
}

/// Reads one line of at most [`MAX_LINE`] bytes into `buf` (cleared first), returning what
/// was found and how many bytes were consumed.
pub(crate) fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<(ReadLine, u64)> {
    buf.clear();
    let mut consumed = 0u64;
    let mut too_long = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            let kind = if too_long {
                ReadLine::TooLong
            } else if consumed == 0 {
                ReadLine::Eof
            } else {
                ReadLine::Line
            };
            return Ok((kind, consumed));
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE + 1 {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        consumed += take as u64;
        if done {
            return Ok((if too_long { ReadLine::TooLong } else { ReadLine::Line }, consumed));
        }
    }
}

impl<R: BufRead> LogReader<R> {
    /// A reader of `reader` with `options`.
    pub fn new(reader: R, options: LogOptions) -> Self {
        Self { reader, parser: LogParser::new(options), line: Vec::new(), ready: VecDeque::new(), scratch: Vec::new(), done: false }
    }

    /// The format, once detected.
    pub fn mta(&self) -> Option<Mta> {
        self.parser.mta()
    }

    /// The counters so far.
    pub fn stats(&self) -> &Stats {
        self.parser.stats()
    }

    /// The parser (for its state between files).
    pub fn parser(&self) -> &LogParser {
        &self.parser
    }

    /// Gives back the underlying reader.
    pub fn into_inner(self) -> R {
        self.reader
    }

    fn fill(&mut self) -> Result<(), Error> {
        while self.ready.is_empty() && !self.done {
            let (kind, n) = read_line(&mut self.reader, &mut self.line)
                .map_err(|source| Error::Io { path: PathBuf::from(&self.parser.origin), source })?;
            self.parser.count_bytes(n);
            match kind {
                ReadLine::Eof => self.done = true,
                ReadLine::TooLong => self.parser.skip_line("line longer than 1 MiB"),
                ReadLine::Line => {
                    self.parser.push_line(&self.line, &mut self.scratch);
                    self.ready.extend(self.scratch.drain(..));
                }
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for LogReader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.fill() {
            self.done = true;
            return Some(Err(e));
        }
        self.ready.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_not_buffered() {
        let mut input = vec![b'x'; MAX_LINE * 3];
        input.extend_from_slice(b"\nnext\n");
        let mut r = std::io::BufReader::with_capacity(4096, &input[..]);
        let mut buf = Vec::new();
        let (k, n) = read_line(&mut r, &mut buf).expect("reads");
        assert!(matches!(k, ReadLine::TooLong));
        assert_eq!(n, MAX_LINE as u64 * 3 + 1);
        assert!(buf.capacity() <= MAX_LINE * 2 + 8192);
        let (k, _) = read_line(&mut r, &mut buf).expect("reads");
        assert!(matches!(k, ReadLine::Line));
        assert_eq!(buf, b"next\n");
        assert!(matches!(read_line(&mut r, &mut buf).expect("reads").0, ReadLine::Eof));
    }

    #[test]
    fn last_line_without_newline_is_read() {
        let mut r = &b"a\nb"[..];
        let mut buf = Vec::new();
        read_line(&mut r, &mut buf).expect("reads");
        let (k, n) = read_line(&mut r, &mut buf).expect("reads");
        assert!(matches!(k, ReadLine::Line));
        assert_eq!((buf.as_slice(), n), (&b"b"[..], 1));
    }
}
