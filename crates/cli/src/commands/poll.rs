//! `bouncekit poll`: a bounce mailbox over IMAP or POP3 → records, acknowledging each
//! message only after its records were written.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use bouncekit_core::{Origin, OriginKind};
use bouncekit_mailbox::{After, Config, MailboxUrl, MessageId, Password, Poller, Summary};

use crate::cli::{PollArgs, RecordFormat};
use crate::output::RecordWriter;

/// Builds the poller from the arguments.
fn poller(args: &PollArgs) -> anyhow::Result<Poller> {
    let mut url: MailboxUrl = args.url.parse()?;
    if args.starttls {
        url = url.with_starttls();
    }
    let password = match &args.password_file {
        Some(p) => Password::from_file(p)?,
        None => Password::from_env(&args.password_env)?,
    };
    let mut config = Config::new(url, password);
    if let Some(a) = &args.after {
        config.after = a.parse::<After>()?;
    }
    config.state = args.state.clone();
    config.timeout = Duration::from_secs(args.timeout.max(1));
    if let Some(ca) = &args.ca_file {
        config.add_ca_file(ca)?;
    }
    Ok(Poller::new(config)?)
}

/// Runs the command.
pub fn run(ctx: &crate::store_ctx::Ctx, args: &PollArgs) -> anyhow::Result<ExitCode> {
    let mut store = if args.ingest { Some(ctx.open()?) } else { None };
    let poller = poller(args)?;
    let url = poller.config().url.to_string();
    let stdout = io::stdout();
    let format = args.format.unwrap_or(if args.interval.is_some() {
        RecordFormat::Jsonl
    } else if stdout.is_terminal() {
        RecordFormat::Table
    } else {
        RecordFormat::Json
    });
    let mut writer = RecordWriter::new(io::BufWriter::new(stdout.lock()), format)?;
    let mut failed = false;
    loop {
        let mut stored = bouncekit_store::IngestOutcome::default();
        match poll_once(&poller, &url, &mut writer, store.as_deref_mut(), &mut stored) {
            Ok((summary, not_understood)) => {
                if args.ingest {
                    eprintln!(
                        "bouncekit: {url}: {} messages, {} records: {} new events, {} already stored, {} suppressions, {} soft bounces counted",
                        summary.handled, stored.records, stored.new_events, stored.duplicates, stored.suppressed, stored.counted
                    );
                }
                for f in &summary.failures {
                    eprintln!("bouncekit: {url}#{}: left in the mailbox: {}", f.id, f.error);
                }
                if summary.uid_validity_reset {
                    eprintln!("bouncekit: {url}: UIDVALIDITY changed; started over from the first message");
                }
                failed |= !summary.failures.is_empty() || not_understood > 0;
            }
            // A server job rides out a dead connection; a one-shot poll reports it.
            Err(Failed::Mailbox(e)) if args.interval.is_some() => eprintln!("bouncekit: {url}: {:#}", anyhow::Error::new(e)),
            Err(Failed::Mailbox(e)) => {
                // Keep the output well-formed (an empty JSON array) before failing.
                writer.finish()?;
                return Err(anyhow::Error::new(e).context(format!("polling {url}")));
            }
            // The output is gone (a closed pipe, a full disk): polling on makes no sense.
            Err(Failed::Output(e)) => return Err(anyhow::Error::new(e).context("writing records")),
        }
        let Some(secs) = args.interval else { break };
        writer.flush()?;
        std::thread::sleep(Duration::from_secs(secs.max(1)));
    }
    writer.finish()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Why a poll failed.
enum Failed {
    /// The mailbox: connection, login, protocol, state file.
    Mailbox(bouncekit_mailbox::Error),
    /// Writing the records (the message stayed in the mailbox).
    Output(io::Error),
}

/// One poll: each message's records are written and flushed (or committed, adding to
/// `stored`) before it is acknowledged. Returns the summary and how many messages were
/// not understood as bounces (those are acknowledged all the same: they would otherwise
/// come back on every poll).
fn poll_once<W: Write>(
    poller: &Poller,
    url: &str,
    writer: &mut RecordWriter<W>,
    mut store: Option<&mut (dyn bouncekit_store::Store + 'static)>,
    stored: &mut bouncekit_store::IngestOutcome,
) -> Result<(Summary, usize), Failed> {
    let mut not_understood = 0;
    let mut output_error = None;
    let summary = poller
        .poll_blocking(|raw: &[u8], id: &MessageId| -> Result<(), String> {
            let origin = Origin { kind: OriginKind::Mailbox, name: format!("{url}#{id}") };
            let parsed = bouncekit_parse::parse_message(raw, &origin);
            if parsed.records.is_empty() {
                not_understood += 1;
                for d in &parsed.diagnostics {
                    eprintln!("bouncekit: {}: {}", d.origin, d.message);
                }
            }
            if let Some(store) = store.as_deref_mut() {
                // Committed before the handler returns: only then is the message acknowledged.
                let id = bouncekit_store::hash::content_id(raw);
                let outcome = store.ingest(Some(&id), &parsed.records).map_err(|e| e.to_string())?;
                stored.add(&outcome);
                return Ok(());
            }
            let written = parsed.records.iter().try_for_each(|r| writer.write(r)).and_then(|()| writer.flush());
            written.map_err(|e| {
                let shown = e.to_string();
                output_error = Some(e);
                shown
            })
        })
        .map_err(Failed::Mailbox)?;
    if let Some(e) = output_error {
        return Err(Failed::Output(e));
    }
    Ok((summary, not_understood))
}
