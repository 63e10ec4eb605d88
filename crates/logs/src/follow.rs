//! Following a growing log like `tail -F`, and checkpoints that let a restart resume.
//!
//! A [`Follower`] reads complete lines only (a line still being written waits for its
//! `\n`) and remembers how far it got as a [`Checkpoint`]: the path followed, the inode of
//! the file being read and the byte offset just after the last line consumed. Rotation is
//! noticed at end of file:
//!
//! - **rename** (`mail.log` → `mail.log.1`, new `mail.log`): the path names a new inode. The
//!   old file is read to its end (its last line too, with or without `\n`), then the new
//!   file from its start; the join state (queue ids) carries over, since a message may
//!   span the rotation.
//! - **truncation** (`copytruncate`): the file is shorter than the offset; reading restarts
//!   at 0. Lines appended between the copy and our check and that grew the file past
//!   the old offset are not noticed — a limit shared by every tailer; prefer rename.
//! - **missing** path (between rename and create): the old file keeps being read.
//!
//! On [`Follower::open`] with a checkpoint: the same inode at the path resumes at the
//! offset (from 0 if the file became shorter); an inode that moved to a sibling
//! (`mail.log.1`, `mail.log-20241129`) is read from the offset to its end first, then the
//! path from 0. A rotated file that was compressed meanwhile is a new inode: lines it got
//! after the checkpoint are lost (the checkpoint says so by not matching).
//!
//! A gzip-compressed path (`mail.log.2.gz`, recognised by its magic bytes) is read
//! decompressed; its offsets count decompressed bytes, and a resume skips that many. Such
//! a file is final: it is never truncated or appended to, so only its end is waited for.
//!
//! The caller decides when a record counts as handled: save the checkpoint after the
//! records of a [`Follower::poll`] are written or stored, and a crash re-reads at most
//! that batch.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use bouncekit_core::Record;
use serde::{Deserialize, Serialize};

use crate::input::LogFile;
use crate::reader::MAX_LINE;
use crate::{Error, LogOptions, LogParser, Stats, time};

/// Bytes read by one [`Follower::poll`] at most, so that the caller writes and checkpoints
/// regularly while catching up on a big file.
pub const POLL_BYTES: usize = 4 << 20;

/// Where reading a log stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The path followed (as given).
    pub path: PathBuf,
    /// Inode of the file being read (the path's, or a rotated sibling's).
    pub inode: u64,
    /// Offset just after the last line consumed.
    pub offset: u64,
    /// Number of that line in its file.
    pub line: u64,
}

/// The checkpoints of several logs, kept in one JSON file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoints {
    /// One entry per path.
    pub files: Vec<Checkpoint>,
}

impl Checkpoints {
    /// Reads a checkpoint file; a missing file is an empty set.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let err = |message: String| Error::Checkpoint { path: path.to_path_buf(), message };
        match fs::read(path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| err(e.to_string())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Writes the file atomically (a temporary file renamed over it, synced first).
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let err = |e: io::Error| Error::Checkpoint { path: path.to_path_buf(), message: e.to_string() };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| err(io::Error::other(e)))?;
        {
            let mut f = File::create(&tmp).map_err(err)?;
            io::Write::write_all(&mut f, &bytes).map_err(err)?;
            f.sync_all().map_err(err)?;
        }
        fs::rename(&tmp, path).map_err(err)
    }

    /// The checkpoint of `log`.
    pub fn get(&self, log: &Path) -> Option<&Checkpoint> {
        self.files.iter().find(|c| c.path == log)
    }

    /// Replaces (or adds) the checkpoint of its path.
    pub fn set(&mut self, cp: Checkpoint) {
        match self.files.iter_mut().find(|c| c.path == cp.path) {
            Some(c) => *c = cp,
            None => self.files.push(cp),
        }
    }
}

/// The inode of a file (0 where there are none).
fn inode(m: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::ino(m)
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        0
    }
}

