//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns email bounces into decisions: parse bounce mail, classify SMTP replies,
/// explain status codes.
#[derive(Debug, Parser)]
#[command(name = "bouncekit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats of record listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordFormat {
    /// Aligned columns for people (the default on a terminal).
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line, streamed.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Sisimai's field names and meanings, one JSON array, for drop-in migration.
    SisimaiJson,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse bounce mail into one record per recipient.
    ///
    /// Reads files, directories (recursively; Maildir included), mbox files (detected by
    /// their `From ` separator) and standard input (`-`).
    ///
    /// Exit status: 0 when every input was read and understood, 1 when some message was
    /// not understood as a bounce or an input could not be read (each is reported on
    /// stderr, and the rest is still parsed), 2 on a usage or output error.
    #[command(after_help = "Examples:\n  bouncekit parse bounce.eml\n  bouncekit parse --format jsonl ~/Maildir/.Bounces\n  cat bounce.eml | bouncekit parse -")]
    Parse {
        /// Files, directories or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output format [default: table on a terminal, json otherwise].
        #[arg(long, short = 'f', value_enum)]
        format: Option<RecordFormat>,
        /// Worker threads (default: all cores).
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Never show a progress bar.
        #[arg(long)]
        no_progress: bool,
    },
    /// Classify SMTP reply lines: reason, kind, blame and action.
    ///
    /// Each argument is one reply; without arguments, every non-empty line of standard
    /// input is one reply.
    ///
    /// Exit status: 0 when every reply was classified with a known reason, 1 when some
    /// reply gave `undefined` (no evidence), 2 on a usage error.
    #[command(after_help = "Examples:\n  bouncekit classify \"550 5.3.0 <u@example.com>: Mail system error\"\n  bouncekit classify --json < replies.txt")]
    Classify {
        /// Reply lines.
        replies: Vec<String>,
        /// Print JSON (one object per line) instead of text.
        #[arg(long)]
        json: bool,
    },
}
