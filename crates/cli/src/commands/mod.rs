//! One module per subcommand.

mod classify;
mod explain;
mod logs;
mod parse;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse { paths, format, threads, no_progress } => parse::run(&paths, format, threads, no_progress),
        Command::Classify { replies, json } => classify::run(replies, json),
        Command::Explain { code, list, lang, format } => explain::run(code.as_deref(), list, lang.as_deref(), format),
        Command::Logs { paths, mta, format, follow, checkpoint, utc_offset, failures_only, no_progress } => {
            let utc_offset = match utc_offset.as_deref() {
                Some(o) => bouncekit_logs::time::parse_offset(o).ok_or_else(|| anyhow::anyhow!("--utc-offset {o}: expected an offset such as +01:00, -0500 or UTC"))?,
                None => 0,
            };
            let src = logs::LogSource { paths, mta: mta.map(Into::into), follow, checkpoint, utc_offset, failures_only, progress: !no_progress };
            logs::run(src, format)
        }
    }
}
