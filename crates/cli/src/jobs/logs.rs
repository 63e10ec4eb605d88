//! A `[[logs]]` job: follows one MTA log across rotation (a [`Follower`]) and ingests its
//! records, checkpointing after each commit.
//!
//! One step runs on the blocking pool: read what is new (at most
//! [`bouncekit_logs::POLL_BYTES`]), ingest its records in one transaction, save the
//! checkpoint. Between steps the task waits on the async side — [`IDLE`] when the log
//! had nothing new, a backoff after a failure — and that is where it notices the stop
//! signal. After a failure the follower is dropped and reopened from the last saved
//! checkpoint, so records read but not committed are read again.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context;
use bouncekit_core::Record;
use bouncekit_logs::{Checkpoint, Checkpoints, Follower, LogOptions, Mta};
use bouncekit_web::{AppState, Db, JobStats, LogJob as LogEntry};
use tokio::sync::watch;

use super::{Backoff, MAX_BACKOFF, check_dir, default_file, pause};

/// Pause when the log had nothing new: a quarter second, as `bouncekit logs --follow`.
pub const IDLE: Duration = Duration::from_millis(250);
/// First wait after a failure.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// One log to follow.
#[derive(Debug, Clone)]
pub struct LogJob {
    /// The log, absolute (checkpoints name it so).
    pub path: PathBuf,
    /// The checkpoint file of this job alone.
    pub checkpoint: PathBuf,
    /// Format and zone.
    options: LogOptions,
}

/// What one step did.
#[derive(Debug, Default)]
struct Step {
    /// More may be waiting: step again at once.
    progress: bool,
    /// Lines read.
    lines: u64,
    /// Records handed to the store.
    records: u64,
    /// New events by kind.
    new: Vec<(&'static str, u64)>,
}

impl LogJob {
    /// Checks an entry: format name, zone, checkpoint file.
    pub fn plan(entry: &LogEntry, state_dir: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let path = std::path::absolute(&entry.path).with_context(|| format!("cannot resolve {}", entry.path.display()))?;
        check_dir(&path, "log")?;
        let mta = entry.mta.as_deref().map(str::parse::<Mta>).transpose()?;
        let utc_offset = match entry.utc_offset.as_deref() {
            Some(o) => bouncekit_logs::time::parse_offset(o).ok_or_else(|| anyhow::anyhow!("utc_offset `{o}`: expected an offset such as +01:00, -0500 or UTC"))?,
            None => 0,
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let checkpoint = match &entry.checkpoint {
            Some(c) => std::path::absolute(c).unwrap_or_else(|_| c.clone()),
            None => default_file(state_dir, "logs", &name, &path.to_string_lossy(), "checkpoint.json")?,
        };
        check_dir(&checkpoint, "checkpoint")?;
        // A checkpoint that cannot be read stops the start, not the first step.
        Checkpoints::load(&checkpoint)?;
        if !path.exists() {
            eprintln!("bouncekit: {}: does not exist yet; it is read once it appears", path.display());
        }
        // Following: the clock decides the year of year-less syslog lines.
        let options = LogOptions { mta, utc_offset, reference_time: None, ..LogOptions::default() };
        Ok(Self { path, checkpoint, options })
    }

    /// Runs until `stop` flips.
    pub async fn run(self, state: AppState, stats: Arc<JobStats>, mut stop: watch::Receiver<bool>) {
        let mut backoff = Backoff::new(FIRST_BACKOFF, MAX_BACKOFF);
        let mut runner = Some(Runner { job: self.clone(), follower: None, saved: None });
        loop {
            if *stop.borrow() {
                return;
            }
            let mut r = runner.take().unwrap_or_else(|| Runner { job: self.clone(), follower: None, saved: None });
            let db = state.db().clone();
            let done = tokio::task::spawn_blocking(move || {
                let result = r.step(&db);
                (r, result)
            })
            .await;
            let wait = match done {
                Ok((r, Ok(step))) => {
                    runner = Some(r);
                    backoff.reset();
                    stats.read.fetch_add(step.lines, Ordering::Relaxed);
                    stats.records.fetch_add(step.records, Ordering::Relaxed);
                    for (kind, n) in step.new {
                        state.metrics().events("logs", kind, n);
                    }
                    if step.progress {
                        continue;
                    }
                    IDLE
                }
                Ok((mut r, Err(e))) => {
                    // Reopen from the last saved checkpoint: what was read but not
                    // committed is read again.
                    r.follower = None;
                    runner = Some(r);
                    stats.errors.fetch_add(1, Ordering::Relaxed);
                    let wait = backoff.fail();
                    tracing::warn!(job = "logs", log = %self.path.display(), retry_in = ?wait, "{e:#}");
                    wait
                }
                Err(e) => {
                    stats.errors.fetch_add(1, Ordering::Relaxed);
                    let wait = backoff.fail();
                    tracing::error!(job = "logs", log = %self.path.display(), retry_in = ?wait, "the job's step failed: {e}");
                    wait
                }
            };
            if !pause(&mut stop, wait).await {
                return;
            }
        }
    }
}

/// The job with its open follower, moved into each blocking step and back.
struct Runner {
    job: LogJob,
    /// `None` before the first step and after a failure: (re)opened from the checkpoint.
    follower: Option<Follower>,
    /// The checkpoint last saved, to skip saving an unchanged one.
    saved: Option<Checkpoint>,
}

impl Runner {
    /// Reads what is new, ingests it, saves the checkpoint.
    fn step(&mut self, db: &Db) -> anyhow::Result<Step> {
        let job = &self.job;
        let follower = match &mut self.follower {
            Some(f) => f,
            None => {
                let cps = Checkpoints::load(&job.checkpoint)?;
                self.saved = cps.get(&job.path).cloned();
                self.follower.insert(Follower::open(&job.path, job.options.clone(), self.saved.as_ref())?)
            }
        };
        let before = follower.stats().lines;
        let mut out: Vec<Record> = Vec::new();
        let progress = follower.poll(&mut out)?;
        let mut step = Step { progress, lines: follower.stats().lines - before, records: out.len() as u64, new: Vec::new() };
        if !out.is_empty() {
            // One transaction for the batch; each record is its own message (a log line
            // has no content id: its fields are its dedupe key).
            let singles: Vec<[Record; 1]> = out.into_iter().map(|r| [r]).collect();
            let outcomes = db.write_blocking(|s| {
                let refs: Vec<(Option<&str>, &[Record])> = singles.iter().map(|r| (None, &r[..])).collect();
                s.ingest_batch(&refs)
            })?;
            for ([r], o) in singles.iter().zip(&outcomes) {
                if o.new_events > 0 {
                    step.new.push((r.kind.as_str(), o.new_events));
                }
            }
        }
        let cp = follower.checkpoint();
        if self.saved.as_ref() != Some(&cp) {
            Checkpoints { files: vec![cp.clone()] }.save(&job.checkpoint)?;
            self.saved = Some(cp);
        }
        Ok(step)
    }
}
