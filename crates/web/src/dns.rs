//! DNS checks of current domain incidents — the one implementation behind the
//! dashboard's "Check DNS now", the server's DNS job (`[dns] check_every`) and
//! `bouncekit domains --check-dns`.
//!
//! [`check_incidents`] lists the current incidents (open, that is held, and dead), asks
//! DNS about their domains a few at a time, and records each verdict with
//! `Store::record_dns`: null MX, NXDOMAIN or no mail host make an open incident dead, a
//! working MX closes a dead one, an unknown answer (timeout, SERVFAIL) changes nothing.
//! The lookups run without holding a store connection; only the recording takes the
//! writer. Recording a verdict is idempotent and locks its domain, so several callers —
//! or several nodes on one PostgreSQL database — may check the same incidents.

use std::time::Duration;

use bouncekit_dns::{Checker, DnsError, Verdict};
use bouncekit_policy::IncidentState;
use futures_util::StreamExt;

use crate::config::DnsConfig;
use crate::{ApiError, Db};

/// Domains looked up at once: enough to get through a few hundred incidents in seconds,
/// few enough not to flood a resolver.
pub const CONCURRENCY: usize = 8;

/// How long one DNS query may take (the resolver tries twice).
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(3);

/// How long one domain's check may take in all (its MX, then the addresses of up to
/// five hosts); past it the verdict is unknown.
pub const DOMAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// A checker asking the configured name servers. Call it inside a tokio runtime.
pub fn checker(config: &DnsConfig) -> Result<Checker, DnsError> {
    Checker::new(&config.servers(), QUERY_TIMEOUT)
}

/// One domain's lookup, bounded by [`DOMAIN_TIMEOUT`]; `n` is its place in the list.
async fn lookup((n, domain, checker): (usize, String, Checker)) -> (usize, Verdict) {
    let verdict = tokio::time::timeout(DOMAIN_TIMEOUT, checker.check(&domain))
        .await
        .unwrap_or_else(|_| Verdict::Unknown { error: format!("no answer within {} s", DOMAIN_TIMEOUT.as_secs()) });
    (n, verdict)
}

/// One incident checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsCheck {
    /// The incident's domain.
    pub domain: String,
    /// Its state when it was listed.
    pub state: IncidentState,
    /// What DNS said.
    pub verdict: Verdict,
    /// The new state, when the verdict changed it.
    pub change: Option<IncidentState>,
}

/// What [`check_incidents`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// The incidents checked and recorded, in the order of the incident list.
    pub checks: Vec<DnsCheck>,
    /// Current incidents left unchecked (more than `max`, or not answered within the
    /// deadline): nothing was recorded for them.
    pub unchecked: Vec<String>,
}

/// Checks the current incidents — all, or only `only`'s — at most `max` of them, and
/// records the verdicts. Lookups not finished within `deadline` are dropped and their
/// incidents listed in [`Checked::unchecked`]; every other verdict is recorded. A store
/// error may leave some verdicts recorded and others not: checking again is harmless.
pub async fn check_incidents(db: &Db, checker: &Checker, only: Option<&str>, max: usize, deadline: Duration) -> Result<Checked, ApiError> {
    let only = only.map(str::to_string);
    let incidents: Vec<(String, IncidentState)> =
        db.read(move |s| Ok(s.incidents(false)?.into_iter().filter(|i| only.as_ref().is_none_or(|o| *o == i.domain)).map(|i| (i.domain, i.state)).collect())).await?;
    let mut unchecked: Vec<String> = incidents.iter().skip(max).map(|(d, _)| d.clone()).collect();
    let wanted = incidents.len().min(max);
    // Answers arrive in any order; each carries its place in the list.
    let mut answers: Vec<(usize, Verdict)> = Vec::with_capacity(wanted);
    let todo: Vec<(usize, String, Checker)> = incidents.iter().take(max).enumerate().map(|(n, (d, _))| (n, d.clone(), checker.clone())).collect();
    let mut lookups = futures_util::stream::iter(todo).map(lookup).buffer_unordered(CONCURRENCY);
    let collect = async {
        while let Some(a) = lookups.next().await {
            answers.push(a);
        }
    };
    // Past the deadline the lookups still running are dropped; what arrived is kept.
    let _ = tokio::time::timeout(deadline, collect).await;
    answers.sort_by_key(|(n, _)| *n);
    let mut answered = vec![false; wanted];
    for (n, _) in &answers {
        answered[*n] = true;
    }
    unchecked.splice(0..0, incidents.iter().take(max).enumerate().filter(|(n, _)| !answered[*n]).map(|(_, (d, _))| d.clone()));
    let checks: Vec<DnsCheck> = answers
        .into_iter()
        .map(|(n, verdict)| {
            let (domain, state) = incidents[n].clone();
            DnsCheck { domain, state, verdict, change: None }
        })
        .collect();
    if checks.is_empty() {
        return Ok(Checked { checks, unchecked });
    }
    let checks = db
        .write(move |s| {
            let mut checks = checks;
            for c in &mut checks {
                c.change = s.record_dns(&c.domain, &c.verdict)?;
            }
            Ok(checks)
        })
        .await?;
    Ok(Checked { checks, unchecked })
}
