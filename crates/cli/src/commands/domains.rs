//! `bouncekit domains`: per-domain statistics and incidents; `--check-dns` verifies
//! current incidents through DNS first.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use bouncekit_web::{Db, DnsConfig};
use serde_json::json;

use crate::cli::DomainsArgs;
use crate::listing::Listing;
use crate::store_ctx::{Ctx, fmt_time, time_ago};

/// Runs the command.
pub fn run(ctx: &Ctx, a: &DomainsArgs) -> anyhow::Result<ExitCode> {
    if a.check_dns {
        check_dns(ctx, a)?;
    }
    let mut store = ctx.open()?;
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

/// How long `--check-dns` waits for DNS in all; incidents not answered by then are left
/// as they are.
const CHECK_DEADLINE: Duration = Duration::from_secs(600);

/// `--check-dns`: asks DNS about every current incident and records the verdicts, as the
/// server's DNS job and the dashboard do (one implementation,
/// `bouncekit_web::dns::check_incidents`).
fn check_dns(ctx: &Ctx, a: &DomainsArgs) -> anyhow::Result<()> {
    let nameservers = a
        .nameserver
        .iter()
        .map(|s| s.parse::<SocketAddr>().or_else(|_| s.parse::<std::net::IpAddr>().map(|ip| SocketAddr::new(ip, 53))))
        .collect::<Result<_, _>>()
        .with_context(|| "--nameserver: expected IP or IP:PORT".to_string())?;
    let config = DnsConfig { nameservers, ..DnsConfig::default() };
    let db = Db::from_store(ctx.open()?);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the runtime")?;
    let done = rt.block_on(async {
        let checker = bouncekit_web::dns::checker(&config)?;
        bouncekit_web::dns::check_incidents(&db, &checker, None, usize::MAX, CHECK_DEADLINE).await.map_err(|e| anyhow::anyhow!("{e}"))
    })?;
    for c in &done.checks {
        eprintln!("{}: DNS says {}{}", c.domain, c.verdict.name(), c.change.map(|s| format!(" → incident {}", s.as_str())).unwrap_or_default());
    }
    for d in &done.unchecked {
        eprintln!("{d}: DNS did not answer within {} s; not recorded", CHECK_DEADLINE.as_secs());
    }
    Ok(())
}
