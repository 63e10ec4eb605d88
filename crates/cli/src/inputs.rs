//! Walking the inputs of `parse`: files, directories, mbox streams and stdin, in a
//! stable order, as a stream of messages.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};

use bouncekit_core::{Origin, OriginKind};

/// Every file below the given paths, in the order given and sorted within directories.
/// Unreadable directories are reported through `errors` and skipped.
pub fn expand(paths: &[PathBuf], errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out, errors, 0, &mut seen);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// `seen` holds the directories read so far (resolved): a symbolic link back to one of
/// them (a loop, or two links to one directory) is skipped, so that no message is read
/// twice and links cannot make the walk exponential.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<String>, depth: usize, seen: &mut HashSet<PathBuf>) {
    if depth > 32 {
        errors.push(format!("{}: directory nesting too deep, skipped", dir.display()));
        return;
    }
    if let Ok(real) = std::fs::canonicalize(dir)
        && !seen.insert(real)
    {
        errors.push(format!("{}: directory already read (a symbolic link loop?), skipped", dir.display()));
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(format!("{}: cannot read directory: {e}", dir.display()));
            return;
        }
    };
    entries.sort();
    for e in entries {
        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') && e.is_file() {
            continue;
        }
        if e.is_dir() {
            if name == "tmp" && dir.join("cur").is_dir() {
                continue; // Maildir's tmp holds messages still being written.
            }
            walk(&e, out, errors, depth + 1, seen);
        } else if e.is_file() {
            out.push(e);
        }
    }
}

/// An open input: a name for diagnostics and a buffered reader.
pub struct Input {
    /// Where records from it come from.
    pub origin: Origin,
    /// The bytes.
    pub reader: Box<dyn BufRead + Send>,
}

/// Opens a path (`-` is stdin).
pub fn open(path: &Path) -> io::Result<Input> {
    if path.as_os_str() == "-" {
        return Ok(Input { origin: Origin { kind: OriginKind::Stdin, name: "-".into() }, reader: Box::new(BufReader::new(io::stdin())) });
    }
    let f = File::open(path)?;
    Ok(Input { origin: Origin::file(path.to_string_lossy()), reader: Box::new(BufReader::with_capacity(1 << 16, f)) })
}

/// Reads a whole small input.
pub fn read_all(mut r: impl Read) -> io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.read_to_end(&mut v)?;
    Ok(v)
}

/// One unit of parse work: one message of a streamed mbox, or a whole file (which the
/// parser may still split when it is an mbox read in memory).
pub struct Job {
    /// Where its records come from.
    pub origin: Origin,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// True for a whole file, false for one message of a streamed mbox.
    pub whole_file: bool,
}

/// Limits of one batch of jobs: bounds memory on huge mboxes while keeping every core
/// busy on the batch.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// Jobs per batch at most.
    pub messages: usize,
    /// Bytes of jobs held in one batch at most.
    pub bytes: usize,
}

/// The largest file read whole (one message, or an mbox split in memory); larger files
/// that are not mboxes are skipped, so that `/dev/zero` or a disk image cannot exhaust
/// memory. mbox files are streamed and may be of any size.
const MAX_FILE: usize = 64 * 1024 * 1024;

/// Reads `files` in order and hands their jobs to `flush` in batches (mbox files are
/// streamed message by message); `flush` gets every batch, the last one included, and
/// the batch is cleared after it. Inputs that cannot be opened or read are reported on
/// stderr and skipped: the return value says whether that happened.
pub fn for_each_batch(files: &[PathBuf], limits: BatchLimits, mut flush: impl FnMut(&[Job]) -> anyhow::Result<()>) -> anyhow::Result<bool> {
    let mut failed = false;
    let mut batch: Vec<Job> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut push = |job: Job, batch: &mut Vec<Job>, batch_bytes: &mut usize| -> anyhow::Result<()> {
        *batch_bytes += job.bytes.len();
        batch.push(job);
        if batch.len() >= limits.messages || *batch_bytes >= limits.bytes {
            flush(batch)?;
            batch.clear();
            *batch_bytes = 0;
        }
        Ok(())
    };
    for path in files {
        let mut input = match open(path) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("bouncekit: {}: cannot open: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let is_mbox = match input.reader.fill_buf() {
            Ok(head) => bouncekit_mime::is_mbox(head),
            Err(e) => {
                eprintln!("bouncekit: {}: cannot read: {e}", path.display());
                failed = true;
                continue;
            }
        };
        if is_mbox {
            let origin = input.origin.clone();
            for (i, msg) in bouncekit_mime::MboxReader::new(input.reader).enumerate() {
                match msg {
                    Ok(bytes) => push(Job { origin: origin.clone(), bytes, whole_file: false }, &mut batch, &mut batch_bytes)?,
                    Err(e) => {
                        eprintln!("bouncekit: {}: read error after message {i}: {e}", origin.name);
                        failed = true;
                        break;
                    }
                }
            }
        } else {
            match read_all(input.reader.take(MAX_FILE as u64 + 1)) {
                Ok(bytes) if bytes.len() > MAX_FILE => {
                    eprintln!("bouncekit: {}: larger than {} MiB and not an mbox: skipped (no single message is that large)", path.display(), MAX_FILE >> 20);
                    failed = true;
                }
                Ok(bytes) => push(Job { origin: input.origin, bytes, whole_file: true }, &mut batch, &mut batch_bytes)?,
                Err(e) => {
                    eprintln!("bouncekit: {}: cannot read: {e}", path.display());
                    failed = true;
                }
            }
        }
    }
    drop(push);
    if !batch.is_empty() {
        flush(&batch)?;
    }
    Ok(failed)
}

/// A progress bar over the total size of `files`, when stderr is a terminal and the
/// inputs are larger than `threshold` bytes.
pub fn progress_bar(files: &[PathBuf], no_progress: bool, threshold: u64) -> Option<indicatif::ProgressBar> {
    let total: u64 = files.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    (!no_progress && io::stderr().is_terminal() && total > threshold).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    })
}
