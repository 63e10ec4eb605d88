//! `bouncekit domains`: per-domain statistics and incidents; `--check-dns` verifies
//! current incidents through DNS first.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use bouncekit_dns::{BlockingChecker, Nameservers};
use serde_json::json;

use crate::cli::DomainsArgs;
use crate::listing::Listing;
use crate::store_ctx::{Ctx, fmt_time, time_ago};

/// Runs the command.
pub fn run(ctx: &Ctx, a: &DomainsArgs) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open()?;
    if a.check_dns {
        let servers = if a.nameserver.is_empty() {
            Nameservers::System
        } else {
            Nameservers::Explicit(
                a.nameserver
                    .iter()
                    .map(|s| s.parse::<SocketAddr>().or_else(|_| s.parse::<std::net::IpAddr>().map(|ip| SocketAddr::new(ip, 53))))
                    .collect::<Result<_, _>>()
                    .with_context(|| "--nameserver: expected IP or IP:PORT".to_string())?,
            )
        };
        let dns = BlockingChecker::new(&servers)?;
        for i in store.incidents(false)? {
            let verdict = dns.check(&i.domain);
            let change = store.record_dns(&i.domain, &verdict)?;
            eprintln!(
                "{}: DNS says {}{}",
                i.domain,
                verdict.name(),
                change.map(|s| format!(" → incident {}", s.as_str())).unwrap_or_default()
            );
        }
    }
    if a.incidents {
        let mut l = Listing::new(&["domain", "state", "opened", "last_failure", "recipients", "failures", "released", "dns", "dns_checked", "closed", "cause"]);
        for i in store.incidents(true)? {
            l.push(
                vec![
                    i.domain.clone(),
                    i.state.as_str().into(),
                    fmt_time(Some(i.opened_at)),
                    fmt_time(Some(i.last_failure_at)),
                    i.recipients.to_string(),
                    i.failures.to_string(),
                    i.released.to_string(),
                    i.dns_verdict.clone().unwrap_or_default(),
                    fmt_time(i.dns_checked_at),
                    fmt_time(i.closed_at),
                    i.close_cause.clone().unwrap_or_default(),
                ],
                serde_json::to_value(&i).unwrap_or_default(),
            );
        }
        l.print(a.format)?;
        return Ok(ExitCode::SUCCESS);
    }
    let since = time_ago(&a.since)?;
    let mut l = Listing::new(&["domain", "events", "hard", "soft", "block", "complaint", "delivered", "other", "bounce_rate", "incident"]);
    for d in store.domains(since, a.limit)? {
        let bounces = d.hard + d.soft + d.block;
        let rate = if d.total > 0 { bounces as f64 / d.total as f64 } else { 0.0 };
        let incident = d.incident.map(|s| s.as_str().to_string()).unwrap_or_default();
        l.push(
            vec![
                d.domain.clone(),
                d.total.to_string(),
                d.hard.to_string(),
                d.soft.to_string(),
                d.block.to_string(),
                d.complaint.to_string(),
                d.delivered.to_string(),
                d.other.to_string(),
                format!("{:.1}%", rate * 100.0),
                incident,
            ],
            json!({ "domain": d.domain, "events": d.total, "hard": d.hard, "soft": d.soft, "block": d.block, "complaint": d.complaint, "delivered": d.delivered, "other": d.other, "bounce_rate": rate, "incident": d.incident }),
        );
    }
    l.print(a.format)?;
    Ok(ExitCode::SUCCESS)
}