/// Tails one log path across rotations. See the module documentation.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    /// The file being read: the path's, or a rotated sibling being finished.
    file: Option<LogFile>,
    inode: u64,
    /// Offset just after the last line consumed.
    offset: u64,
    /// Bytes after `offset` read but not consumed: the start of an unfinished line.
    partial: Vec<u8>,
    /// Length of an over-long line being skipped (its bytes are not kept).
    skipping: Option<u64>,
    parser: LogParser,
    /// True when the options fixed the reference time (else it follows the clock).
    fixed_reference: bool,
    buf: Vec<u8>,
}

impl Follower {
    /// Opens `path` for following, resuming at `resume` when it is this path's checkpoint.
    /// A path that does not exist yet is waited for.
    pub fn open(path: &Path, options: LogOptions, resume: Option<&Checkpoint>) -> Result<Self, Error> {
        let fixed_reference = options.reference_time.is_some();
        let mut parser = LogParser::new(LogOptions { origin: path.display().to_string(), ..options });
        let io_err = |p: &Path, source| Error::Io { path: p.to_path_buf(), source };
        let (mut file, mut ino, mut offset) = (None, 0, 0);
        if let Some(cp) = resume.filter(|c| c.path == path)
            && let Some((file_path, _)) = find_inode(path, cp.inode)
        {
            let mut opened = LogFile::open(&file_path).map_err(|e| io_err(&file_path, e))?;
            // A file now shorter than the offset was truncated: start over.
            let reached = opened.skip_to(cp.offset).map_err(|e| io_err(&file_path, e))?;
            let (at, line) = if reached == cp.offset {
                (cp.offset, cp.line)
            } else {
                opened = LogFile::open(&file_path).map_err(|e| io_err(&file_path, e))?;
                (0, 0)
            };
            parser.set_line_number(line);
            parser.set_origin(file_path.display().to_string());
            (file, ino, offset) = (Some(opened), cp.inode, at);
        }
        let mut f = Self { path: path.to_path_buf(), file, inode: ino, offset, partial: Vec::new(), skipping: None, parser, fixed_reference, buf: vec![0; 64 << 10] };
        if f.file.is_none() {
            f.open_path()?;
        }
        Ok(f)
    }

