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
    /// The database: a file path or sqlite:PATH, created on first use
    /// [default: $XDG_DATA_HOME/bouncekit/bouncekit.db, i.e. ~/.local/share/bouncekit/bouncekit.db].
    #[arg(long, global = true, env = "BOUNCEKIT_DB", value_name = "PATH|URL")]
    pub db: Option<String>,
    /// A policy file (TOML) merged over the default policy.
    #[arg(long, global = true, env = "BOUNCEKIT_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
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
    /// Parse bounces and remember them: parse, apply the policy, store events,
    /// suppressions, incidents and alerts; print a summary.
    ///
    /// Each message is stored atomically and counts once: ingesting the same message
    /// again changes nothing. Exit status: 0 when every input was read and understood,
    /// 1 when some message was not understood, was too large to be read whole, or an
    /// input could not be read, 2 on an error.
    #[command(after_help = "Examples:\n  bouncekit ingest ~/Maildir/.Bounces\n  bouncekit --db /var/lib/bouncekit/bouncekit.db ingest --scope tenant:acme bounces.mbox\n  cat bounce.eml | bouncekit ingest -")]
    Ingest(crate::cli::IngestArgs),
    /// The suppression list: check, add, remove, list, export, import.
    Suppressions {
        /// What to do with it.
        #[command(subcommand)]
        action: crate::cli::SuppressionsCmd,
    },
    /// Receiving domains: events by kind and current incidents; verify incidents by DNS.
    #[command(after_help = "Examples:\n  bouncekit domains\n  bouncekit domains --incidents --check-dns")]
    Domains(crate::cli::DomainsArgs),
    /// Sender alerts: receiving providers that block us, and why.
    Alerts(crate::cli::AlertsArgs),
    /// GDPR forget: delete an address's events and suppressions.
    ///
    /// With --keep-tombstone a salted hash of the address is kept, and checks keep
    /// answering "suppressed" for it.
    Forget(crate::cli::ForgetArgs),
    /// Rates over time: events by kind, reason or domain per day, week or month.
    #[command(after_help = "Examples:\n  bouncekit report --by reason --bucket week --since 90d")]
    Report(crate::cli::ReportArgs),
    /// Expire suppressions and counters, prune old events, age out incidents, optimise
    /// the database.
    Cleanup(crate::cli::CleanupArgs),
    /// Parse bounce mail into one record per recipient.
    ///
    /// Reads files, directories (recursively; Maildir included), mbox files (detected by
    /// their `From ` separator) and standard input (`-`).
    ///
    /// Exit status: 0 when every input was read and understood, 1 when some message was
    /// not understood as a bounce, had a part too large to be read whole (its records
    /// may be incomplete), or an input could not be read (each is reported on stderr,
    /// and the rest is still parsed), 2 on a usage or output error.
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
        /// Store the records (parse → policy → store, as `ingest` does) instead of
        /// printing them; prints a summary. The checkpoint advances only after a batch is
        /// committed.
        #[arg(long)]
        ingest: bool,
    },
    /// Poll a bounce mailbox over IMAP or POP3 and print the records of new messages.
    ///
    /// Each new message is parsed; only after its records were written (flushed) is it
    /// moved, flagged or deleted (`--after`), so a failure leaves it in the mailbox for
    /// the next poll. `--state FILE` keeps the resume point (IMAP: UIDVALIDITY + last
    /// UID; POP3: handled UIDLs) so that a restart does not handle messages again.
    ///
    /// The password comes from the environment variable named by `--password-env`
    /// (default BOUNCEKIT_MAIL_PASSWORD) or from `--password-file`; never from the URL
    /// or the command line. Plain imap:// and pop3:// are for loopback hosts; to other
    /// hosts they use STARTTLS/STLS.
    ///
    /// Exit status: 0 when every message was handled, 1 when some stayed in the mailbox
    /// or was not understood as a bounce, 2 on a usage, connection or login error.
    #[command(after_help = "Examples:\n  BOUNCEKIT_MAIL_PASSWORD=… bouncekit poll imaps://bounces@mail.example.com/INBOX --after move:Processed --state poll.json\n  bouncekit poll pop3s://bounces@mail.example.com --password-file /etc/bouncekit/pw --after delete --interval 60 --format jsonl")]
    Poll(PollArgs),
    /// Serve the HTTP API (and optionally an SMTP/LMTP bounce receiver) until SIGINT/SIGTERM.
    ///
    /// Listens on 127.0.0.1:8025 by default and uses the database of `--db`. Tokens,
    /// webhook secrets, bounce domains and limits come from `--config FILE` (TOML).
    /// Without tokens the API is open, which is allowed on a loopback address only.
    /// The OpenAPI document is at /openapi.json.
    #[command(after_help = "Examples:\n  bouncekit serve\n  bouncekit --db /var/lib/bouncekit/bouncekit.db serve --config /etc/bouncekit/serve.toml --listen 0.0.0.0:8025\n  bouncekit serve --config serve.toml --smtp 127.0.0.1:2525")]
    Serve(crate::commands::serve::ServeArgs),
}

