//! `bouncekit alerts`: receiving providers that block us.

use std::process::ExitCode;

use crate::cli::AlertsArgs;
use crate::listing::Listing;
use crate::store_ctx::{Ctx, fmt_time};

/// Runs the command.
pub fn run(ctx: &Ctx, a: &AlertsArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    let mut l = Listing::new(&["provider", "reason", "state", "count", "first_seen", "last_seen", "status", "remote_mta", "diagnostic"]);
    for x in store.alerts(a.all)? {
        l.push(
            vec![
                x.provider.clone(),
                x.reason.clone(),
                x.state.clone(),
                x.count.to_string(),
                fmt_time(Some(x.first_seen)),
                fmt_time(Some(x.last_seen)),
                x.last_status.clone().unwrap_or_default(),
                x.last_remote_mta.clone().unwrap_or_default(),
                x.last_diagnostic.clone().unwrap_or_default(),
            ],
            serde_json::to_value(&x).unwrap_or_default(),
        );
    }
    l.print(a.format)?;
    Ok(ExitCode::SUCCESS)
}
