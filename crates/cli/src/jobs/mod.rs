//! The jobs `bouncekit serve` runs beside its listeners: MTA logs it follows
//! (`[[logs]]`, [`logs`]), bounce mailboxes it polls (`[[mailboxes]]`, [`mailbox`]) and
//! the DNS checks of current domain incidents (`[dns] check_every`, [`dns`]).
//!
//! [`plan`] turns the configuration's entries into runnable jobs and checks everything
//! that can be checked before the server starts — the log format and zone, the mailbox
//! URL, after-action, password, CA file, and that the checkpoint and state files can be
//! read — so that a mistake stops `serve` with a message naming the entry instead of
//! failing later in a loop. [`Jobs::spawn`] starts one task per job.
//!
//! Every job:
//! - ingests through the server's one store writer ([`bouncekit_web::Db`]) on the
//!   blocking pool, never on an async worker;
//! - moves its reading position (checkpoint, mailbox state) only after the records it
//!   covers were committed, so a restart neither loses nor ingests anything twice (a
//!   record read again is a duplicate by its dedupe key and changes nothing);
//! - survives failures: each is logged (without secrets), counted in `/metrics`, and
//!   retried after a [`Backoff`] that doubles up to a bound;
//! - stops when the server's stop signal flips, between two steps (a log) or between two
//!   messages (a mailbox); the DNS job drops the lookups of a round in flight (a verdict
//!   being recorded is recorded whole).

pub mod dns;
pub mod logs;
pub mod mailbox;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bouncekit_web::{AppState, JobKind, JobStats, ServerConfig};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The longest wait between two attempts of a failing job: five minutes keeps a broken
/// mailbox or an unreadable log from flooding the log, and recovery is noticed soon.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The jobs of a configuration, checked and ready to run.
#[derive(Debug, Default)]
pub struct Jobs {
    /// `[[logs]]`, in configuration order.
    pub logs: Vec<logs::LogJob>,
    /// `[[mailboxes]]`, in configuration order.
    pub mailboxes: Vec<mailbox::MailboxJob>,
    /// `[dns]`, unless `check_every` is 0.
    pub dns: Option<dns::DnsJob>,
}

/// Checks the `[[logs]]` and `[[mailboxes]]` entries of `config` and builds their jobs.
/// `db` is the store target: job state lives next to a database file unless `state_dir`
/// says otherwise.
pub fn plan(config: &ServerConfig, db: &str) -> anyhow::Result<Jobs> {
    let mut jobs = Jobs { dns: dns::DnsJob::plan(&config.dns), ..Jobs::default() };
    if config.logs.is_empty() && config.mailboxes.is_empty() {
        return Ok(jobs);
    }
    let state_dir = config.state_dir.clone().or_else(|| db_dir(db));
    for (i, entry) in config.logs.iter().enumerate() {
        let what = format!("logs[{}] ({})", i + 1, entry.path.display());
        jobs.logs.push(logs::LogJob::plan(entry, state_dir.as_deref()).map_err(|e| e.context(what))?);
    }
    for (i, entry) in config.mailboxes.iter().enumerate() {
        let what = format!("mailboxes[{}] ({})", i + 1, entry.url);
        jobs.mailboxes.push(mailbox::MailboxJob::plan(entry, state_dir.as_deref()).map_err(|e| e.context(what))?);
    }
    // Two entries may name the same file in different words (a relative and an
    // absolute path, or a default that equals an explicit one).
    let files: Vec<(&Path, String)> = jobs
        .logs
        .iter()
        .map(|j| (j.checkpoint.as_path(), format!("the checkpoint of {}", j.path.display())))
        .chain(jobs.mailboxes.iter().map(|j| (j.state_path(), format!("the state of {}", j.url))))
        .collect();
    for (i, (f, what)) in files.iter().enumerate() {
        if let Some((_, other)) = files[..i].iter().find(|(o, _)| o == f) {
            anyhow::bail!("{what} and {other} are one file, {}: give each job its own", f.display());
        }
    }
    Ok(jobs)
}

