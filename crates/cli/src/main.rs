//! The `bouncekit` binary: command-line definition and wiring. The work happens in the
//! library crates; this file only parses arguments and dispatches.

mod cli;
mod commands;
mod inputs;
mod jobs;
mod listing;
mod output;
mod store_ctx;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        // A closed pipe (`bouncekit … | head`) is the reader's choice, not an error.
        Err(e) if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bouncekit: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
