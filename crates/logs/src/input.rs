//! Opening log files: plain text, or gzip-compressed as log rotation leaves them
//! (`mail.log.2.gz`). The two are told apart by the first bytes of the file — the gzip
//! magic `1f 8b` — not by the name, so a compressed file without `.gz` (or a plain one
//! with it) is read right.
//!
//! Decompression is flate2 with its Rust backend and reads every member of a
//! multi-member file (`gzip -c a >> b.gz`). A damaged stream is an IO error of the reader
//! ([`std::io::ErrorKind::InvalidData`]), reported like any other read error; the lines
//! before the damage have been read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

/// The first two bytes of every gzip stream (RFC 1952).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Buffer size of the readers made here.
const BUF: usize = 1 << 16;

/// An open log file: its decompressed bytes for a gzip file, else the file itself.
#[derive(Debug)]
pub enum LogFile {
    /// A plain text file (seekable).
    Plain(File),
    /// A gzip-compressed file, decompressed as it is read.
    Gzip(Box<MultiGzDecoder<BufReader<File>>>),
}

impl LogFile {
    /// Opens `path`, decompressing it when it starts with [`GZIP_MAGIC`].
    pub fn open(path: &Path) -> io::Result<Self> {
        Self::from_file(File::open(path)?)
    }

    /// Wraps an open file (positioned anywhere): sniffs its first bytes and rewinds.
    pub fn from_file(mut file: File) -> io::Result<Self> {
        file.seek(SeekFrom::Start(0))?;
        let mut head = [0u8; 2];
        let mut n = 0;
        while n < head.len() {
            match file.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        file.seek(SeekFrom::Start(0))?;
        Ok(if n == 2 && head == GZIP_MAGIC { Self::Gzip(Box::new(MultiGzDecoder::new(BufReader::with_capacity(BUF, file)))) } else { Self::Plain(file) })
    }

    /// True for a gzip file: offsets count decompressed bytes and the file cannot seek.
    pub fn is_compressed(&self) -> bool {
        matches!(self, Self::Gzip(_))
    }

    /// The file underneath (for its metadata).
    pub fn file(&self) -> &File {
        match self {
            Self::Plain(f) => f,
            Self::Gzip(d) => d.get_ref().get_ref(),
        }
    }

    /// Moves to `offset` bytes of content: a seek for a plain file, reading and dropping
    /// that many decompressed bytes for a gzip file. Returns the offset reached, which
    /// is smaller than asked when the content ends first.
    pub fn skip_to(&mut self, offset: u64) -> io::Result<u64> {
        match self {
            Self::Plain(f) => {
                let len = f.metadata()?.len();
                f.seek(SeekFrom::Start(offset.min(len)))
            }
            Self::Gzip(d) => io::copy(&mut d.as_mut().take(offset), &mut io::sink()),
        }
    }
}

impl Read for LogFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(f) => f.read(buf),
            Self::Gzip(d) => d.read(buf),
        }
    }
}

/// Opens `path` for reading lines, decompressing a gzip file (see the module
/// documentation).
pub fn open(path: &Path) -> io::Result<BufReader<LogFile>> {
    Ok(BufReader::with_capacity(BUF, LogFile::open(path)?))
}

/// Wraps a stream that cannot seek (standard input): decompresses it when its first
/// bytes are [`GZIP_MAGIC`]. Peeks at the buffered bytes without consuming them.
pub fn decompress<'a, R: BufRead + Send + 'a>(mut reader: R) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    let head = reader.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        Ok(Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}