impl Jobs {
    /// Starts every job on `tasks`; each registers its counters with the state's metrics
    /// and returns once `stop` flips to true.
    pub fn spawn(self, state: &AppState, tasks: &mut JoinSet<()>, stop: &watch::Receiver<bool>) {
        for job in self.logs {
            let stats = Arc::new(JobStats::default());
            state.metrics().register_job(JobKind::Logs, &job.path.display().to_string(), Arc::clone(&stats));
            eprintln!("bouncekit: following {} (checkpoint {})", job.path.display(), job.checkpoint.display());
            tasks.spawn(job.run(state.clone(), stats, stop.clone()));
        }
        for job in self.mailboxes {
            let stats = Arc::new(JobStats::default());
            state.metrics().register_job(JobKind::Poll, &job.url, Arc::clone(&stats));
            eprintln!("bouncekit: polling {} every {} s (state {})", job.url, job.interval.as_secs(), job.state_path().display());
            tasks.spawn(job.run(state.clone(), stats, stop.clone()));
        }
        if let Some(job) = self.dns {
            let stats = Arc::new(JobStats::default());
            state.metrics().register_job(JobKind::Dns, "incidents", Arc::clone(&stats));
            let servers = if job.config.nameservers.is_empty() {
                "the system's resolver".to_string()
            } else {
                job.config.nameservers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            };
            eprintln!("bouncekit: checking DNS of current incidents every {} s ({servers})", job.every.as_secs());
            tasks.spawn(job.run(state.clone(), stats, stop.clone()));
        }
    }
}

/// The directory of a database file, or `None` for an in-memory or server database.
fn db_dir(target: &str) -> Option<PathBuf> {
    let t = target.trim();
    if t.contains("://") && !t.starts_with("sqlite://") {
        return None;
    }
    let path = t.strip_prefix("sqlite://").or_else(|| t.strip_prefix("sqlite:")).unwrap_or(t);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let abs = std::path::absolute(path).ok()?;
    abs.parent().map(Path::to_path_buf)
}

/// The default file of a job's state in `dir`: `{prefix}-{name}-{hash}.{suffix}`, where
/// `name` is a readable part of what the job reads and `hash` tells apart jobs whose
/// names look alike. The hash is FNV-1a, fixed forever: the file must be found again
/// after an upgrade.
fn default_file(dir: Option<&Path>, prefix: &str, name: &str, key: &str, suffix: &str) -> anyhow::Result<PathBuf> {
    let Some(dir) = dir else {
        anyhow::bail!("no place for the {suffix} file: set it in the entry, or `state_dir` at the top of the config (the database is not a file)");
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || "._@-".contains(c) { c } else { '_' }).take(64).collect();
    Ok(dir.join(format!("{prefix}-{clean}-{:08x}.{suffix}", h as u32)))
}

/// Checks that a state file's directory exists, so that the first save cannot fail for
/// that reason.
fn check_dir(file: &Path, what: &str) -> anyhow::Result<()> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!("the directory of the {what} {} does not exist", file.display());
    }
    Ok(())
}

/// Waits between attempts of a failing job: `first`, then twice as long each time up to
/// `max`; a success starts over.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    next: Duration,
    max: Duration,
}

impl Backoff {
    /// A backoff starting at `first` and bounded by `max`.
    pub fn new(first: Duration, max: Duration) -> Self {
        Self { first, next: first, max: max.max(first) }
    }

    /// The wait after one more failure.
    pub fn fail(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        d
    }

    /// A success: the next failure waits `first` again.
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

/// Sleeps for `d` unless the stop signal comes first; false when it did.
async fn pause(stop: &mut watch::Receiver<bool>, d: Duration) -> bool {
    if *stop.borrow() {
        return false;
    }
    let stopped = tokio::select! {
        _ = stop.wait_for(|v| *v) => true,
        () = tokio::time::sleep(d) => false,
    };
    !stopped && !*stop.borrow()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_bound_and_starts_over_after_a_success() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        let waits: Vec<u64> = (0..5).map(|_| b.fail().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        b.reset();
        assert_eq!(b.fail(), Duration::from_secs(1));
    }

    #[test]
    fn job_state_defaults_to_the_database_directory() {
        assert_eq!(db_dir("/var/lib/bouncekit/bouncekit.db"), Some(PathBuf::from("/var/lib/bouncekit")));
        assert_eq!(db_dir("sqlite:/srv/b.db"), Some(PathBuf::from("/srv")));
        assert_eq!(db_dir("sqlite::memory:"), None);
        assert_eq!(db_dir("postgres://bouncekit@db.example.net/bouncekit"), None);
        let a = default_file(Some(Path::new("/s")), "logs", "mail.log", "/var/log/mail.log", "checkpoint.json").expect("a file");
        let b = default_file(Some(Path::new("/s")), "logs", "mail.log", "/var/log/other/mail.log", "checkpoint.json").expect("a file");
        assert!(a.to_string_lossy().starts_with("/s/logs-mail.log-") && a.to_string_lossy().ends_with(".checkpoint.json"), "{}", a.display());
        assert_ne!(a, b, "logs of the same name in two directories get two files");
        assert_eq!(a, default_file(Some(Path::new("/s")), "logs", "mail.log", "/var/log/mail.log", "checkpoint.json").expect("a file"), "stable");
        assert!(default_file(None, "logs", "mail.log", "/var/log/mail.log", "checkpoint.json").is_err());
    }
}
