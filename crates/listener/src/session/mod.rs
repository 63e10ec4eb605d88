//! One SMTP/LMTP session: a small state machine over the sans-IO receivers of
//! `smtp-proto`, fed by a tokio read loop. One module per command (group):
//! [`hello`] (EHLO, HELO, LHLO), [`mail`], [`rcpt`], [`data`] (DATA and BDAT, and the
//! delivery to the sink), [`starttls`], [`other`] (RSET, NOOP, QUIT, VRFY, HELP and the
//! unsupported rest).
//!
//! The loop reads, feeds every byte it got to the current [`Input`] receiver — which may
//! complete any number of pipelined commands — and writes all replies at once before it
//! reads again, as RFC 2920 allows.

mod data;
mod hello;
mod mail;
mod other;
mod rcpt;
mod starttls;

use std::io;
use std::net::SocketAddr;
use std::slice::Iter;

use smtp_proto::request::receiver::{
    BdatReceiver, DataReceiver, DummyDataReceiver, DummyLineReceiver, MAX_LINE_LENGTH, RequestReceiver,
};
use smtp_proto::{Error as ProtoError, Request};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::address::Recipient;
use crate::reply::{self, Reply};
use crate::server::Shared;
use crate::sink::Sink;

/// Bytes read at once while a message is being received. While commands are read, at
/// most [`MAX_LINE_LENGTH`] bytes are read at once, so that a command line longer than
/// that always spans two reads and is refused with 500 5.5.6 (a single read holding a
/// whole longer line would otherwise be parsed).
const READ_BUFFER: usize = 64 * 1024;

/// Protocol errors (unknown commands, bad syntax, bad sequence) a session may make;
/// the next one closes it with 421 4.7.0. Real MTAs make none.
const MAX_ERRORS: u32 = 10;

/// What the bytes from the client are being read as.
#[derive(Default)]
enum Input {
    /// Commands (with a possibly partial line buffered).
    Command(RequestReceiver),
    /// The rest of a command line that was too long, thrown away up to its end.
    SkipLine(DummyLineReceiver),
    /// A DATA message up to the final dot.
    Data(DataReceiver),
    /// The rest of a DATA message already known to be too large.
    DataDiscard(DummyDataReceiver),
    /// One BDAT chunk.
    Bdat(BdatReceiver),
    /// One refused BDAT chunk, thrown away; the reply is sent after it.
    BdatDiscard(DummyDataReceiver, Reply),
    /// Nothing: a placeholder while a handler owns the receiver.
    #[default]
    Taken,
}

/// The mail transaction in progress (from MAIL to the end of the message).
struct Transaction {
    /// The reverse path.
    from: String,
    /// The accepted recipients.
    recipients: Vec<Recipient>,
    /// The message received so far.
    body: Vec<u8>,
    /// True once BDAT has started: DATA is no longer allowed.
    chunking: bool,
    /// When the message transfer must be complete ([`crate::Config::data_timeout`]).
    deadline: Option<Instant>,
}

/// What the read loop does after one step.
enum Step {
    /// Go on with the bytes left.
    Continue,
    /// The bytes are used up: read more.
    NeedInput,
    /// A complete message is waiting: hand it to the sink.
    Deliver,
    /// Write what is pending and close.
    Close,
    /// Write what is pending and hand the stream over for the TLS handshake.
    StartTls,
}

/// How a session ended.
pub(crate) enum Upgrade<IO> {
    /// The connection is over.
    Closed,
    /// The client asked for STARTTLS: here is the stream, with nothing read past the
    /// STARTTLS line kept (RFC 3207 §5: no plaintext command may leak into the session).
    StartTls(IO),
}

/// The state of one connection's session.
pub(crate) struct Session<'a, S> {
    /// Configuration, sink and counters.
    shared: &'a Shared<S>,
    /// The client.
    peer: SocketAddr,
    /// Becomes true when the listener shuts down.
    stop: watch::Receiver<bool>,
    /// True after STARTTLS.
    tls: bool,
    /// The name from EHLO/HELO/LHLO, and whether the client used an extended greeting.
    helo: Option<String>,
    /// The mail transaction in progress.
    tx: Option<Transaction>,
    /// The receiver for the next bytes.
    input: Input,
    /// Replies not yet written.
    out: Vec<u8>,
    /// Protocol errors so far.
    errors: u32,
    /// When the command line being awaited must be complete: the idle timeout counted
    /// from the moment the server began waiting for it, so that a client trickling a
    /// line a byte at a time (slowloris) cannot hold a session slot for ever.
    line_deadline: Option<Instant>,
}

impl<'a, S: Sink> Session<'a, S> {
    pub(crate) fn new(shared: &'a Shared<S>, peer: SocketAddr, stop: watch::Receiver<bool>) -> Self {
        Session {
            shared,
            peer,
            stop,
            tls: false,
            helo: None,
            tx: None,
            input: Input::Command(RequestReceiver::default()),
            out: Vec::with_capacity(512),
            errors: 0,
            line_deadline: None,
        }
    }

