//! `bouncekit parse`: bounce mail → records, in parallel across messages, streamed in
//! input order.

use std::io::{self, BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use bouncekit_core::Origin;
use bouncekit_mime::MboxReader;
use bouncekit_parse::{Parsed, parse_bytes, parse_message};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cli::RecordFormat;
use crate::inputs;
use crate::output::RecordWriter;

/// Messages parsed in one parallel batch; bounds memory on huge mboxes while keeping
/// every core busy.
const BATCH_MESSAGES: usize = 512;
/// Bytes of messages held in one batch at most.
const BATCH_BYTES: usize = 64 * 1024 * 1024;
/// Inputs larger than this in total get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 32 * 1024 * 1024;

/// One unit of work: a message or a whole non-mbox file.
struct Job {
    origin: Origin,
    bytes: Vec<u8>,
    whole_file: bool,
}

/// Runs the command.
pub fn run(paths: &[PathBuf], format: Option<RecordFormat>, threads: Option<usize>, no_progress: bool) -> anyhow::Result<ExitCode> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let stdout = io::stdout();
    let format = format.unwrap_or(if stdout.is_terminal() { RecordFormat::Table } else { RecordFormat::Json });
    let mut errors = Vec::new();
    let files = inputs::expand(paths, &mut errors);
    for e in &errors {
        eprintln!("bouncekit: {e}");
    }
    let mut failed = !errors.is_empty();
    let total: u64 = files.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let bar = (!no_progress && io::stderr().is_terminal() && total > PROGRESS_BYTES).then(|| {
        let b = ProgressBar::new(total);
        b.set_style(ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        b
    });
    let mut writer = RecordWriter::new(io::BufWriter::new(stdout.lock()), format)?;
    let mut batch: Vec<Job> = Vec::new();
    let mut batch_bytes = 0usize;
    let flush = |batch: &mut Vec<Job>, writer: &mut RecordWriter<_>, failed: &mut bool| -> io::Result<()> {
        let results: Vec<Vec<Parsed>> = batch
            .par_iter()
            .map(|j| if j.whole_file { parse_bytes(&j.bytes, &j.origin) } else { vec![parse_message(&j.bytes, &j.origin)] })
            .collect();
        for parsed in results.iter().flatten() {
            for d in &parsed.diagnostics {
                if parsed.records.is_empty() {
                    *failed = true;
                    eprintln!("bouncekit: {}: {}", d.origin, d.message);
                }
            }
            for r in &parsed.records {
                writer.write(r)?;
            }
        }
        if let Some(b) = &bar {
            b.inc(batch.iter().map(|j| j.bytes.len() as u64).sum());
        }
        batch.clear();
        Ok(())
    };
    for path in &files {
        let mut input = match inputs::open(path) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("bouncekit: {}: cannot open: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let head = match input.reader.fill_buf() {
            Ok(h) => h.to_vec(),
            Err(e) => {
                eprintln!("bouncekit: {}: cannot read: {e}", path.display());
                failed = true;
                continue;
            }
        };
        if bouncekit_mime::is_mbox(&head) {
            let origin = input.origin.clone();
            for (i, msg) in MboxReader::new(input.reader).enumerate() {
                match msg {
                    Ok(bytes) => {
                        batch_bytes += bytes.len();
                        batch.push(Job { origin: origin.clone(), bytes, whole_file: false });
                        let _ = i;
                    }
                    Err(e) => {
                        eprintln!("bouncekit: {}: read error after message {i}: {e}", origin.name);
                        failed = true;
                        break;
                    }
                }
                if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut writer, &mut failed)?;
                    batch_bytes = 0;
                }
            }
        } else {
            match inputs::read_all(input.reader) {
                Ok(bytes) => {
                    batch_bytes += bytes.len();
                    batch.push(Job { origin: input.origin, bytes, whole_file: true });
                }
                Err(e) => {
                    eprintln!("bouncekit: {}: cannot read: {e}", path.display());
                    failed = true;
                }
            }
        }
        if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES {
            flush(&mut batch, &mut writer, &mut failed)?;
            batch_bytes = 0;
        }
    }
    flush(&mut batch, &mut writer, &mut failed)?;
    writer.finish()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
