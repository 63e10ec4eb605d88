//! The `bouncekit` binary: command-line definition and wiring. The work happens in the
//! library crates; this file only parses arguments and dispatches.

mod cli;
mod commands;
mod inputs;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bouncekit: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
