//! The accept loop: connection limit, one task per session, graceful shutdown.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::config::{Config, ConfigError};
use crate::reply;
use crate::session::{Session, Upgrade};
use crate::sink::Sink;

/// After a failed `accept` (out of file descriptors, say), wait this long before the
/// next: retrying at once would spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Why a listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration was refused.
    #[error("invalid listener configuration: {0}")]
    Config(#[from] ConfigError),
    /// The address could not be bound.
    #[error("cannot listen: {0}")]
    Bind(#[source] io::Error),
}

/// Counters for metrics, shared by all sessions of a listener. Read them with
/// [`Stats::snapshot`].
#[derive(Debug, Default)]
pub struct Stats {
    sessions: AtomicU64,
    active: AtomicU64,
    refused: AtomicU64,
    messages: AtomicU64,
    recipients_rejected: AtomicU64,
    oversize: AtomicU64,
    sink_failures: AtomicU64,
    timeouts: AtomicU64,
    tls_sessions: AtomicU64,
    tls_failures: AtomicU64,
}

/// The counters of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Sessions started.
    pub sessions: u64,
    /// Sessions running now.
    pub active: u64,
    /// Connections refused because every session slot was taken.
    pub refused: u64,
    /// Messages the sink took (answered 250).
    pub messages: u64,
    /// `RCPT TO` addresses refused with 550 (not ours).
    pub recipients_rejected: u64,
    /// Messages refused with 552 (too large).
    pub oversize: u64,
    /// Messages the sink failed on (answered 451 or 554).
    pub sink_failures: u64,
    /// Sessions closed for idleness or a too slow message transfer (421 4.4.2).
    pub timeouts: u64,
    /// Sessions upgraded with STARTTLS.
    pub tls_sessions: u64,
    /// STARTTLS handshakes that failed.
    pub tls_failures: u64,
}

