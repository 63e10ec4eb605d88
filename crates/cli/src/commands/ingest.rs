//! `bouncekit ingest`: bounce mail → parse → policy → store, in parallel across
//! messages, committed in batches; prints a summary.
//!
//! Each message is ingested atomically under its content id (SHA-256 of its bytes), so
//! a second run over the same input — or a run after a crash — counts every event once.

use std::process::ExitCode;

use bouncekit_core::Record;
use bouncekit_parse::{Parsed, parse_bytes, parse_message};
use bouncekit_store::{IngestOutcome, hash::content_id};
use rayon::prelude::*;

use crate::cli::IngestArgs;
use crate::inputs;
use crate::listing::summary;
use crate::store_ctx::Ctx;

/// Messages parsed in parallel and committed in one transaction.
const LIMITS: inputs::BatchLimits = inputs::BatchLimits { messages: 256, bytes: 64 * 1024 * 1024 };
/// Inputs larger than this in total get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 8 * 1024 * 1024;

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
    let bar = inputs::progress_bar(&files, args.no_progress, PROGRESS_BYTES);
    let mut totals = Totals::default();
    let unreadable = inputs::for_each_batch(&files, LIMITS, |batch| {
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
                failed = true;
                for d in &p.diagnostics {
                    eprintln!("bouncekit: {}: {}", d.origin, d.message);
                }
                continue;
            }
            // Records, but part of the message was left unread: some may be missing.
            for d in p.diagnostics.iter().filter(|d| bouncekit_mime::is_cut_problem(&d.message)) {
                failed = true;
                eprintln!("bouncekit: {}: {}", d.origin, d.message);
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
        Ok(())
    })?;
    failed |= unreadable;
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