    /// Forgets everything learnt before the TLS handshake (RFC 3207 §4.2): the client
    /// must greet again.
    pub(crate) fn start_tls(&mut self) {
        self.tls = true;
        self.helo = None;
        self.tx = None;
        self.input = Input::Command(RequestReceiver::default());
        self.line_deadline = None;
    }

    /// Runs the session over `io` until the client quits, times out, errs too often, the
    /// listener shuts down or STARTTLS hands the stream back.
    pub(crate) async fn run<IO>(&mut self, mut io: IO, greet: bool) -> io::Result<Upgrade<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        let config = &self.shared.config;
        if greet {
            let kind = match config.protocol {
                crate::Protocol::Smtp => "ESMTP",
                crate::Protocol::Lmtp => "LMTP",
            };
            reply::write_plain(&mut self.out, 220, format_args!("{} {kind} bouncekit ready", config.hostname));
            self.flush(&mut io).await?;
        }
        let mut buf = vec![0u8; READ_BUFFER];
        loop {
            if self.idle() && self.stopping() {
                reply::SHUTTING_DOWN.write(&mut self.out);
                self.flush(&mut io).await?;
                return Ok(Upgrade::Closed);
            }
            let limit = if self.between_commands() { MAX_LINE_LENGTH } else { READ_BUFFER };
            let mut deadline = Instant::now() + config.idle_timeout;
            if self.between_commands() {
                deadline = *self.line_deadline.get_or_insert(deadline);
            }
            if let Some(d) = self.tx.as_ref().and_then(|t| t.deadline) {
                deadline = deadline.min(d);
            }
            let idle = self.idle();
            let mut stop = self.stop.clone();
            let n = tokio::select! {
                read = tokio::time::timeout_at(deadline, io.read(&mut buf[..limit])) => match read {
                    Ok(Ok(0)) => return Ok(Upgrade::Closed),
                    Ok(Ok(n)) => n,
                    Ok(Err(e)) => return Err(e),
                    Err(_) => {
                        self.shared.stats.timeout();
                        reply::TIMEOUT.write(&mut self.out);
                        self.flush(&mut io).await?;
                        return Ok(Upgrade::Closed);
                    }
                },
                // Shutdown (or a dropped listener) ends the wait for the next command;
                // the loop then says 421 and closes.
                _ = async { stop.wait_for(|stop| *stop).await.map(drop) }, if idle => continue,
            };
            let mut bytes = buf[..n].iter();
            while !bytes.as_slice().is_empty() {
                match self.step(&mut bytes) {
                    Step::Continue => {}
                    Step::NeedInput => break,
                    Step::Deliver => {
                        self.flush(&mut io).await?;
                        self.deliver().await;
                    }
                    Step::Close => {
                        self.flush(&mut io).await?;
                        return Ok(Upgrade::Closed);
                    }
                    Step::StartTls => {
                        self.flush(&mut io).await?;
                        return Ok(Upgrade::StartTls(io));
                    }
                }
            }
            self.flush(&mut io).await?;
        }
    }

    /// True once the listener shuts down (or is gone).
    fn stopping(&self) -> bool {
        *self.stop.borrow() || self.stop.has_changed().is_err()
    }

    /// True while the session reads command lines (not message bytes).
    fn between_commands(&self) -> bool {
        matches!(self.input, Input::Command(_) | Input::SkipLine(_))
    }

    /// True while no message is being received: between commands, and not between the
    /// BDAT chunks of one message. Shutdown closes idle sessions at once and lets the
    /// others finish their message.
    fn idle(&self) -> bool {
        self.between_commands() && self.tx.as_ref().is_none_or(|tx| tx.deadline.is_none())
    }

    /// Writes the pending replies; a client that does not read them within the idle
    /// timeout is dropped.
    async fn flush<IO: AsyncWrite + Unpin>(&mut self, io: &mut IO) -> io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let write = async {
            io.write_all(&self.out).await?;
            io.flush().await
        };
        match tokio::time::timeout(self.shared.config.idle_timeout, write).await {
            Ok(result) => result?,
            Err(_) => return Err(io::ErrorKind::TimedOut.into()),
        }
        self.out.clear();
        Ok(())
    }

    /// Feeds bytes to the current receiver.
    fn step(&mut self, bytes: &mut Iter<'_, u8>) -> Step {
        match std::mem::take(&mut self.input) {
            Input::Command(mut receiver) => {
                let result = receiver.ingest(bytes).map(Request::into_owned);
                self.input = Input::Command(receiver);
                match result {
                    Ok(request) => {
                        self.line_deadline = None;
                        self.command(request)
                    }
                    Err(ProtoError::NeedsMoreData { .. }) => Step::NeedInput,
                    Err(error) => {
                        if !matches!(error, ProtoError::ResponseTooLong) {
                            self.line_deadline = None;
                        }
                        self.protocol_error(&error)
                    }
                }
            }
            Input::SkipLine(mut receiver) => {
                self.input = if receiver.ingest(bytes) {
                    self.line_deadline = None;
                    Input::Command(RequestReceiver::default())
                } else {
                    Input::SkipLine(receiver)
                };
                Step::Continue
            }
            Input::Data(receiver) => self.data_bytes(receiver, bytes),
            Input::DataDiscard(receiver) => self.data_discard_bytes(receiver, bytes),
            Input::Bdat(receiver) => self.bdat_bytes(receiver, bytes),
            Input::BdatDiscard(receiver, reply) => self.bdat_discard_bytes(receiver, reply, bytes),
            Input::Taken => {
                self.input = Input::Command(RequestReceiver::default());
                Step::Continue
            }
        }
    }

    /// Dispatches one command to its handler.
    fn command(&mut self, request: Request<String>) -> Step {
        match request {
            Request::Ehlo { host } => self.ehlo(host, hello::Kind::Ehlo),
            Request::Helo { host } => self.ehlo(host, hello::Kind::Helo),
            Request::Lhlo { host } => self.ehlo(host, hello::Kind::Lhlo),
            Request::Mail { from } => self.mail(from),
            Request::Rcpt { to } => self.rcpt(to),
            Request::Data => self.data(),
            Request::Bdat { chunk_size, is_last } => self.bdat(chunk_size, is_last),
            Request::StartTls => self.starttls(),
            Request::Rset => self.rset(),
            Request::Noop { .. } => self.reply(reply::OK),
            Request::Quit => {
                reply::BYE.write(&mut self.out);
                Step::Close
            }
            Request::Vrfy { .. } => self.reply(reply::VRFY),
            Request::Help { .. } => self.reply(reply::HELP),
            Request::Expn { .. } | Request::Auth { .. } | Request::Etrn { .. } | Request::Atrn { .. } | Request::Burl { .. } => {
                self.error(reply::NOT_IMPLEMENTED)
            }
        }
    }

    /// Answers a request the parser refused.
    fn protocol_error(&mut self, error: &ProtoError) -> Step {
        match error {
            ProtoError::ResponseTooLong => {
                // The rest of the line is still coming: skip it.
                self.input = Input::SkipLine(DummyLineReceiver::default());
                self.error(reply::LINE_TOO_LONG)
            }
            ProtoError::InvalidSenderAddress => self.error(reply::BAD_SENDER),
            ProtoError::InvalidRecipientAddress => self.error(reply::BAD_RECIPIENT),
            ProtoError::SyntaxError { syntax } => {
                reply::write(&mut self.out, 501, [5, 5, 2], format_args!("Syntax: {syntax}"));
                self.count_error()
            }
            ProtoError::InvalidParameter { param } => {
                reply::write(&mut self.out, 501, [5, 5, 4], format_args!("Invalid parameter {param}"));
                self.count_error()
            }
            ProtoError::UnsupportedParameter { param } => {
                let param: String = param.chars().filter(|c| !c.is_control()).take(64).collect();
                reply::write(&mut self.out, 555, [5, 5, 4], format_args!("Unsupported parameter {param}"));
                self.count_error()
            }
            _ => self.error(reply::UNKNOWN_COMMAND),
        }
    }

    /// Queues a reply and goes on.
    fn reply(&mut self, reply: Reply) -> Step {
        reply.write(&mut self.out);
        Step::Continue
    }

    /// Queues an error reply and counts the error.
    fn error(&mut self, reply: Reply) -> Step {
        reply.write(&mut self.out);
        self.count_error()
    }

    /// Counts a protocol error; past [`MAX_ERRORS`] the session is closed.
    fn count_error(&mut self) -> Step {
        self.errors += 1;
        if self.errors > MAX_ERRORS {
            reply::TOO_MANY_ERRORS.write(&mut self.out);
            return Step::Close;
        }
        Step::Continue
    }

    /// The reply for a command that needs a greeting first.
    fn need_hello(&self) -> Reply {
        match self.shared.config.protocol {
            crate::Protocol::Smtp => reply::NEED_HELLO_SMTP,
            crate::Protocol::Lmtp => reply::NEED_HELLO_LMTP,
        }
    }

    /// When the transaction's message transfer must end, starting the clock if needed.
    fn start_transfer(&mut self) {
        let timeout = self.shared.config.data_timeout;
        if let Some(tx) = self.tx.as_mut()
            && tx.deadline.is_none()
        {
            tx.deadline = Some(Instant::now() + timeout);
        }
    }
}
