//! A started server, a line-oriented raw client and a recording sink.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bouncekit_listener::{Config, Envelope, Listener, ParseSink, Sink, SinkError, Stats, Summary};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The bounce domain of every test configuration.
pub const DOMAIN: &str = "bounce.example.net";
/// A VERP address for alice@example.com.
pub const ALICE: &str = "bounces+alice=example.com@bounce.example.net";
/// How long a test waits for any one reply before it fails.
const REPLY_WAIT: Duration = Duration::from_secs(5);

/// The test configuration: one bounce domain, timeouts long enough not to matter.
pub fn config() -> Config {
    Config {
        hostname: "mx.test".into(),
        domains: vec![DOMAIN.into()],
        idle_timeout: Duration::from_secs(10),
        data_timeout: Duration::from_secs(10),
        shutdown_grace: Duration::from_secs(5),
        ..Config::default()
    }
}

/// A Postfix bounce for `recipient`, CRLF line ends, with a line that starts with a dot.
pub fn bounce(recipient: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n\
         To: bounces@bounce.example.net\r\n\
         Subject: Undelivered Mail Returned to Sender\r\n\
         Content-Type: text/plain\r\n\
         \r\n\
         This is the mail system at host mx.example.org.\r\n\
         \r\n\
         .hidden line that starts with a dot\r\n\
         \r\n\
         <{recipient}>: host mx.example.com[192.0.2.1] said: 550 5.1.1 <{recipient}>:\r\n\
         \x20   Recipient address rejected: User unknown in local recipient table (in reply\r\n\
         \x20   to RCPT TO command)\r\n"
    )
}

/// `text` dot-stuffed for DATA, with the terminating dot line.
pub fn stuffed(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

/// A listener running in a task.
pub struct Server<S> {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its sink.
    pub sink: Arc<S>,
    /// Its counters.
    pub stats: Arc<Stats>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl<S: Sink> Server<S> {
    /// Binds `127.0.0.1:0` and runs.
    pub async fn start(config: Config, sink: Arc<S>) -> Self {
        let listener = Listener::bind("127.0.0.1:0", config, Arc::clone(&sink)).await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let stats = listener.stats();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(listener.run(async {
            stopped.await.ok();
        }));
        Server { addr, sink, stats, stop: Some(stop), task }
    }

    /// Connects and reads the greeting.
    pub async fn connect(&self) -> Client<TcpStream> {
        let mut c = self.connect_raw().await;
        c.expect("220 ").await;
        c
    }

    /// Connects without reading anything.
    pub async fn connect_raw(&self) -> Client<TcpStream> {
        Client::new(TcpStream::connect(self.addr).await.expect("connect"))
    }

    /// Signals shutdown without waiting.
    pub fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Signals shutdown and waits (at most `limit`) for `run` to return.
    pub async fn shutdown_within(mut self, limit: Duration) {
        self.signal_stop();
        tokio::time::timeout(limit, self.task).await.expect("run returns in time").expect("run does not panic");
    }
}

/// Starts a server with a [`ParseSink`].
pub async fn start(config: Config) -> Server<ParseSink> {
    Server::start(config, Arc::new(ParseSink::new())).await
}

/// Starts a server with a [`Recorder`].
pub async fn start_recorder(config: Config) -> Server<Recorder> {
    Server::start(config, Arc::new(Recorder::default())).await
}

/// A raw protocol client.
pub struct Client<IO> {
    io: BufReader<IO>,
}

impl<IO: AsyncRead + AsyncWrite + Unpin> Client<IO> {
    /// Wraps a connected stream.
    pub fn new(io: IO) -> Self {
        Client { io: BufReader::new(io) }
    }

    /// The stream (for the TLS upgrade); nothing may be buffered.
    pub fn into_inner(self) -> IO {
        assert!(self.io.buffer().is_empty(), "bytes left unread before the upgrade");
        self.io.into_inner()
    }

    /// Sends raw bytes.
    pub async fn send(&mut self, text: &str) {
        self.send_bytes(text.as_bytes()).await;
    }

    /// Sends raw bytes.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        let io = self.io.get_mut();
        io.write_all(bytes).await.expect("write");
        io.flush().await.expect("flush");
    }

    /// Reads one (possibly multi-line) reply; lines joined with `\n`.
    pub async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(REPLY_WAIT, self.io.read_line(&mut line))
                .await
                .expect("a reply in time")
                .expect("read");
            assert!(n > 0, "connection closed; replies so far: {lines:?}");
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    /// Reads a reply whose last line starts with `prefix`.
    pub async fn expect(&mut self, prefix: &str) -> String {
        let reply = self.reply().await;
        let last = reply.lines().last().unwrap_or_default();
        assert!(last.starts_with(prefix), "expected {prefix:?}, got {reply:?}");
        reply
    }

    /// Sends one command line and expects a reply starting with `prefix`.
    pub async fn cmd(&mut self, line: &str, prefix: &str) -> String {
        self.send(&format!("{line}\r\n")).await;
        self.expect(prefix).await
    }

    /// True when the server closes the connection (within the reply wait) without
    /// sending anything more.
    pub async fn closed(&mut self) -> bool {
        let mut rest = Vec::new();
        match tokio::time::timeout(REPLY_WAIT, self.io.read_to_end(&mut rest)).await {
            Ok(Ok(_)) => rest.is_empty(),
            // A reset counts as closed too.
            Ok(Err(_)) => rest.is_empty(),
            Err(_) => false,
        }
    }

    /// EHLO, MAIL FROM:<>, one RCPT, DATA with `message`: returns the final reply.
    pub async fn deliver(&mut self, rcpt: &str, message: &str) -> String {
        self.cmd("EHLO mx.example.org", "250 ").await;
        self.cmd("MAIL FROM:<>", "250 ").await;
        self.cmd(&format!("RCPT TO:<{rcpt}>"), "250 ").await;
        self.cmd("DATA", "354 ").await;
        self.send(&stuffed(message)).await;
        self.reply().await
    }
}

/// A sink that records envelopes and raw bytes, and can fail on purpose.
#[derive(Default)]
pub struct Recorder {
    /// Deliveries to fail (with a temporary error) before succeeding again.
    pub fail_next: AtomicUsize,
    /// What was delivered.
    pub got: Mutex<Vec<(Envelope, Vec<u8>)>>,
}

impl Recorder {
    /// The deliveries so far.
    pub fn deliveries(&self) -> Vec<(Envelope, Vec<u8>)> {
        self.got.lock().expect("lock").clone()
    }
}

impl Sink for Recorder {
    async fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> Result<Summary, SinkError> {
        if self.fail_next.load(Ordering::SeqCst) > 0 {
            self.fail_next.fetch_sub(1, Ordering::SeqCst);
            return Err(SinkError::temporary("the store is down"));
        }
        self.got.lock().expect("lock").push((envelope, raw));
        Ok(Summary::default())
    }
}

/// A read half made usable where a [`Client`] wants a duplex stream; writes go nowhere.
pub struct Duplex<R>(pub R);

impl<R: AsyncRead + Unpin> AsyncRead for Duplex<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<R: Unpin> AsyncWrite for Duplex<R> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}
