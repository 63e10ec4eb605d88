//! `bouncekit report`: events by kind, reason or domain per period, with shares.

use std::process::ExitCode;

use bouncekit_store::{Bucket, ReportBy};

use crate::cli::{BucketArg, ReportArgs, ReportByArg};
use crate::listing::Listing;
use crate::store_ctx::{Ctx, now, time_ago};

/// Runs the command.
pub fn run(ctx: &Ctx, a: &ReportArgs) -> anyhow::Result<ExitCode> {
    let since = time_ago(&a.since)?;
    let until = match &a.until {
        Some(u) => time_ago(u)?,
        None => now() + 1,
    };
    let by = match a.by {
        ReportByArg::Kind => ReportBy::Kind,
        ReportByArg::Reason => ReportBy::Reason,
        ReportByArg::Domain => ReportBy::Domain,
    };
    let bucket = match a.bucket {
        BucketArg::Day => Bucket::Day,
        BucketArg::Week => Bucket::Week,
        BucketArg::Month => Bucket::Month,
    };
    let mut store = ctx.open()?;
    let mut l = Listing::new(&["period", "key", "events", "share"]);
    for r in store.report(by, bucket, since, until)? {
        l.push(
            vec![bouncekit_policy::time::format_date(r.bucket), r.key.clone(), r.count.to_string(), format!("{:.1}%", r.share * 100.0)],
            serde_json::to_value(&r).unwrap_or_default(),
        );
    }
    l.print(a.format)?;
    Ok(ExitCode::SUCCESS)
}