impl Stats {
    /// Reads every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            sessions: get(&self.sessions),
            active: get(&self.active),
            refused: get(&self.refused),
            messages: get(&self.messages),
            recipients_rejected: get(&self.recipients_rejected),
            oversize: get(&self.oversize),
            sink_failures: get(&self.sink_failures),
            timeouts: get(&self.timeouts),
            tls_sessions: get(&self.tls_sessions),
            tls_failures: get(&self.tls_failures),
        }
    }

    pub(crate) fn message(&self) {
        self.messages.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn recipient_rejected(&self) {
        self.recipients_rejected.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn oversize(&self) {
        self.oversize.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn sink_failure(&self) {
        self.sink_failures.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn timeout(&self) {
        self.timeouts.fetch_add(1, Ordering::Relaxed);
    }
}

/// Everything the sessions of one listener share.
pub(crate) struct Shared<S> {
    /// The validated configuration.
    pub config: Config,
    /// Where messages go.
    pub sink: Arc<S>,
    /// The counters.
    pub stats: Arc<Stats>,
    /// Performs STARTTLS handshakes; `None` when TLS is not configured.
    pub tls: Option<TlsAcceptor>,
}

/// An SMTP or LMTP bounce receiver bound to a socket. [`Listener::run`] serves it until
/// shutdown.
///
/// ```no_run
/// # async fn example() -> Result<(), bouncekit_listener::Error> {
/// use std::sync::Arc;
/// use bouncekit_listener::{Config, Listener, ParseSink};
/// let config = Config { domains: vec!["bounce.example.net".into()], ..Config::default() };
/// let sink = Arc::new(ParseSink::new());
/// let listener = Listener::bind("127.0.0.1:2525", config, sink).await?;
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// // …hand `stop` to whatever ends the server (a signal handler), then:
/// listener.run(async { stopped.await.ok(); }).await;
/// # Ok(()) }
/// ```
pub struct Listener<S> {
    /// The bound socket; dropped when shutdown begins, so new connections are refused.
    tcp: TcpListener,
    /// Configuration, sink and counters, shared with every session task.
    shared: Arc<Shared<S>>,
}

impl<S: Sink> Listener<S> {
    /// Validates `config` and binds `addr` (`127.0.0.1:0` picks a free port).
    pub async fn bind(addr: impl ToSocketAddrs, config: Config, sink: Arc<S>) -> Result<Self, Error> {
        let config = config.validate()?;
        let tcp = TcpListener::bind(addr).await.map_err(Error::Bind)?;
        Ok(Self::with_listener(tcp, config, sink))
    }

    /// Validates `config` and serves an already bound socket (socket activation, tests).
    /// Must be called inside a tokio runtime.
    pub fn from_std(listener: std::net::TcpListener, config: Config, sink: Arc<S>) -> Result<Self, Error> {
        let config = config.validate()?;
        listener.set_nonblocking(true).map_err(Error::Bind)?;
        let tcp = TcpListener::from_std(listener).map_err(Error::Bind)?;
        Ok(Self::with_listener(tcp, config, sink))
    }

    fn with_listener(tcp: TcpListener, config: Config, sink: Arc<S>) -> Self {
        let tls = config.tls.clone().map(TlsAcceptor::from);
        let shared = Arc::new(Shared { config, sink, stats: Arc::new(Stats::default()), tls });
        Self { tcp, shared }
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// The counters of this listener, for metrics.
    pub fn stats(&self) -> Arc<Stats> {
        Arc::clone(&self.shared.stats)
    }

    /// Serves connections until `shutdown` completes, then shuts down gracefully: stops
    /// accepting, tells idle sessions 421 4.3.2 and closes them, lets sessions that are
    /// receiving or delivering a message finish it (and answer it), and after
    /// [`Config::shutdown_grace`] cuts off whatever is still running. Returns when every
    /// session has ended.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Listener { tcp, shared } = self;
        // One permit per session; a connection that finds none gets 421 at once.
        let slots = Arc::new(Semaphore::new(shared.config.max_connections));
        // Flips to true when shutdown begins; every session watches it between commands.
        let (stop_tx, stop_rx) = watch::channel(false);
        // The running sessions, so shutdown can wait for them and abort stragglers.
        let mut sessions = JoinSet::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                accepted = tcp.accept() => match accepted {
                    Ok((socket, peer)) => match Arc::clone(&slots).try_acquire_owned() {
                        Ok(permit) => {
                            shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
                            let _ = socket.set_nodelay(true);
                            sessions.spawn(connection(socket, peer, Arc::clone(&shared), stop_rx.clone(), Some(permit)));
                        }
                        Err(_) => {
                            shared.stats.refused.fetch_add(1, Ordering::Relaxed);
                            // A fresh socket's send buffer is empty: this cannot block.
                            let _ = socket.try_write(reply::BUSY_LINE);
                        }
                    },
                    Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
                },
                Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
            }
        }
        drop(tcp);
        let _ = stop_tx.send(true);
        let drained = async { while sessions.join_next().await.is_some() {} };
        if tokio::time::timeout(shared.config.shutdown_grace, drained).await.is_err() {
            sessions.shutdown().await;
        }
    }
}

/// Decrements the active-session gauge when a session ends, aborted or not.
struct ActiveGuard(Arc<Stats>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves one session over an already connected stream — a socket accepted elsewhere
/// (inetd-style activation), or an in-memory pipe in tests and fuzzing — until the client
/// quits, closes, times out or errs too often; STARTTLS is performed when `config.tls` is
/// set. `config` is validated first. The connection limit and graceful shutdown of
/// [`Listener::run`] do not apply. Returns the session's counters.
///
/// ```
/// use std::sync::Arc;
/// use bouncekit_listener::{serve_stream, Config, ParseSink};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let (mut client, server) = tokio::io::duplex(64 * 1024);
/// let config = Config { domains: vec!["bounce.example.net".into()], ..Config::default() };
/// let peer = "192.0.2.1:25".parse().unwrap();
/// let session = tokio::spawn(serve_stream(server, peer, config, Arc::new(ParseSink::new())));
/// client.write_all(b"EHLO mx.example.org\r\nQUIT\r\n").await.unwrap();
/// let mut replies = String::new();
/// client.read_to_string(&mut replies).await.unwrap();
/// assert!(replies.starts_with("220 ") && replies.contains("221 "), "{replies}");
/// assert_eq!(session.await.unwrap().unwrap().sessions, 1);
/// # });
/// ```
pub async fn serve_stream<S, IO>(io: IO, peer: SocketAddr, config: Config, sink: Arc<S>) -> Result<StatsSnapshot, Error>
where
    S: Sink,
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let config = config.validate()?;
    let tls = config.tls.clone().map(TlsAcceptor::from);
    let shared = Arc::new(Shared { config, sink, stats: Arc::new(Stats::default()), tls });
    // Never flipped, but kept alive: a dropped sender reads as shutdown.
    let (_stop_tx, stop_rx) = watch::channel(false);
    shared.stats.sessions.fetch_add(1, Ordering::Relaxed);
    connection(io, peer, Arc::clone(&shared), stop_rx, None).await;
    Ok(shared.stats.snapshot())
}

/// One connection: a plain session, and after STARTTLS a second one over TLS.
async fn connection<S: Sink, IO: AsyncRead + AsyncWrite + Unpin>(
    socket: IO,
    peer: SocketAddr,
    shared: Arc<Shared<S>>,
    stop: watch::Receiver<bool>,
    // Held for the life of the connection: frees the session slot when dropped.
    _permit: Option<OwnedSemaphorePermit>,
) {
    shared.stats.active.fetch_add(1, Ordering::Relaxed);
    let _active = ActiveGuard(Arc::clone(&shared.stats));
    let mut session = Session::new(&shared, peer, stop);
    let Ok(Upgrade::StartTls(socket)) = session.run(socket, true).await else {
        return;
    };
    let Some(acceptor) = shared.tls.clone() else {
        return;
    };
    match tokio::time::timeout(shared.config.idle_timeout, acceptor.accept(socket)).await {
        Ok(Ok(stream)) => {
            shared.stats.tls_sessions.fetch_add(1, Ordering::Relaxed);
            session.start_tls();
            let _ = session.run(stream, false).await;
        }
        _ => {
            shared.stats.tls_failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}
