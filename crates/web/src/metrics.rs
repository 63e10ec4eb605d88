//! Prometheus metrics: a small hand-written registry that writes the text exposition
//! format (version 0.0.4). A few families, so no metrics library is needed:
//!
//! - `bouncekit_events_total{source,kind}` — records stored as new events, by where they
//!   came from (`api`, `webhook`, `smtp`, `lmtp`) and their kind;
//! - `bouncekit_check_duration_seconds` — histogram of suppression checks (single and
//!   bulk requests, store time only);
//! - `bouncekit_webhook_verification_failures_total{provider}` — webhook requests refused
//!   as unauthenticated or forged (401/403);
//! - `bouncekit_smtp_sessions_total{protocol}`, `bouncekit_smtp_sessions_active{protocol}`
//!   and `bouncekit_smtp_messages_total{protocol}`, read from the listeners' counters;
//! - the server jobs' counters, read from their [`JobStats`]:
//!   `bouncekit_log_lines_total{log}` (lines read from a followed log),
//!   `bouncekit_mailbox_messages_total{mailbox}` (messages fetched and acknowledged),
//!   `bouncekit_job_records_total{job,name}` (records handed to the store) and
//!   `bouncekit_job_errors_total{job,name}` (failures, each followed by a retry), where
//!   `job` is `logs` or `poll`. New events of the jobs count in `bouncekit_events_total`
//!   under the same sources. The DNS job (`job="dns"`, `name="incidents"`) counts the
//!   verdicts it recorded as records and its failed rounds as errors;
//! - `bouncekit_dns_checks_total{verdict}` — DNS checks of incidents recorded by the DNS
//!   job, by verdict (`mx`, `implicit_mx`, `null_mx`, `nxdomain`, `no_mail_host`,
//!   `unknown`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Upper bounds of the check-latency buckets, seconds: 50 µs to 1 s, dense below the
/// 10 ms target.
const CHECK_BUCKETS: [f64; 14] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A histogram with fixed buckets and lock-free observation.
#[derive(Debug, Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last one is `+Inf`.
    buckets: [AtomicU64; CHECK_BUCKETS.len() + 1],
    /// Sum of observations in nanoseconds.
    sum_ns: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        let i = CHECK_BUCKETS.iter().position(|b| s <= *b).unwrap_or(CHECK_BUCKETS.len());
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.sum_ns.fetch_add(d.as_nanos().min(u128::from(u64::MAX)) as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// The counters of one server job (a followed log or a polled mailbox): the job adds,
/// `/metrics` reads. Lock-free.
#[derive(Debug, Default)]
pub struct JobStats {
    /// Log lines read, or mailbox messages fetched and acknowledged.
    pub read: AtomicU64,
    /// Records handed to the store (new events and duplicates).
    pub records: AtomicU64,
    /// Failures (IO, connection, store); each is logged and retried after a backoff.
    pub errors: AtomicU64,
}

/// What a server job reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A followed MTA log (`[[logs]]`); its metrics source is `logs`.
    Logs,
    /// A polled mailbox (`[[mailboxes]]`); its metrics source is `poll`.
    Poll,
    /// The DNS checks of current incidents (`[dns] check_every`); it stores no events.
    Dns,
}

impl JobKind {
    /// The `job` label and the `source` of its events: `logs` or `poll`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Logs => "logs",
            JobKind::Poll => "poll",
            JobKind::Dns => "dns",
        }
    }
}