/// Arguments of `poll`.
#[derive(Debug, clap::Args)]
pub struct PollArgs {
    /// The mailbox: imaps://USER@HOST[:PORT]/FOLDER, pop3s://USER@HOST[:PORT], or imap:// and pop3:// to loopback.
    pub url: String,
    /// After a message was handled: move:FOLDER, flag (\Seen), flag:KEYWORD, delete, or keep (POP3, needs --state)
    /// [default: flag on IMAP, keep on POP3].
    #[arg(long, value_name = "ACTION")]
    pub after: Option<String>,
    /// Resume from, and save, the resume point in this file.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Output format [default: table on a terminal, else json; jsonl with --interval].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<RecordFormat>,
    /// Poll once and exit (the default).
    #[arg(long, conflicts_with = "interval")]
    pub once: bool,
    /// Poll every SECS seconds until stopped (connection errors are reported and retried).
    #[arg(long, value_name = "SECS")]
    pub interval: Option<u64>,
    /// The environment variable holding the password.
    #[arg(long, value_name = "VAR", default_value = "BOUNCEKIT_MAIL_PASSWORD")]
    pub password_env: String,
    /// Read the password from the first line of this file instead.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Also trust the CA certificates in this PEM file.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Use STARTTLS/STLS on a plain imap:// or pop3:// URL to a loopback host too.
    #[arg(long)]
    pub starttls: bool,
    /// Seconds one network step may take.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Store the records (policy → store, as `ingest` does) instead of printing them; a
    /// message is moved, flagged or deleted only after its records are committed.
    #[arg(long)]
    pub ingest: bool,
}

/// Output formats of listings (suppressions, domains, alerts, reports, summaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

/// Arguments of `ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files, directories or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Scope of records that name none: global, tenant:NAME or list:NAME.
    #[arg(long)]
    pub scope: Option<String>,
    /// Output format of the summary.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// The `suppressions` subcommands.
#[derive(Debug, Subcommand)]
pub enum SuppressionsCmd {
    /// May I send to these addresses? Exit status 0 when all are allowed, 1 when some
    /// is suppressed, held or invalid, 2 on an error.
    #[command(after_help = "Examples:\n  bouncekit suppressions check user@example.com\n  bouncekit suppressions check --scope tenant:acme --file addresses.txt --format csv")]
    Check {
        /// Addresses (or use --file).
        addresses: Vec<String>,
        /// A file with one address per line (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// The scope to check in (global suppressions always apply).
        #[arg(long, default_value = "global")]
        scope: String,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: ListFormat,
    },
    /// Suppress addresses by hand.
    Add {
        /// Addresses.
        #[arg(required = true)]
        addresses: Vec<String>,
        /// Scope: global, tenant:NAME or list:NAME.
        #[arg(long, default_value = "global")]
        scope: String,
        /// Kind to record (hard, soft, complaint, manual…).
        #[arg(long)]
        kind: Option<String>,
        /// Reason to record (userunknown… or manual).
        #[arg(long)]
        reason: Option<String>,
        /// Expiry: a duration from now (30d) or a time (2025-01-31) [default: never].
        #[arg(long)]
        expires: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Who does it [default: $USER].
        #[arg(long)]
        by: Option<String>,
    },
    /// Remove suppressions by hand (they stay listed as removed).
    Remove {
        /// Addresses.
        #[arg(required = true)]
        addresses: Vec<String>,
        /// Scope: global, tenant:NAME or list:NAME.
        #[arg(long, default_value = "global")]
        scope: String,
        /// A note.
        #[arg(long)]
        note: Option<String>,
        /// Who does it [default: $USER].
        #[arg(long)]
        by: Option<String>,
    },
    /// List suppressions, most recently seen first.
    List(SuppressionFilterArgs),
    /// Export suppressions as CSV or JSON.
    Export {
        /// Filters.
        #[command(flatten)]
        filter: SuppressionFilterArgs,
        /// File format.
        #[arg(long, value_enum, default_value = "csv")]
        to: ExchangeFormat,
        /// Write here instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import suppressions from CSV or JSON (as written by export; only `address` is
    /// required). Idempotent. Bad rows are reported with their row number and skipped;
    /// exit status 1 when there were any.
    Import {
        /// The file (`-` for standard input).
        file: PathBuf,
        /// File format [default: from the extension, else csv].
        #[arg(long, value_enum)]
        from: Option<ExchangeFormat>,
        /// Who does it [default: $USER].
        #[arg(long)]
        by: Option<String>,
        /// Output format of the summary.
        #[arg(long, short = 'f', value_enum, default_value = "table")]
        format: ListFormat,
    },
}

/// File formats of export and import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExchangeFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array (import also reads JSON lines).
    Json,
}

