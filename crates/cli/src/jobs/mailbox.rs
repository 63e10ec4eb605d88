//! A `[[mailboxes]]` job: polls one bounce mailbox every `interval`, ingests each new
//! message and only then lets the poller move, flag or delete it.
//!
//! A poll runs on the blocking pool with [`Poller::poll_blocking`] (its own small
//! runtime), since the handler commits to the store synchronously. The handler checks
//! the stop signal before each message: on shutdown the poll ends after the message in
//! hand, and the rest stays in the mailbox for the next start. The resume point (IMAP
//! UIDVALIDITY + UID, POP3 UIDLs) is saved by the poller after each acknowledged
//! message, so a restart does not ingest anything again.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use bouncekit_core::{Origin, OriginKind};
use bouncekit_mailbox::{After, Config, MailboxUrl, MessageId, Password, Poller, State, Summary};
use bouncekit_web::{AppState, Db, JobStats, MailboxJob as MailboxEntry, PasswordSource};
use tokio::sync::watch;

use super::{Backoff, MAX_BACKOFF, check_dir, default_file, pause};

/// Why the handler refuses a message when the server is stopping.
const STOPPING: &str = "the server is stopping";

/// One mailbox to poll.
#[derive(Debug, Clone)]
pub struct MailboxJob {
    /// The mailbox URL (no secrets), as shown in logs and metrics.
    pub url: String,
    /// Time from the end of one poll to the start of the next.
    pub interval: Duration,
    poller: Arc<Poller>,
}

/// What one poll did, for the counters.
#[derive(Debug, Default)]
struct Polled {
    /// Records handed to the store.
    records: u64,
    /// New events by kind.
    new: Vec<(&'static str, u64)>,
    /// Messages that held no bounce (acknowledged all the same, else they would come
    /// back on every poll).
    not_understood: u64,
}

impl MailboxJob {
    /// Checks an entry: URL, password, after-action, CA file, state file.
    pub fn plan(entry: &MailboxEntry, state_dir: Option<&Path>) -> anyhow::Result<Self> {
        let mut url: MailboxUrl = entry.url.parse()?;
        if entry.starttls {
            url = url.with_starttls();
        }
        let password = match &entry.password {
            PasswordSource::File(p) => Password::from_file(p)?,
            PasswordSource::Env(v) => Password::from_env(v)?,
        };
        let shown = url.to_string();
        let mut config = Config::new(url, password);
        if let Some(a) = &entry.after {
            config.after = a.parse::<After>()?;
        }
        let state: PathBuf = match &entry.state {
            Some(s) => std::path::absolute(s).unwrap_or_else(|_| s.clone()),
            None => {
                let u = &config.url;
                default_file(state_dir, "mailbox", &format!("{}@{}", u.user, u.host), &shown, "state.json")?
            }
        };
        check_dir(&state, "state file")?;
        // A state file of another mailbox, or a damaged one, stops the start.
        State::load(&state, &shown)?;
        config.state = Some(state);
        config.timeout = entry.timeout;
        if let Some(ca) = &entry.ca_file {
            config.add_ca_file(ca)?;
        }
        let poller = Poller::new(config)?;
        Ok(Self { url: shown, interval: entry.interval, poller: Arc::new(poller) })
    }

    /// The resume-point file.
    pub fn state_path(&self) -> &Path {
        self.poller.config().state.as_deref().unwrap_or(Path::new(""))
    }

    /// Runs until `stop` flips: a poll, then `interval`; after a failure a backoff that
    /// starts at a few seconds and never exceeds [`MAX_BACKOFF`] or the interval,
    /// whichever is longer.
    pub async fn run(self, state: AppState, stats: Arc<JobStats>, mut stop: watch::Receiver<bool>) {
        let mut backoff = Backoff::new(self.interval.min(Duration::from_secs(5)), MAX_BACKOFF.max(self.interval));
        loop {
            if *stop.borrow() {
                return;
            }
            let (job, db, rx) = (self.clone(), state.db().clone(), stop.clone());
            let done = tokio::task::spawn_blocking(move || job.poll_once(&db, &rx)).await;
            let wait = match done {
                Ok(Ok((summary, polled))) => {
                    stats.read.fetch_add(summary.handled as u64, Ordering::Relaxed);
                    stats.records.fetch_add(polled.records, Ordering::Relaxed);
                    for (kind, n) in polled.new {
                        state.metrics().events("poll", kind, n);
                    }
                    if polled.not_understood > 0 {
                        tracing::info!(job = "poll", mailbox = %self.url, "{} messages held no bounce (acknowledged all the same)", polled.not_understood);
                    }
                    if summary.uid_validity_reset {
                        tracing::warn!(job = "poll", mailbox = %self.url, "UIDVALIDITY changed; started over from the first message");
                    }
                    let stopping = summary.failures.iter().any(|f| f.error == STOPPING);
                    for f in summary.failures.iter().filter(|f| f.error != STOPPING) {
                        tracing::warn!(job = "poll", mailbox = %self.url, message = %f.id, "left in the mailbox: {}", f.error);
                    }
                    if summary.stopped && !stopping {
                        // The handler failed (the store): retry sooner than the interval.
                        stats.errors.fetch_add(1, Ordering::Relaxed);
                        backoff.fail()
                    } else {
                        backoff.reset();
                        self.interval
                    }
                }
                Ok(Err(e)) => {
                    stats.errors.fetch_add(1, Ordering::Relaxed);
                    let wait = backoff.fail();
                    tracing::warn!(job = "poll", mailbox = %self.url, retry_in = ?wait, "{:#}", anyhow::Error::new(e));
                    wait
                }
                Err(e) => {
                    stats.errors.fetch_add(1, Ordering::Relaxed);
                    let wait = backoff.fail();
                    tracing::error!(job = "poll", mailbox = %self.url, retry_in = ?wait, "the poll failed: {e}");
                    wait
                }
            };
            if !pause(&mut stop, wait).await {
                return;
            }
        }
    }

    /// One poll, in the calling (blocking) thread: each message is parsed and its
    /// records committed before the handler returns, and so before it is acknowledged.
    fn poll_once(&self, db: &Db, stop: &watch::Receiver<bool>) -> Result<(Summary, Polled), bouncekit_mailbox::Error> {
        let mut polled = Polled::default();
        let summary = self.poller.poll_blocking(|raw: &[u8], id: &MessageId| -> Result<(), String> {
            if *stop.borrow() {
                return Err(STOPPING.into());
            }
            let origin = Origin { kind: OriginKind::Mailbox, name: format!("{}#{id}", self.url) };
            let parsed = bouncekit_parse::parse_message(raw, &origin);
            if parsed.records.is_empty() {
                polled.not_understood += 1;
                for d in &parsed.diagnostics {
                    tracing::debug!(job = "poll", origin = %d.origin, "{}", d.message);
                }
            }
            // The content id makes a message fetched twice (a crash between commit and
            // acknowledgement) one event.
            let cid = bouncekit_store::hash::content_id(raw);
            let outcome = db.write_blocking(|s| s.ingest(Some(&cid), &parsed.records)).context("cannot store the records").map_err(|e| format!("{e:#}"))?;
            polled.records += parsed.records.len() as u64;
            if outcome.new_events == parsed.records.len() as u64 {
                polled.new.extend(parsed.records.iter().map(|r| (r.kind.as_str(), 1)));
            } else if let Some(r) = parsed.records.first().filter(|_| outcome.new_events > 0) {
                polled.new.push((r.kind.as_str(), outcome.new_events));
            }
            Ok(())
        })?;
        Ok((summary, polled))
    }
}