    /// Opens the path from its start; `false` when it does not exist (yet).
    fn open_path(&mut self) -> Result<bool, Error> {
        let file = match File::open(&self.path).and_then(LogFile::from_file) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(source) => return Err(Error::Io { path: self.path.clone(), source }),
        };
        let meta = file.file().metadata().map_err(|source| Error::Io { path: self.path.clone(), source })?;
        self.file = Some(file);
        self.inode = inode(&meta);
        self.offset = 0;
        self.partial.clear();
        self.skipping = None;
        self.parser.set_line_number(0);
        self.parser.set_origin(self.path.display().to_string());
        Ok(true)
    }

    /// Reads what is new (up to [`POLL_BYTES`]), appending records to `out`, and handles
    /// rotation at end of file. Returns true when it made progress, so calling again at
    /// once may find more; false when the log is idle.
    pub fn poll(&mut self, out: &mut Vec<Record>) -> Result<bool, Error> {
        if !self.fixed_reference {
            self.parser.set_reference_time(time::now());
        }
        if self.file.is_none() && !self.open_path()? {
            return Ok(false);
        }
        let mut total = 0usize;
        if self.read_available(out, &mut total)? {
            return Ok(true);
        }
        // At end of file: rotated or truncated?
        match fs::metadata(&self.path) {
            Ok(m) if inode(&m) != self.inode => {
                // Writers may add to the old file until they reopen: read it to the end.
                self.read_available(out, &mut total)?;
                self.finish_partial(out);
                self.open_path()?;
                Ok(true)
            }
            // A compressed file's length says nothing about its decompressed offset.
            Ok(m) if !self.compressed() && m.len() < self.offset + self.pending_len() => {
                if let Some(f) = self.file.as_mut() {
                    f.skip_to(0).map_err(|source| Error::Io { path: self.path.clone(), source })?;
                }
                self.offset = 0;
                self.partial.clear();
                self.skipping = None;
                self.parser.set_line_number(0);
                Ok(true)
            }
            _ => Ok(total > 0),
        }
    }

    /// Reads until end of file or [`POLL_BYTES`]; true when it stopped for the limit.
    fn read_available(&mut self, out: &mut Vec<Record>, total: &mut usize) -> Result<bool, Error> {
        loop {
            let Some(file) = self.file.as_mut() else { return Ok(false) };
            let n = match file.read(&mut self.buf) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => return Err(Error::Io { path: self.path.clone(), source }),
            };
            if n == 0 {
                return Ok(false);
            }
            let chunk = std::mem::take(&mut self.buf);
            self.consume(&chunk[..n], out);
            self.buf = chunk;
            *total += n;
            if *total >= POLL_BYTES {
                return Ok(true);
            }
        }
    }

    /// True when the file being read is gzip-compressed.
    fn compressed(&self) -> bool {
        self.file.as_ref().is_some_and(LogFile::is_compressed)
    }

    /// Bytes after the offset that were read but not consumed.
    fn pending_len(&self) -> u64 {
        self.skipping.unwrap_or(self.partial.len() as u64)
    }

    /// Splits new bytes into lines and feeds complete ones to the parser.
    fn consume(&mut self, data: &[u8], out: &mut Vec<Record>) {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', data) {
            let piece = &data[start..=nl];
            if let Some(skipped) = self.skipping.take() {
                let len = skipped + piece.len() as u64;
                self.parser.skip_line("line longer than 1 MiB");
                self.parser.count_bytes(len);
                self.offset += len;
            } else if self.partial.is_empty() {
                self.parser.push_line(piece, out);
                self.parser.count_bytes(piece.len() as u64);
                self.offset += piece.len() as u64;
            } else {
                self.partial.extend_from_slice(piece);
                let line = std::mem::take(&mut self.partial);
                self.parser.push_line(&line, out);
                self.parser.count_bytes(line.len() as u64);
                self.offset += line.len() as u64;
                self.partial = line;
                self.partial.clear();
            }
            start = nl + 1;
        }
        let rest = &data[start..];
        if let Some(s) = self.skipping.as_mut() {
            *s += rest.len() as u64;
        } else {
            self.partial.extend_from_slice(rest);
            if self.partial.len() > MAX_LINE {
                self.skipping = Some(self.partial.len() as u64);
                self.partial = Vec::new();
            }
        }
    }

    /// Consumes an unfinished last line of a file that will not grow any more.
    fn finish_partial(&mut self, out: &mut Vec<Record>) {
        if let Some(skipped) = self.skipping.take() {
            self.parser.skip_line("line longer than 1 MiB");
            self.offset += skipped;
        } else if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.parser.push_line(&line, out);
            self.parser.count_bytes(line.len() as u64);
            self.offset += line.len() as u64;
        }
    }

    /// Where reading stands, for [`Checkpoints::set`].
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { path: self.path.clone(), inode: self.inode, offset: self.offset, line: self.parser.line_number() }
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        self.parser.stats()
    }

    /// The parser (format detected, line number).
    pub fn parser(&self) -> &LogParser {
        &self.parser
    }

    /// The path followed.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The file holding inode `ino`: the path itself, else a sibling whose name starts with
/// the path's file name (`mail.log.1`, `mail.log-20241129`).
fn find_inode(path: &Path, ino: u64) -> Option<(PathBuf, fs::Metadata)> {
    if let Ok(m) = fs::metadata(path)
        && inode(&m) == ino
    {
        return Some((path.to_path_buf(), m));
    }
    let name = path.file_name()?.to_str()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut entries: Vec<_> = fs::read_dir(&dir).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    entries.into_iter().find_map(|e| {
        let n = e.file_name();
        let n = n.to_str()?;
        if n == name || !n.starts_with(name) {
            return None;
        }
        let m = e.metadata().ok()?;
        (m.is_file() && inode(&m) == ino).then(|| (e.path(), m))
    })
}
