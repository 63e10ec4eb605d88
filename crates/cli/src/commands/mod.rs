//! One module per subcommand.

mod alerts;
mod classify;
mod cleanup;
mod domains;
mod explain;
mod forget;
mod ingest;
mod logs;
mod parse;
mod poll;
mod report;
pub(crate) mod serve;
mod suppressions;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let ctx = crate::store_ctx::Ctx { db: cli.db, policy: cli.policy };
    match cli.command {
        Command::Ingest(a) => ingest::run(&ctx, &a),
        Command::Suppressions { action } => suppressions::run(&ctx, &action),
        Command::Domains(a) => domains::run(&ctx, &a),
        Command::Alerts(a) => alerts::run(&ctx, &a),
        Command::Forget(a) => forget::run(&ctx, &a),
        Command::Report(a) => report::run(&ctx, &a),
        Command::Cleanup(a) => cleanup::run(&ctx, &a),
        Command::Poll(a) => poll::run(&ctx, &a),
        Command::Serve(a) => serve::run(&ctx, &a),
        Command::Parse { paths, format, threads, no_progress } => parse::run(&paths, format, threads, no_progress),
        Command::Classify { replies, json } => classify::run(replies, json),
        Command::Explain { code, list, lang, format } => explain::run(code.as_deref(), list, lang.as_deref(), format),
        Command::Logs { paths, mta, format, follow, checkpoint, utc_offset, failures_only, no_progress, ingest } => {
            let utc_offset = match utc_offset.as_deref() {
                Some(o) => bouncekit_logs::time::parse_offset(o).ok_or_else(|| anyhow::anyhow!("--utc-offset {o}: expected an offset such as +01:00, -0500 or UTC"))?,
                None => 0,
            };
            let src = logs::LogSource { paths, mta: mta.map(Into::into), follow, checkpoint, utc_offset, failures_only, progress: !no_progress };
            if ingest { logs::ingest(&ctx, src) } else { logs::run(src, format) }
        }
    }
}
