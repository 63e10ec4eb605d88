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

/// The MTA log formats of `logs --mta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogMta {
    /// Postfix via syslog (`postfix/smtp[…]: QUEUEID: to=<…>, … status=bounced (…)`).
    Postfix,
    /// Exim's main log (`** address R=… T=…: error`, `==`, `=>`).
    Exim,
    /// Sendmail via syslog (`QUEUEID: to=<…>, … dsn=5.1.1, stat=…`).
    Sendmail,
    /// PowerMTA accounting CSV with a header row.
    Powermta,
    /// KumoMTA JSON log records.
    Kumomta,
}

impl From<LogMta> for bouncekit_logs::Mta {
    fn from(m: LogMta) -> Self {
        match m {
            LogMta::Postfix => Self::Postfix,
            LogMta::Exim => Self::Exim,
            LogMta::Sendmail => Self::Sendmail,
            LogMta::Powermta => Self::PowerMta,
            LogMta::Kumomta => Self::KumoMta,
        }
    }
}

/// Output formats of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Wrapped text for a terminal.
    Text,
    /// Markdown.
    Markdown,
    /// JSON (the same structure the HTTP API returns).
    Json,
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
    /// Explain an SMTP status code, reply code or whole reply line, in English or German.
    ///
    /// Accepts an enhanced status code (`5.3.0`), a reply code (`550`) or a reply line
    /// (`"550 5.3.0 <a@b>: Mail system error"`: both codes are explained and the line is
    /// classified). The language comes from `--lang`, else from LC_ALL / LANG, else English.
    ///
    /// Exit status: 0 on success, 2 when the code is malformed or unknown (the error names
    /// the nearest valid codes).
    #[command(after_help = "Examples:\n  bouncekit explain 5.3.0 --lang de\n  bouncekit explain 550\n  bouncekit explain \"550 5.7.1 blocked using zen.spamhaus.org\"\n  bouncekit explain --list")]
    Explain {
        /// The code or reply line.
        #[arg(required_unless_present = "list")]
        code: Option<String>,
        /// List every code with its title instead.
        #[arg(long)]
        list: bool,
        /// Language: en or de.
        #[arg(long)]
        lang: Option<String>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value = "text")]
        format: ExplainFormat,
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
    /// Read MTA logs into records: bounces, deferrals and deliveries.
    ///
    /// Postfix, Exim and Sendmail logs (syslog or Exim's own files), PowerMTA accounting
    /// CSV and KumoMTA JSON log records. The format is detected from the first line that
    /// only one of them writes, unless `--mta` names it. Sender and Message-ID are joined
    /// from earlier lines of the same queue id.
    ///
    /// Syslog timestamps have no year: a line gets the year that puts it at most 7 days
    /// after the file's modification time (with `--follow`, the clock). Timestamps
    /// without a zone are read as UTC unless `--utc-offset` says otherwise.
    ///
    /// `--follow` keeps reading as the files grow and survives rotation (rename or
    /// truncation); `--checkpoint FILE` saves how far each log was read (path, inode,
    /// offset) after its records were written, so the next run resumes there, also
    /// without `--follow`.
    ///
    /// Exit status: 0 when every input was read and recognised without malformed lines,
    /// 1 when an input could not be read, had no recognised format or had malformed lines
    /// (each is reported on stderr, and the rest is still read), 2 on a usage or output
    /// error.
    #[command(after_help = "Examples:\n  bouncekit logs /var/log/mail.log\n  bouncekit logs --mta exim --format jsonl /var/log/exim4/mainlog\n  bouncekit logs --follow --checkpoint /var/lib/bouncekit/logs.json /var/log/mail.log")]
    Logs {
        /// Log files, or `-` for standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The log format [default: detected].
        #[arg(long, value_enum)]
        mta: Option<LogMta>,
        /// Output format [default: table on a terminal, else json; jsonl with --follow].
        #[arg(long, short = 'f', value_enum)]
        format: Option<RecordFormat>,
        /// Keep reading as the logs grow, across rotation (stop with Ctrl-C).
        #[arg(long)]
        follow: bool,
        /// Resume from, and save, the reading positions in this file.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// Zone of timestamps written without one, e.g. `+01:00` [default: UTC].
        #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
        utc_offset: Option<String>,
        /// Leave out deliveries: print bounces and deferrals only.
        #[arg(long)]
        failures_only: bool,
        /// Never show a progress bar.
        #[arg(long)]
        no_progress: bool,
    },
}
