//! `bouncekit cleanup`: expiry, pruning, optimisation. The server runs the same job on a
//! schedule (`Store::cleanup`).

use std::process::ExitCode;

use crate::cli::CleanupArgs;
use crate::listing::summary;
use crate::store_ctx::Ctx;

/// Runs the command.
pub fn run(ctx: &Ctx, a: &CleanupArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    let o = store.cleanup(a.vacuum)?;
    summary(&[
        ("suppressions_expired", o.expired_suppressions.to_string()),
        ("soft_counts_pruned", o.soft_bounces_pruned.to_string()),
        ("events_pruned", o.events_pruned.to_string()),
        ("incidents_aged_out", o.incidents_aged_out.to_string()),
        ("alerts_resolved", o.alerts_resolved.to_string()),
        ("vacuumed", o.vacuumed.to_string()),
        ("skipped", o.skipped.to_string()),
    ])
    .print(a.format)?;
    Ok(ExitCode::SUCCESS)
}