/// The server's metrics. Shared by reference; every method takes `&self`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (source, kind) → events. A mutex is fine: it is touched once per stored event,
    /// next to a database commit.
    events: Mutex<BTreeMap<(String, String), u64>>,
    check: Histogram,
    /// provider → verification failures.
    webhook_failures: Mutex<BTreeMap<String, u64>>,
    /// The counters of the running SMTP/LMTP listeners, by protocol; read at render.
    listeners: Mutex<Vec<(String, Arc<bouncekit_listener::Stats>)>>,
    /// The counters of the running jobs: kind, name (log path or mailbox URL); read at
    /// render.
    jobs: Mutex<Vec<(JobKind, String, Arc<JobStats>)>>,
    /// verdict → DNS checks recorded by the DNS job.
    dns_checks: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    /// Counts `n` new events of `kind` from `source`.
    pub fn events(&self, source: &str, kind: &str, n: u64) {
        if n == 0 {
            return;
        }
        let mut m = self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *m.entry((source.to_string(), kind.to_string())).or_default() += n;
    }

    /// Records the duration of one check request.
    pub fn check_latency(&self, d: Duration) {
        self.check.observe(d);
    }

    /// Counts a webhook request refused as unauthenticated or forged.
    pub fn webhook_failure(&self, provider: &str) {
        let mut m = self.webhook_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *m.entry(provider.to_string()).or_default() += 1;
    }

    /// Counts one DNS check of an incident recorded with `verdict` (its name).
    pub fn dns_check(&self, verdict: &'static str) {
        *self.dns_checks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(verdict).or_default() += 1;
    }

    /// Reports the sessions of a listener (`protocol` is `smtp` or `lmtp`).
    pub fn register_listener(&self, protocol: &str, stats: Arc<bouncekit_listener::Stats>) {
        self.listeners.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((protocol.to_string(), stats));
    }

    /// Reports the counters of a job; `name` is its log path or mailbox URL (never a
    /// secret: mailbox URLs carry none).
    pub fn register_job(&self, kind: JobKind, name: &str, stats: Arc<JobStats>) {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((kind, name.to_string(), stats));
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        out.push_str("# HELP bouncekit_events_total Records stored as new events, by source and kind.\n");
        out.push_str("# TYPE bouncekit_events_total counter\n");
        for ((source, kind), n) in self.events.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            let _ = writeln!(out, "bouncekit_events_total{{source=\"{}\",kind=\"{}\"}} {n}", esc(source), esc(kind));
        }
        out.push_str("# HELP bouncekit_check_duration_seconds Time to answer a suppression check request.\n");
        out.push_str("# TYPE bouncekit_check_duration_seconds histogram\n");
        let mut cumulative = 0u64;
        for (i, b) in CHECK_BUCKETS.iter().enumerate() {
            cumulative += self.check.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "bouncekit_check_duration_seconds_bucket{{le=\"{b}\"}} {cumulative}");
        }
        cumulative += self.check.buckets[CHECK_BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "bouncekit_check_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(out, "bouncekit_check_duration_seconds_sum {}", self.check.sum_ns.load(Ordering::Relaxed) as f64 / 1e9);
        let _ = writeln!(out, "bouncekit_check_duration_seconds_count {}", self.check.count.load(Ordering::Relaxed));
        out.push_str("# HELP bouncekit_webhook_verification_failures_total Webhook requests refused as unauthenticated, forged, tampered or replayed.\n");
        out.push_str("# TYPE bouncekit_webhook_verification_failures_total counter\n");
        for (p, n) in self.webhook_failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            let _ = writeln!(out, "bouncekit_webhook_verification_failures_total{{provider=\"{}\"}} {n}", esc(p));
        }
        let listeners = self.listeners.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        out.push_str("# HELP bouncekit_smtp_sessions_total SMTP and LMTP sessions accepted.\n");
        out.push_str("# TYPE bouncekit_smtp_sessions_total counter\n");
        for (p, s) in listeners.iter() {
            let _ = writeln!(out, "bouncekit_smtp_sessions_total{{protocol=\"{}\"}} {}", esc(p), s.snapshot().sessions);
        }
        out.push_str("# HELP bouncekit_smtp_sessions_active SMTP and LMTP sessions open now.\n");
        out.push_str("# TYPE bouncekit_smtp_sessions_active gauge\n");
        for (p, s) in listeners.iter() {
            let _ = writeln!(out, "bouncekit_smtp_sessions_active{{protocol=\"{}\"}} {}", esc(p), s.snapshot().active);
        }
        out.push_str("# HELP bouncekit_smtp_messages_total Messages the SMTP/LMTP listeners stored and acknowledged.\n");
        out.push_str("# TYPE bouncekit_smtp_messages_total counter\n");
        for (p, s) in listeners.iter() {
            let _ = writeln!(out, "bouncekit_smtp_messages_total{{protocol=\"{}\"}} {}", esc(p), s.snapshot().messages);
        }
        drop(listeners);
        let jobs = self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP bouncekit_log_lines_total Lines read from the logs the server follows.\n");
        out.push_str("# TYPE bouncekit_log_lines_total counter\n");
        for (_, name, s) in jobs.iter().filter(|(k, _, _)| *k == JobKind::Logs) {
            let _ = writeln!(out, "bouncekit_log_lines_total{{log=\"{}\"}} {}", esc(name), get(&s.read));
        }
        out.push_str("# HELP bouncekit_mailbox_messages_total Messages fetched from the polled mailboxes and acknowledged.\n");
        out.push_str("# TYPE bouncekit_mailbox_messages_total counter\n");
        for (_, name, s) in jobs.iter().filter(|(k, _, _)| *k == JobKind::Poll) {
            let _ = writeln!(out, "bouncekit_mailbox_messages_total{{mailbox=\"{}\"}} {}", esc(name), get(&s.read));
        }
        out.push_str("# HELP bouncekit_job_records_total Records the server's log and mailbox jobs handed to the store (DNS verdicts for the dns job).\n");
        out.push_str("# TYPE bouncekit_job_records_total counter\n");
        for (k, name, s) in jobs.iter() {
            let _ = writeln!(out, "bouncekit_job_records_total{{job=\"{}\",name=\"{}\"}} {}", k.as_str(), esc(name), get(&s.records));
        }
        out.push_str("# HELP bouncekit_job_errors_total Failures of the server's jobs, each retried after a backoff.\n");
        out.push_str("# TYPE bouncekit_job_errors_total counter\n");
        for (k, name, s) in jobs.iter() {
            let _ = writeln!(out, "bouncekit_job_errors_total{{job=\"{}\",name=\"{}\"}} {}", k.as_str(), esc(name), get(&s.errors));
        }
        drop(jobs);
        out.push_str("# HELP bouncekit_dns_checks_total DNS checks of domain incidents recorded by the server's DNS job, by verdict.\n");
        out.push_str("# TYPE bouncekit_dns_checks_total counter\n");
        for (verdict, n) in self.dns_checks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter() {
            let _ = writeln!(out, "bouncekit_dns_checks_total{{verdict=\"{verdict}\"}} {n}");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_counters_are_rendered_per_job() {
        let m = Metrics::default();
        let log = Arc::new(JobStats::default());
        let mailbox = Arc::new(JobStats::default());
        m.register_job(JobKind::Logs, "/var/log/mail.log", Arc::clone(&log));
        m.register_job(JobKind::Poll, "imaps://b@mail.example.net/INBOX", Arc::clone(&mailbox));
        log.read.fetch_add(120, Ordering::Relaxed);
        log.records.fetch_add(7, Ordering::Relaxed);
        mailbox.read.fetch_add(3, Ordering::Relaxed);
        mailbox.errors.fetch_add(1, Ordering::Relaxed);
        let dns = Arc::new(JobStats::default());
        m.register_job(JobKind::Dns, "incidents", Arc::clone(&dns));
        dns.records.fetch_add(2, Ordering::Relaxed);
        m.dns_check("null_mx");
        m.dns_check("null_mx");
        m.dns_check("mx");
        let text = m.render();
        for line in [
            "bouncekit_log_lines_total{log=\"/var/log/mail.log\"} 120",
            "bouncekit_mailbox_messages_total{mailbox=\"imaps://b@mail.example.net/INBOX\"} 3",
            "bouncekit_job_records_total{job=\"logs\",name=\"/var/log/mail.log\"} 7",
            "bouncekit_job_errors_total{job=\"poll\",name=\"imaps://b@mail.example.net/INBOX\"} 1",
            "bouncekit_job_errors_total{job=\"logs\",name=\"/var/log/mail.log\"} 0",
            "bouncekit_job_records_total{job=\"dns\",name=\"incidents\"} 2",
            "bouncekit_dns_checks_total{verdict=\"null_mx\"} 2",
            "bouncekit_dns_checks_total{verdict=\"mx\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
    }
}
