//! One module per subcommand.

mod classify;
mod explain;
mod parse;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse { paths, format, threads, no_progress } => parse::run(&paths, format, threads, no_progress),
        Command::Classify { replies, json } => classify::run(replies, json),
        Command::Explain { code, list, lang, format } => explain::run(code.as_deref(), list, lang.as_deref(), format),
    }
}
