//! `bouncekit forget`: GDPR erasure of one address.

use std::process::ExitCode;

use crate::cli::ForgetArgs;
use crate::listing::summary;
use crate::store_ctx::{Ctx, actor};

/// Runs the command.
pub fn run(ctx: &Ctx, a: &ForgetArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    let o = store.forget(&a.address, a.keep_tombstone, &actor(a.by.as_deref()))?;
    summary(&[
        ("events_deleted", o.events.to_string()),
        ("suppressions_deleted", o.suppressions.to_string()),
        ("soft_counts_deleted", o.soft_bounces.to_string()),
        ("audit_entries_redacted", o.audit_redacted.to_string()),
        ("tombstone_kept", o.tombstone.to_string()),
    ])
    .print(a.format)?;
    Ok(ExitCode::SUCCESS)
}
