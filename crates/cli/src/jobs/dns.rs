//! The DNS job (`[dns] check_every`): every interval, each current domain incident
//! (open, that is held, or dead) is looked up in DNS and the verdict recorded, through
//! [`bouncekit_web::dns::check_incidents`] — the code behind the dashboard's "Check DNS
//! now" and `bouncekit domains --check-dns`. Null MX, NXDOMAIN or no mail host make an
//! open incident dead (the domain is suppressed as a whole); a working MX closes a dead
//! one. State changes are logged; verdicts count in `bouncekit_dns_checks_total`.
//!
//! Several nodes sharing one PostgreSQL database may all run it: recording a verdict is
//! idempotent and locks the domain, so the state is what one node would have left.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bouncekit_dns::{Checker, Verdict};
use bouncekit_web::{AppState, DnsConfig, JobStats};
use tokio::sync::watch;

use super::{Backoff, pause};

/// How long one round may wait for DNS: incidents not answered by then are left as they
/// are and checked again next round.
const ROUND_DEADLINE: Duration = Duration::from_secs(300);

/// The DNS job of a configuration.
#[derive(Debug, Clone)]
pub struct DnsJob {
    /// Time from the end of one round to the start of the next; the first round starts
    /// one interval after the server.
    pub every: Duration,
    /// The name servers.
    pub config: DnsConfig,
}

impl DnsJob {
    /// The job of `[dns]`, or `None` when `check_every` is 0.
    pub fn plan(config: &DnsConfig) -> Option<Self> {
        (!config.check_every.is_zero()).then(|| DnsJob { every: config.check_every, config: config.clone() })
    }

    /// Runs rounds until `stop` flips to true. A failed round (no resolver, a store
    /// error) is counted and retried after a backoff no longer than the interval.
    pub async fn run(self, state: AppState, stats: Arc<JobStats>, mut stop: watch::Receiver<bool>) {
        let mut backoff = Backoff::new(self.every.min(Duration::from_secs(5)), self.every);
        let mut checker: Option<Checker> = None;
        let mut wait = self.every;
        loop {
            if !pause(&mut stop, wait).await {
                return;
            }
            let round = async {
                let c = match &checker {
                    Some(c) => c.clone(),
                    None => {
                        let c = bouncekit_web::dns::checker(&self.config).map_err(|e| e.to_string())?;
                        checker = Some(c.clone());
                        c
                    }
                };
                bouncekit_web::dns::check_incidents(state.db(), &c, None, usize::MAX, ROUND_DEADLINE).await.map_err(|e| e.to_string())
            };
            let outcome = tokio::select! {
                _ = stop.wait_for(|v| *v) => return,
                o = round => o,
            };
            wait = match outcome {
                Ok(done) => {
                    for c in &done.checks {
                        stats.records.fetch_add(1, Ordering::Relaxed);
                        state.metrics().dns_check(c.verdict.name());
                        let detail = match &c.verdict {
                            Verdict::Mx { hosts } => format!(" ({})", hosts.join(" ")),
                            Verdict::Unknown { error } => format!(" ({error})"),
                            _ => String::new(),
                        };
                        match c.change {
                            Some(next) => tracing::info!(job = "dns", domain = %c.domain, "DNS says {}{detail}: incident {} → {}", c.verdict.name(), c.state.as_str(), next.as_str()),
                            None => tracing::debug!(job = "dns", domain = %c.domain, "DNS says {}{detail}: incident stays {}", c.verdict.name(), c.state.as_str()),
                        }
                    }
                    if !done.unchecked.is_empty() {
                        tracing::warn!(job = "dns", "{} incidents not answered within {} s; checked again next round", done.unchecked.len(), ROUND_DEADLINE.as_secs());
                    }
                    backoff.reset();
                    self.every
                }
                Err(e) => {
                    stats.errors.fetch_add(1, Ordering::Relaxed);
                    let wait = backoff.fail();
                    tracing::warn!(job = "dns", retry_in = ?wait, "the DNS check of incidents failed: {e}");
                    wait
                }
            };
        }
    }
}
