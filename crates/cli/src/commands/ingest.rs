//! `bouncekit ingest`: bounce mail → parse → policy → store, in parallel across
//! messages, committed in batches; prints a summary.
//!
//! Each message is ingested atomically under its content id (SHA-256 of its bytes), so
//! a second run over the same input — or a run after a crash — counts every event once.

use std::io::{self, BufRead, IsTerminal};
use std::process::ExitCode;

use bouncekit_core::{Origin, Record};
use bouncekit_mime::MboxReader;
use bouncekit_parse::{Parsed, parse_bytes, parse_message};
use bouncekit_store::{IngestOutcome, hash::content_id};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cli::IngestArgs;
use crate::inputs;
use crate::listing::summary;
use crate::store_ctx::Ctx;

/// Messages parsed in parallel and committed in one transaction.
const BATCH_MESSAGES: usize = 256;
/// Bytes of messages held in one batch at most.
const BATCH_BYTES: usize = 64 * 1024 * 1024;
/// Inputs larger than this in total get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 8 * 1024 * 1024;

struct Job {
    origin: Origin,
    bytes: Vec<u8>,
    whole_file: bool,
}

#[derive(Default)]
struct Totals {
    messages: u64,
    not_understood: u64,
    outcome: IngestOutcome,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let scope = match &args.scope {
        Some(s) => Some(s.parse::<bouncekit_policy::Scope>()?.to_string()),
        None => None,
    };
    let mut store = ctx.open()?;
    let mut errors = Vec::new();
    let files = inputs::expand(&args.paths, &mut errors);
    for e in &errors {
        eprintln!("bouncekit: {e}");
    }
    let mut failed = !errors.is_empty();
    let total: u64 = files.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let bar = (!args.no_progress && io::stderr().is_terminal() && total > PROGRESS_BYTES).then(|| {
        let b = ProgressBar::new(total);
        b.set_style(ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        b
    });
    let mut totals = Totals::default();
    let mut batch: Vec<Job> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut flush = |batch: &mut Vec<Job>, totals: &mut Totals, failed: &mut bool| -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        // Parse in parallel; each parsed message keeps its content id.
        let parsed: Vec<Vec<(String, Parsed)>> = batch
            .par_iter()
            .map(|j| {
                let id = content_id(&j.bytes);
                if j.whole_file {
                    let all = parse_bytes(&j.bytes, &j.origin);
                    let many = all.len() > 1;
                    all.into_iter().enumerate().map(|(i, p)| (if many { format!("{id}:{i}") } else { id.clone() }, p)).collect()
                } else {
                    vec![(id, parse_message(&j.bytes, &j.origin))]
                }
            })
            .collect();
        let mut messages: Vec<(String, Vec<Record>)> = Vec::new();
        for (id, p) in parsed.into_iter().flatten() {
            totals.messages += 1;
            if p.records.is_empty() {
                totals.not_understood += 1;
                *failed = true;
                for d in &p.diagnostics {
                    eprintln!("bouncekit: {}: {}", d.origin, d.message);
                }
                continue;
            }
            let mut records = p.records;
            if let Some(s) = &scope {
                for r in &mut records {
                    r.scope.get_or_insert_with(|| s.clone());
                }
            }
            messages.push((id, records));
        }
        let refs: Vec<(Option<&str>, &[Record])> = messages.iter().map(|(id, r)| (Some(id.as_str()), r.as_slice())).collect();
        for o in store.ingest_batch(&refs)? {
            totals.outcome.add(&o);
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
                    }
                    Err(e) => {
                        eprintln!("bouncekit: {}: read error after message {i}: {e}", origin.name);
                        failed = true;
                        break;
                    }
                }
                if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES {
                    flush(&mut batch, &mut totals, &mut failed)?;
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
            flush(&mut batch, &mut totals, &mut failed)?;
            batch_bytes = 0;
        }
    }
    flush(&mut batch, &mut totals, &mut failed)?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let o = &totals.outcome;
    summary(&[
        ("messages", totals.messages.to_string()),
        ("not_understood", totals.not_understood.to_string()),
        ("records", o.records.to_string()),
        ("new_events", o.new_events.to_string()),
        ("duplicates", o.duplicates.to_string()),
        ("invalid_addresses", o.invalid.to_string()),
        ("suppressed", o.suppressed.to_string()),
        ("soft_counted", o.counted.to_string()),
        ("soft_cleared", o.cleared.to_string()),
        ("sender_alerts", o.alerts.to_string()),
        ("incidents_opened", o.incidents_opened.to_string()),
        ("held_by_incident", o.held.to_string()),
        ("released_by_incident", o.released.to_string()),
        ("incidents_closed", o.incidents_closed.to_string()),
    ])
    .print(args.format)?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

