//! `bouncekit parse`: bounce mail → records, in parallel across messages, streamed in
//! input order.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use bouncekit_parse::{Parsed, parse_bytes, parse_message};
use rayon::prelude::*;

use crate::cli::RecordFormat;
use crate::inputs;
use crate::output::RecordWriter;

/// Messages parsed in one parallel batch; bounds memory on huge mboxes while keeping
/// every core busy.
const LIMITS: inputs::BatchLimits = inputs::BatchLimits { messages: 512, bytes: 64 * 1024 * 1024 };
/// Inputs larger than this in total get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 32 * 1024 * 1024;

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
    let bar = inputs::progress_bar(&files, no_progress, PROGRESS_BYTES);
    let mut writer = RecordWriter::new(io::BufWriter::new(stdout.lock()), format)?;
    let unreadable = inputs::for_each_batch(&files, LIMITS, |batch| {
        let results: Vec<Vec<Parsed>> = batch
            .par_iter()
            .map(|j| if j.whole_file { parse_bytes(&j.bytes, &j.origin) } else { vec![parse_message(&j.bytes, &j.origin)] })
            .collect();
        for parsed in results.iter().flatten() {
            if parsed.records.is_empty() {
                failed = true;
                for d in &parsed.diagnostics {
                    eprintln!("bouncekit: {}: {}", d.origin, d.message);
                }
            } else {
                // Records, but part of the message was left unread: some may be missing.
                for d in parsed.diagnostics.iter().filter(|d| bouncekit_mime::is_cut_problem(&d.message)) {
                    failed = true;
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
        Ok(())
    })?;
    writer.finish()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(if failed || unreadable { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