/// Filters and paging of `suppressions list` and `export`.
#[derive(Debug, clap::Args)]
pub struct SuppressionFilterArgs {
    /// Only this scope.
    #[arg(long)]
    pub scope: Option<String>,
    /// Only this status: active, expired, removed or all.
    #[arg(long, default_value = "active")]
    pub status: String,
    /// Only this kind.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only this reason.
    #[arg(long)]
    pub reason: Option<String>,
    /// Only this domain.
    #[arg(long)]
    pub domain: Option<String>,
    /// Only addresses containing this text.
    #[arg(long)]
    pub contains: Option<String>,
    /// Only seen since: a duration ago (7d) or a time.
    #[arg(long)]
    pub since: Option<String>,
    /// At most this many (0: all) [default: 100 for list, all for export].
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Output format (list).
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `domains`.
#[derive(Debug, clap::Args)]
pub struct DomainsArgs {
    /// List incidents (open, dead and closed) instead of statistics.
    #[arg(long)]
    pub incidents: bool,
    /// First check every current incident's domain in DNS (MX, null MX, NXDOMAIN, A).
    #[arg(long)]
    pub check_dns: bool,
    /// Name servers to ask (IP or IP:PORT, repeatable) [default: the system's].
    #[arg(long, value_name = "ADDR")]
    pub nameserver: Vec<String>,
    /// Statistics since: a duration ago (30d) or a time.
    #[arg(long, default_value = "30d")]
    pub since: String,
    /// At most this many domains (0: all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `alerts`.
#[derive(Debug, clap::Args)]
pub struct AlertsArgs {
    /// Include resolved alerts.
    #[arg(long)]
    pub all: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `forget`.
#[derive(Debug, clap::Args)]
pub struct ForgetArgs {
    /// The address.
    pub address: String,
    /// Keep a salted hash that still suppresses the address.
    #[arg(long)]
    pub keep_tombstone: bool,
    /// Who does it [default: $USER].
    #[arg(long)]
    pub by: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// What `report` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportByArg {
    /// Kind (hard, soft, block…).
    Kind,
    /// Reason (userunknown…).
    Reason,
    /// Receiving domain.
    Domain,
}

/// Periods of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BucketArg {
    /// UTC days.
    Day,
    /// Weeks from Monday.
    Week,
    /// Calendar months.
    Month,
}

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Group by.
    #[arg(long, value_enum, default_value = "kind")]
    pub by: ReportByArg,
    /// Period.
    #[arg(long, value_enum, default_value = "day")]
    pub bucket: BucketArg,
    /// From: a duration ago (30d) or a time.
    #[arg(long, default_value = "30d")]
    pub since: String,
    /// Until: a duration ago or a time [default: now].
    #[arg(long)]
    pub until: Option<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}

/// Arguments of `cleanup`.
#[derive(Debug, clap::Args)]
pub struct CleanupArgs {
    /// Also rebuild the database file (VACUUM; slow, locks the database).
    #[arg(long)]
    pub vacuum: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    pub format: ListFormat,
}
