//! `bouncekit logs`: MTA log files → records, streamed in line order, optionally followed
//! across rotation and resumed from a checkpoint.
//!
//! [`read_logs`] is the boundary other commands reuse (the store's `ingest`): it reads the
//! logs and hands the records to a sink in batches, and saves the checkpoint only after
//! the sink accepted a batch, so a record is never skipped by a restart (at worst the
//! last batch is read again).

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::bail;
use bouncekit_core::{Kind, Record};
use bouncekit_logs::{Checkpoints, Follower, LogOptions, LogReader, Mta, Stats};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::RecordFormat;
use crate::output::RecordWriter;

/// Records handed to the sink at once when reading without a checkpoint.
const BATCH_RECORDS: usize = 1024;
/// Pause between polls of idle followed logs.
const FOLLOW_IDLE: Duration = Duration::from_millis(250);
/// Inputs larger than this in total get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 32 * 1024 * 1024;

/// What to read and how.
#[derive(Debug, Clone)]
pub struct LogSource {
    /// Log files; `-` is standard input.
    pub paths: Vec<PathBuf>,
    /// The format, or `None` to detect it per file.
    pub mta: Option<Mta>,
    /// Keep reading as the files grow, across rotation.
    pub follow: bool,
    /// Where reading positions are kept between runs.
    pub checkpoint: Option<PathBuf>,
    /// Seconds east of UTC of zone-less timestamps.
    pub utc_offset: i32,
    /// Drop delivery records.
    pub failures_only: bool,
    /// Show a progress bar on big inputs (when stderr is a terminal).
    pub progress: bool,
}

/// What reading one input found.
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// The input's name.
    pub name: String,
    /// The detected or given format (`None`: nothing recognised).
    pub mta: Option<Mta>,
    /// The counters.
    pub stats: Stats,
}

/// What reading all inputs found.
#[derive(Debug, Default)]
pub struct Summary {
    /// Per input.
    pub files: Vec<FileSummary>,
    /// Inputs that could not be read (already reported on stderr).
    pub errors: usize,
}

