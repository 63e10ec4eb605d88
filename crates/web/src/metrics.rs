//! Prometheus metrics: a small hand-written registry that writes the text exposition
//! format (version 0.0.4). Four families, so no metrics library is needed:
//!
//! - `bouncekit_events_total{source,kind}` — records stored as new events, by where they
//!   came from (`api`, `webhook`, `smtp`, `lmtp`) and their kind;
//! - `bouncekit_check_duration_seconds` — histogram of suppression checks (single and
//!   bulk requests, store time only);
//! - `bouncekit_webhook_verification_failures_total{provider}` — webhook requests refused
//!   as unauthenticated or forged (401/403);
//! - `bouncekit_smtp_sessions_total{protocol}`, `bouncekit_smtp_sessions_active{protocol}`
//!   and `bouncekit_smtp_messages_total{protocol}`, read from the listeners' counters.

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

    /// Reports the sessions of a listener (`protocol` is `smtp` or `lmtp`).
    pub fn register_listener(&self, protocol: &str, stats: Arc<bouncekit_listener::Stats>) {
        self.listeners.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((protocol.to_string(), stats));
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
        out
    }
}
