//! MTA logs into bouncekit records: one [`Record`] per delivery outcome a log line
//! reports (bounce, deferral, delivery), classified with `bouncekit-classify` like every
//! other input.
//!
//! - [`LogReader`] streams records out of any [`BufRead`](std::io::BufRead), in line order,
//!   in linear time and bounded memory;
//! - [`LogParser`] is the same machine without IO: push lines, get records (what the
//!   readers drive);
//! - [`Follower`] tails a file like `tail -F` (rotation by rename or truncation) and keeps a
//!   [`Checkpoint`] so that a restart resumes where it stopped;
//! - [`input::open`] opens a log file, decompressing gzip files (rotated `mail.log.2.gz`)
//!   recognised by their magic bytes; the follower does the same.
//!
//! Formats ([`Mta`]): Postfix, Exim and Sendmail logs (syslog or Exim's own files),
//! PowerMTA accounting CSV, KumoMTA JSON log records. When [`LogOptions::mta`] is not
//! given, the first line that only one format writes fixes the format ([`detect`]).
//!
//! Lines that report nothing about a recipient are *noise*; lines that should but cannot
//! be read are *malformed*; both are counted in [`Stats`] and never stop the reader.
//! Timestamps follow the rules of [`time`] (syslog has no year).
//!
//! ```
//! use bouncekit_logs::{LogOptions, LogReader, Mta};
//! use bouncekit_core::Reason;
//!
//! let log = "\
//! Nov 29 02:05:01 mail postfix/qmgr[12]: 3F2A81234: from=<news@example.org>, size=1234, nrcpt=1 (queue active)
//! Nov 29 02:05:03 mail postfix/smtp[13]: 3F2A81234: to=<bad@example.com>, relay=mx.example.com[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
//! ";
//! let mut reader = LogReader::new(log.as_bytes(), LogOptions::named("mail.log"));
//! let record = reader.next().expect("one record").expect("no IO error");
//! assert_eq!(record.recipient, "bad@example.com");
//! assert_eq!(record.sender.as_deref(), Some("news@example.org"));
//! assert_eq!(record.reason, Reason::UserUnknown);
//! assert_eq!(record.origin.name, "mail.log:2");
//! assert_eq!(reader.mta(), Some(Mta::Postfix));
//! assert_eq!(reader.stats().pending, 1);
//! ```

mod detect;
mod event;
mod exim;
mod fields;
mod follow;
pub mod input;
mod kumomta;
mod postfix;
mod powermta;
mod qmap;
mod reader;
mod sendmail;
mod syslog;
pub mod time;

#[cfg(test)]
mod testutil;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

pub use bouncekit_core::Record;
pub use detect::{detect, detect_line};
pub use follow::{Checkpoint, Checkpoints, Follower, POLL_BYTES};
pub use input::LogFile;
pub use reader::{LogParser, LogReader, MAX_LINE};

/// The log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mta {
    /// Postfix via syslog.
    Postfix,
    /// Exim's main log (its own file or syslog).
    Exim,
    /// Sendmail via syslog.
    Sendmail,
    /// PowerMTA accounting files (CSV with a header row).
    PowerMta,
    /// KumoMTA JSON log records, one per line.
    KumoMta,
}

impl Mta {
    /// Every format.
    pub const ALL: &'static [Mta] = &[Mta::Postfix, Mta::Exim, Mta::Sendmail, Mta::PowerMta, Mta::KumoMta];

    /// The name used on the command line (`postfix`, `powermta`…).
    pub fn name(self) -> &'static str {
        match self {
            Mta::Postfix => "postfix",
            Mta::Exim => "exim",
            Mta::Sendmail => "sendmail",
            Mta::PowerMta => "powermta",
            Mta::KumoMta => "kumomta",
        }
    }

    /// The `format` of the records it produces (`postfix-log`…).
    pub fn format(self) -> &'static str {
        match self {
            Mta::Postfix => "postfix-log",
            Mta::Exim => "exim-log",
            Mta::Sendmail => "sendmail-log",
            Mta::PowerMta => "powermta-log",
            Mta::KumoMta => "kumomta-log",
        }
    }
}

