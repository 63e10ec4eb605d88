//! `bouncekit serve`: the HTTP API (and optionally the SMTP/LMTP bounce receiver, the
//! followed logs, the polled mailboxes and the DNS checks of the config's jobs, see
//! [`crate::jobs`]) on one tokio runtime, until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use bouncekit_store::Options;
use bouncekit_web::sink::StoreSink;
use bouncekit_web::{AppState, Db, RawConfig, ServerConfig};
use tokio::sync::watch;

use crate::store_ctx::{Ctx, default_db};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The HTTP listen address [default: the config's `listen`, else 127.0.0.1:8025].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The configuration file (TOML): tokens, webhook secrets, bounce domains, limits,
    /// listener addresses, logs to follow, mailboxes to poll and DNS checks of incidents.
    #[arg(long, value_name = "FILE", env = "BOUNCEKIT_CONFIG")]
    pub config: Option<PathBuf>,
    /// Also receive bounces over SMTP on this address (e.g. 127.0.0.1:2525); needs
    /// `[bounce] domains` in the config.
    #[arg(long, value_name = "ADDR")]
    pub smtp: Option<String>,
    /// Also receive bounces over LMTP on this address.
    #[arg(long, value_name = "ADDR")]
    pub lmtp: Option<String>,
    /// Reader connections for checks and listings [default: the number of cores, 2–8].
    #[arg(long, value_name = "N")]
    pub readers: Option<usize>,
    /// Worker threads of the runtime [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Run cleanup (expiry, pruning) every this many seconds; 0 turns it off.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub cleanup_every: u64,
    /// PEM certificate chain offered with STARTTLS on `--smtp`/`--lmtp` (needs `--tls-key`).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for `--tls-cert`.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Builds the validated configuration: file, then flags.
fn config(args: &ServeArgs) -> anyhow::Result<ServerConfig> {
    let mut raw = match &args.config {
        Some(p) => RawConfig::from_file(p)?,
        None => RawConfig::default(),
    };
    if let Some(l) = &args.listen {
        raw.listen = Some(l.clone());
    }
    if let Some(s) = &args.smtp {
        raw.smtp = Some(s.clone());
    }
    if let Some(l) = &args.lmtp {
        raw.lmtp = Some(l.clone());
    }
    let config = raw.validate()?;
    config.check_exposure()?;
    if (config.smtp.is_some() || config.lmtp.is_some()) && config.bounce_domains.is_empty() {
        bail!("--smtp/--lmtp need the bounce domains: add `[bounce] domains = [\"bounce.example.net\"]` to the config");
    }
    Ok(config)
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let mut config = config(args)?;
    let mut ctx = ctx.clone();
    if ctx.policy.is_none() {
        ctx.policy = config.policy.take();
    }
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(t) = args.threads {
        rt.worker_threads(t.max(1));
    }
    let rt = rt.build().context("cannot start the runtime")?;
    let target = ctx.db.clone().unwrap_or_else(|| default_db().to_string_lossy().into_owned());
    // The jobs are checked before anything starts: a bad entry is a start-up error.
    let jobs = crate::jobs::plan(&config, &target)?;
    let options = Options { policy: ctx.policy()?, ..Options::default() };
    let readers = args.readers.unwrap_or(cores.clamp(2, 8));
    let db = Db::open(&target, options, readers).with_context(|| format!("cannot open the database {}", bouncekit_store::redact(&target)))?;
    let state = AppState::builder(config.clone(), db).build()?;
    // STARTTLS for the listeners, loaded once and shared.
    let mut listener_base = bouncekit_listener::Config::default();
    if let (Some(c), Some(k)) = (&args.tls_cert, &args.tls_key) {
        listener_base.tls = Some(bouncekit_listener::tls::load(c, k).with_context(|| format!("cannot load the STARTTLS certificate {}", c.display()))?);
    }
    let result = rt.block_on(serve(config, state, target, args.cleanup_every, listener_base, jobs));
    // A blocking task that never returns (a stuck store call) must not keep the process
    // alive after the grace period.
    rt.shutdown_timeout(Duration::from_secs(5));
    result
}

/// How long the jobs get after the HTTP server stopped: a mailbox poll ends after the
/// message in hand, a log step after one batch.
const JOBS_GRACE: Duration = Duration::from_secs(20);

/// `listener_base` carries what every SMTP/LMTP listener shares (STARTTLS).
async fn serve(
    config: ServerConfig,
    state: AppState,
    target: String,
    cleanup_every: u64,
    listener_base: bouncekit_listener::Config,
    jobs: crate::jobs::Jobs,
) -> anyhow::Result<ExitCode> {
    init_tracing();
    let listener = tokio::net::TcpListener::bind(config.listen).await.with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    // One signal, many listeners: the watch flips once and every server sees it.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    let sink = Arc::new(StoreSink::new(state.clone()));
    for (proto, a) in [(bouncekit_listener::Protocol::Smtp, config.smtp), (bouncekit_listener::Protocol::Lmtp, config.lmtp)] {
        let Some(a) = a else { continue };
        let lc = bouncekit_listener::Config {
            protocol: proto,
            domains: config.bounce_domains.clone(),
            max_message_size: config.limits.max_message,
            hostname: hostname(),
            ..listener_base.clone()
        };
        let l = bouncekit_listener::Listener::bind(a, lc, Arc::clone(&sink)).await.with_context(|| format!("cannot start the {} listener on {a}", proto.as_str()))?;
        state.metrics().register_listener(proto.as_str(), l.stats());
        eprintln!("bouncekit: {} listener on {}", proto.as_str(), l.local_addr()?);
        tasks.spawn(l.run(stopped(stop_rx.clone())));
    }
    jobs.spawn(&state, &mut tasks, &stop_rx);
    if cleanup_every > 0 {
        tasks.spawn(cleanup_loop(state.clone(), Duration::from_secs(cleanup_every), stopped(stop_rx.clone())));
    }
    let open = if config.is_open() { " (open: no tokens configured, loopback only)" } else { "" };
    eprintln!("bouncekit: serving http://{addr} with database {}{open}", bouncekit_store::redact(&target));
    let header_timeout = config.limits.request_timeout;
    let router = bouncekit_web::app(state);
    let http = tokio::spawn(bouncekit_web::serve_with(listener, router, header_timeout, stopped(stop_rx.clone())));
    bouncekit_web::shutdown_signal().await;
    eprintln!("bouncekit: shutting down: finishing requests and SMTP sessions in flight");
    let _ = stop_tx.send(true);
    // Requests in flight get SHUTDOWN_GRACE; idle keep-alive connections would otherwise
    // hold the server open.
    match tokio::time::timeout(bouncekit_web::SHUTDOWN_GRACE, http).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => return Err(e).context("HTTP server"),
        Ok(Err(e)) => bail!("HTTP server task failed: {e}"),
        Err(_) => eprintln!("bouncekit: requests still running after {:?}; stopping anyway", bouncekit_web::SHUTDOWN_GRACE),
    }
    let drained = tokio::time::timeout(JOBS_GRACE, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        eprintln!("bouncekit: jobs still running after {JOBS_GRACE:?}; stopping anyway");
    }
    eprintln!("bouncekit: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Completes when the watch flips to true.
async fn stopped(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

/// Runs the store's cleanup every `every` until stopped.
async fn cleanup_loop(state: AppState, every: Duration, stop: impl std::future::Future<Output = ()>) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => {
                if let Err(e) = state.db().write(|s| s.cleanup(false)).await {
                    eprintln!("bouncekit: cleanup failed: {e:?}");
                }
            }
        }
    }
}

/// The host name for the SMTP greeting: $HOSTNAME, /etc/hostname, else localhost.
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))
        .unwrap_or_else(|| "localhost".into())
}

/// Logs to stderr; `RUST_LOG` filters (default: info for bouncekit, warn otherwise).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,bouncekit=info,bouncekit_web=info,bouncekit_listener=info,tower_http=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