/// Reads the logs of `src`, calling `sink` with each batch of records in input order.
/// With `follow` it returns only on an error of the sink (or never).
pub fn read_logs(src: &LogSource, sink: &mut dyn FnMut(&[Record]) -> anyhow::Result<()>) -> anyhow::Result<Summary> {
    let stdin = src.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && src.checkpoint.is_some() {
        bail!("standard input cannot be checkpointed; give file paths with --checkpoint");
    }
    if src.follow || src.checkpoint.is_some() {
        if stdin {
            bail!("standard input cannot be followed (it is read to its end anyway); give file paths with --follow");
        }
        return follow(src, sink);
    }
    let mut summary = Summary::default();
    let total: u64 = src.paths.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let bar = progress_bar(src.progress && total > PROGRESS_BYTES, total);
    let mut done_bytes = 0;
    for path in &src.paths {
        // Gzip input (a rotated `mail.log.2.gz`, or piped) is recognised by its magic
        // bytes and decompressed.
        let opened: io::Result<(String, Box<dyn io::BufRead>, Option<i64>)> = if path.as_os_str() == "-" {
            bouncekit_logs::input::decompress(io::BufReader::with_capacity(1 << 16, io::stdin())).map(|r| ("-".into(), r as Box<dyn io::BufRead>, None))
        } else {
            bouncekit_logs::input::open(path).map(|r| {
                // The last write is at or after the last line: it decides syslog years.
                let mtime = r.get_ref().file().metadata().ok().and_then(|m| m.modified().ok()).and_then(epoch);
                (path.display().to_string(), Box::new(r) as Box<dyn io::BufRead>, mtime)
            })
        };
        let (name, reader, reference) = match opened {
            Ok(o) => o,
            Err(e) => {
                eprintln!("bouncekit: {}: cannot open: {e}", path.display());
                summary.errors += 1;
                continue;
            }
        };
        let options = LogOptions { mta: src.mta, origin: name.clone(), reference_time: reference, utc_offset: src.utc_offset, ..LogOptions::default() };
        let mut reader = LogReader::new(reader, options);
        let mut batch = Vec::with_capacity(BATCH_RECORDS);
        loop {
            let next = reader.next();
            let end = match next {
                Some(Ok(r)) => {
                    if !(src.failures_only && r.kind == Kind::Delivered) {
                        batch.push(r);
                    }
                    false
                }
                Some(Err(e)) => {
                    eprintln!("bouncekit: {e}");
                    summary.errors += 1;
                    true
                }
                None => true,
            };
            if batch.len() >= BATCH_RECORDS || (end && !batch.is_empty()) {
                sink(&batch)?;
                batch.clear();
                if let Some(b) = &bar {
                    // Decompressed bytes of a gzip file outrun its size on disk.
                    b.set_position((done_bytes + reader.stats().bytes).min(total));
                }
            }
            if end {
                break;
            }
        }
        done_bytes += reader.stats().bytes;
        summary.files.push(FileSummary { name, mta: reader.mta(), stats: reader.stats().clone() });
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(summary)
}

/// Reading through [`Follower`]s: with a checkpoint, and/or following.
fn follow(src: &LogSource, sink: &mut dyn FnMut(&[Record]) -> anyhow::Result<()>) -> anyhow::Result<Summary> {
    let mut checkpoints = match &src.checkpoint {
        Some(p) => Checkpoints::load(p)?,
        None => Checkpoints::default(),
    };
    let mut summary = Summary::default();
    let mut followers = Vec::new();
    for path in &src.paths {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        if !src.follow && !path.exists() && checkpoints.get(&path).is_none() {
            eprintln!("bouncekit: {}: cannot open: no such file", path.display());
            summary.errors += 1;
            continue;
        }
        // Without --follow, the file's modification time decides syslog years; following,
        // the clock does.
        let reference = if src.follow { None } else { std::fs::metadata(&path).ok().and_then(|m| m.modified().ok()).and_then(epoch) };
        let options = LogOptions { mta: src.mta, reference_time: reference, utc_offset: src.utc_offset, ..LogOptions::default() };
        followers.push(Some(Follower::open(&path, options, checkpoints.get(&path))?));
    }
    let mut out = Vec::new();
    loop {
        let mut progress = false;
        for slot in &mut followers {
            let Some(f) = slot.as_mut() else { continue };
            out.clear();
            match f.poll(&mut out) {
                Ok(p) => progress |= p,
                Err(e) => {
                    eprintln!("bouncekit: {e}");
                    summary.errors += 1;
                    finish(slot, &mut summary);
                    continue;
                }
            }
            if src.failures_only {
                out.retain(|r| r.kind != Kind::Delivered);
            }
            if !out.is_empty() {
                sink(&out)?;
            }
            if let Some(cp_path) = &src.checkpoint {
                let cp = f.checkpoint();
                if checkpoints.get(&cp.path) != Some(&cp) {
                    checkpoints.set(cp);
                    checkpoints.save(cp_path)?;
                }
            }
        }
        if !progress {
            if !src.follow || followers.iter().all(Option::is_none) {
                break;
            }
            std::thread::sleep(FOLLOW_IDLE);
        }
    }
    for slot in &mut followers {
        finish(slot, &mut summary);
    }
    Ok(summary)
}

/// Moves a follower's counters into the summary.
fn finish(slot: &mut Option<Follower>, summary: &mut Summary) {
    if let Some(f) = slot.take() {
        summary.files.push(FileSummary { name: f.path().display().to_string(), mta: f.parser().mta(), stats: f.stats().clone() });
    }
}

fn epoch(t: SystemTime) -> Option<i64> {
    t.duration_since(UNIX_EPOCH).ok().map(|d| d.as_secs() as i64)
}

fn progress_bar(show: bool, total: u64) -> Option<ProgressBar> {
    (show && io::stderr().is_terminal()).then(|| {
        let b = ProgressBar::new(total);
        b.set_style(ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        b
    })
}

/// Runs the command.
pub fn run(src: LogSource, format: Option<RecordFormat>) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let format = format.unwrap_or(if stdout.is_terminal() {
        RecordFormat::Table
    } else if src.follow {
        // A JSON array never closes while following.
        RecordFormat::Jsonl
    } else {
        RecordFormat::Json
    });
    let mut writer = RecordWriter::new(io::BufWriter::new(stdout.lock()), format)?;
    let follow = src.follow;
    let summary = read_logs(&src, &mut |records: &[Record]| {
        for r in records {
            writer.write(r)?;
        }
        if follow {
            writer.flush()?;
        }
        Ok(())
    })?;
    writer.finish()?;
    let mut failed = summary.errors > 0;
    for f in &summary.files {
        report(f, &mut failed);
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `bouncekit logs --ingest`: the records go through the policy into the store, one
/// transaction per batch; the checkpoint is saved only after the batch committed, so a
/// killed run resumes without losing or double-counting a record (re-read records are
/// duplicates by their fields).
pub fn ingest(ctx: &crate::store_ctx::Ctx, src: LogSource) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    let (mut records, mut new_events, mut duplicates, mut suppressed, mut counted) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let summary = read_logs(&src, &mut |batch: &[Record]| {
        let singles: Vec<[Record; 1]> = batch.iter().map(|r| [r.clone()]).collect();
        let refs: Vec<(Option<&str>, &[Record])> = singles.iter().map(|r| (None, &r[..])).collect();
        for o in store.ingest_batch(&refs)? {
            records += o.records;
            new_events += o.new_events;
            duplicates += o.duplicates;
            suppressed += o.suppressed;
            counted += o.counted;
        }
        Ok(())
    })?;
    eprintln!("bouncekit: {records} records: {new_events} new events, {duplicates} already stored, {suppressed} suppressions, {counted} soft bounces counted");
    let mut failed = summary.errors > 0;
    for f in &summary.files {
        report(f, &mut failed);
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Reports an input's problems on stderr.
fn report(f: &FileSummary, failed: &mut bool) {
    let s = &f.stats;
    if f.mta.is_none() && s.lines > 0 {
        eprintln!("bouncekit: {}: no MTA log format recognised in {} lines (try --mta)", f.name, s.lines);
        *failed = true;
    }
    if let Some(m) = &s.first_malformed {
        eprintln!("bouncekit: {}: {} malformed lines (first at line {}: {})", f.name, s.malformed, m.line, m.problem);
        *failed = true;
    }
}
