//! DNS checks of mail routing for bouncekit's domain incidents.
//!
//! - [`Checker`] — asks a resolver (the system's, or given name servers) what a domain's
//!   mail routing is and answers with a [`Verdict`]: MX hosts that resolve, the implicit
//!   MX (an address, no MX), a null MX (RFC 7505), NXDOMAIN, no usable mail host, or
//!   unknown (timeouts, SERVFAIL);
//! - [`BlockingChecker`] — the same for synchronous callers (the CLI): it owns a
//!   current-thread tokio runtime;
//! - `testing` (feature `test-server`) — a real DNS server (hickory-server) on
//!   `127.0.0.1:0` with test zones, for tests here and in other crates.
//!
//! What a verdict does to an incident is decided by `bouncekit_policy::dns`; this crate
//! only looks things up. It lives apart from the listeners (`crates/ingest`) so that the
//! CLI and the store tests can use it without a server.
//!
//! ```no_run
//! use bouncekit_dns::{BlockingChecker, Nameservers};
//! let dns = BlockingChecker::new(&Nameservers::System).unwrap();
//! println!("{:?}", dns.check("example.com"));
//! ```

#[cfg(feature = "test-server")]
pub mod testing;

use std::net::SocketAddr;
use std::time::Duration;

pub use bouncekit_policy::Verdict;
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::RData;
use hickory_resolver::{Resolver, TokioResolver};

/// At most this many MX hosts are resolved to decide whether any of them has an address.
const MAX_MX_HOSTS: usize = 5;

/// Why a checker could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    /// The system resolver configuration could not be read.
    #[error("cannot read the system resolver configuration: {0}")]
    SystemConfig(String),
    /// The resolver could not be built.
    #[error("cannot build the resolver: {0}")]
    Build(String),
    /// The runtime of the blocking checker could not be started.
    #[error("cannot start the DNS runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// Which name servers to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nameservers {
    /// The system's (`/etc/resolv.conf`).
    System,
    /// These, over UDP with TCP fallback.
    Explicit(Vec<SocketAddr>),
}

/// Looks up mail routing.
#[derive(Clone)]
pub struct Checker {
    resolver: TokioResolver,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker").finish_non_exhaustive()
    }
}

impl Checker {
    /// A checker asking `servers`, with a per-query `timeout` and two attempts. Must be
    /// called inside a tokio runtime.
    pub fn new(servers: &Nameservers, timeout: Duration) -> Result<Self, DnsError> {
        let mut builder = match servers {
            Nameservers::System => TokioResolver::builder_tokio().map_err(|e| DnsError::SystemConfig(e.to_string()))?,
            Nameservers::Explicit(addrs) => {
                let mut config = ResolverConfig::from_name_servers(Vec::new());
                for a in addrs {
                    let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                    for c in &mut ns.connections {
                        c.port = a.port();
                    }
                    config.add_name_server(ns);
                }
                Resolver::builder_with_config(config, TokioRuntimeProvider::default())
            }
        };
        let o = builder.options_mut();
        o.timeout = timeout;
        o.attempts = 2;
        o.use_hosts_file = ResolveHosts::Never;
        o.ndots = 0;
        let resolver = builder.build().map_err(|e| DnsError::Build(e.to_string()))?;
        Ok(Self { resolver })
    }

    /// What DNS says about `domain`'s mail routing (RFC 5321 §5.1, RFC 7505).
    pub async fn check(&self, domain: &str) -> Verdict {
        let fqdn = format!("{}.", domain.trim().trim_end_matches('.'));
        match self.resolver.mx_lookup(fqdn.as_str()).await {
            Ok(lookup) => {
                let mut mx: Vec<(u16, hickory_resolver::proto::rr::Name)> = lookup
                    .answers()
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::MX(m) => Some((m.preference, m.exchange.clone())),
                        _ => None,
                    })
                    .collect();
                if mx.is_empty() {
                    return self.implicit(&fqdn).await;
                }
                if mx.len() == 1 && mx[0].1.is_root() {
                    return Verdict::NullMx;
                }
                mx.retain(|(_, n)| !n.is_root());
                mx.sort_by_key(|(p, _)| *p);
                let hosts: Vec<String> = mx.iter().map(|(_, n)| n.to_string().trim_end_matches('.').to_string()).collect();
                let mut last_error = None;
                for host in hosts.iter().take(MAX_MX_HOSTS) {
                    match self.resolver.lookup_ip(format!("{host}.")).await {
                        Ok(ips) if ips.iter().next().is_some() => return Verdict::Mx { hosts },
                        Ok(_) => {}
                        Err(e) if e.is_no_records_found() => {}
                        Err(e) => last_error = Some(e.to_string()),
                    }
                }
                match last_error {
                    Some(error) => Verdict::Unknown { error },
                    None => Verdict::NoMailHost,
                }
            }
            Err(e) if e.is_nx_domain() => Verdict::NxDomain,
            Err(e) if e.is_no_records_found() => self.implicit(&fqdn).await,
            Err(e) => unknown(&e),
        }
    }

    /// No MX: the domain's own address is the implicit MX.
    async fn implicit(&self, fqdn: &str) -> Verdict {
        match self.resolver.lookup_ip(fqdn).await {
            Ok(ips) if ips.iter().next().is_some() => Verdict::ImplicitMx,
            Ok(_) => Verdict::NoMailHost,
            Err(e) if e.is_nx_domain() => Verdict::NxDomain,
            Err(e) if e.is_no_records_found() => Verdict::NoMailHost,
            Err(e) => unknown(&e),
        }
    }
}

fn unknown(e: &NetError) -> Verdict {
    Verdict::Unknown { error: e.to_string() }
}

/// A [`Checker`] for synchronous code: owns a current-thread runtime and blocks on it.
#[derive(Debug)]
pub struct BlockingChecker {
    runtime: tokio::runtime::Runtime,
    checker: Checker,
}

/// Per-query timeout of the blocking checker.
const BLOCKING_TIMEOUT: Duration = Duration::from_secs(3);

impl BlockingChecker {
    /// A checker asking `servers`.
    pub fn new(servers: &Nameservers) -> Result<Self, DnsError> {
        Self::with_timeout(servers, BLOCKING_TIMEOUT)
    }

    /// A checker asking `servers` with a per-query timeout.
    pub fn with_timeout(servers: &Nameservers, timeout: Duration) -> Result<Self, DnsError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let checker = runtime.block_on(async { Checker::new(servers, timeout) })?;
        Ok(Self { runtime, checker })
    }

    /// What DNS says about `domain`.
    pub fn check(&self, domain: &str) -> Verdict {
        self.runtime.block_on(self.checker.check(domain))
    }
}