impl fmt::Display for Mta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mta {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Mta::ALL.iter().copied().find(|m| m.name().eq_ignore_ascii_case(s.trim())).ok_or_else(|| Error::UnknownMta(s.to_string()))
    }
}

/// How many queued messages the join maps of Postfix, Exim and Sendmail remember: about
/// 100 bytes each, so 10 MB at most. A busy MTA has far fewer messages between their
/// first line and their last.
pub const DEFAULT_QUEUE_CAPACITY: usize = 100_000;

/// Recipients read from one line at most (Sendmail's `to=<a>,<b>,…`, a KumoMTA list):
/// every record of a line shares its diagnostic, so a hostile line naming many recipients
/// must not multiply it without bound. Real lines name a handful.
pub const MAX_RECIPIENTS_PER_LINE: usize = 1000;

/// Options of a reader.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// The format; `None` detects it from the first line that only one format writes.
    pub mta: Option<Mta>,
    /// The input's name (a path, `-`): record origins are `name:line`.
    pub origin: String,
    /// The time that decides the year of year-less syslog timestamps (see [`time`]);
    /// `None` takes the time the parser is made.
    pub reference_time: Option<i64>,
    /// Seconds east of UTC of timestamps written without a zone (syslog, Exim).
    pub utc_offset: i32,
    /// Queued messages remembered for joins ([`DEFAULT_QUEUE_CAPACITY`]).
    pub queue_capacity: usize,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self { mta: None, origin: "-".into(), reference_time: None, utc_offset: 0, queue_capacity: DEFAULT_QUEUE_CAPACITY }
    }
}

impl LogOptions {
    /// Default options for an input called `origin`.
    pub fn named(origin: impl Into<String>) -> Self {
        Self { origin: origin.into(), ..Self::default() }
    }
}

/// What one line was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The line produced this many records.
    Records(usize),
    /// The line fed a join (a message's sender or Message-ID, a CSV header, the end of a
    /// message) and produced no record itself.
    Pending,
    /// The line reports nothing bouncekit uses.
    Noise,
    /// The line should report a delivery outcome but could not be read.
    Malformed,
}

/// The first malformed line of an input, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedLine {
    /// Line number (1-based).
    pub line: u64,
    /// What was wrong.
    pub problem: &'static str,
}

/// Counters of one reader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines read.
    pub lines: u64,
    /// Bytes read, line ends included.
    pub bytes: u64,
    /// Records produced.
    pub records: u64,
    /// Lines that fed a join.
    pub pending: u64,
    /// Noise lines.
    pub noise: u64,
    /// Malformed lines.
    pub malformed: u64,
    /// The first malformed line.
    pub first_malformed: Option<MalformedLine>,
    /// Queued messages forgotten for lack of room before their last line.
    pub evicted: u64,
    /// Messages in the join map now (seen, not yet ended).
    pub queued: usize,
}

/// Errors of readers and followers: IO and checkpoints. Log content never is an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a log failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The log.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A checkpoint file could not be read or written.
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// The checkpoint file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// `--mta` named no known format.
    #[error("unknown MTA log format `{0}` (expected postfix, exim, sendmail, powermta or kumomta)")]
    UnknownMta(String),
}

/// What a format's parser needs to know besides the line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cx {
    /// See [`LogOptions::reference_time`].
    pub reference: i64,
    /// See [`LogOptions::utc_offset`].
    pub utc_offset: i32,
}

/// What a format's parser made of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nothing of interest.
    Noise,
    /// Fed a join.
    Pending,
    /// Should have been readable.
    Malformed(&'static str),
    /// Pushed one or more events.
    Events,
}
