//! The SMTP and LMTP bounce receiver: point an MTA's bounce address at it and each
//! bounce becomes records.
//!
//! - [`Listener`] binds a socket and serves sessions until shutdown: the connection
//!   limit, timeouts, STARTTLS and graceful shutdown live there;
//! - [`Config`] says what it accepts: the bounce domains, the [`Verp`] encoding of the
//!   original recipient (`bounces+alice=example.com@bounce.example.net` →
//!   `alice@example.com`), the size and recipient limits;
//! - a [`Sink`] takes each accepted message with its [`Envelope`]; the server answers 250
//!   only after the sink returns `Ok` (a store-backed sink commits first), and 451 4.3.0
//!   when it fails, so the sending MTA retries and nothing acknowledged is lost.
//!   [`ParseSink`] is the ready-made one: it parses with `bouncekit-parse`
//!   ([`parse_delivery`]) and keeps the results in memory.
//!
//! The protocol itself — parsing requests, un-stuffing DATA, counting BDAT chunks,
//! writing replies — is `smtp-proto`'s; this crate is the state machine around it (one
//! handler per command) and the tokio loop that feeds it.
//!
//! ```
//! use std::sync::Arc;
//! use bouncekit_listener::{Config, Listener, ParseSink};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let config = Config { domains: vec!["bounce.example.net".into()], ..Config::default() };
//! let sink = Arc::new(ParseSink::new());
//! let listener = Listener::bind("127.0.0.1:0", config, Arc::clone(&sink)).await.unwrap();
//! let addr = listener.local_addr().unwrap();
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(listener.run(async { stopped.await.ok(); }));
//!
//! let mut mta = tokio::net::TcpStream::connect(addr).await.unwrap();
//! mta.write_all(b"EHLO mx.example.org\r\nMAIL FROM:<>\r\n\
//!     RCPT TO:<bounces+alice=example.com@bounce.example.net>\r\nDATA\r\n\
//!     From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n\
//!     <alice@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\r\n\
//!     <alice@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command)\r\n\
//!     .\r\nQUIT\r\n").await.unwrap();
//! let mut replies = String::new();
//! mta.read_to_string(&mut replies).await.unwrap();
//! assert!(replies.contains("250 2.0.0 Ok: "), "{replies}");
//!
//! let delivery = &sink.take()[0];
//! assert_eq!(delivery.envelope.recipients[0].original.as_deref(), Some("alice@example.com"));
//! assert_eq!(delivery.parsed.records[0].recipient, "alice@example.com");
//! stop.send(()).unwrap();
//! server.await.unwrap();
//! # });
//! ```
//!
//! Replies: 550 5.1.1 for a recipient that is not one of our bounce addresses, 552 5.3.4
//! for a message over [`Config::max_message_size`] (also when MAIL declares its SIZE),
//! 452 4.5.3 past [`Config::max_recipients`], 503 5.5.1 for commands out of sequence,
//! 500 5.5.2 for unknown commands, 500 5.5.6 for lines over 4096 bytes, 421 4.4.2 when
//! the client is idle or too slow, 421 4.3.2 when the listener is full or shutting down.

mod address;
mod config;
mod parse_sink;
mod reply;
mod server;
mod session;
mod sink;
pub mod tls;

pub use address::{Recipient, decode_verp};
pub use config::{Config, ConfigError, Protocol, Verp};
pub use parse_sink::{Delivery, ParseSink, VERP_FORMAT, parse_delivery};
pub use server::{Error, Listener, Stats, StatsSnapshot, serve_stream};
pub use sink::{Envelope, Sink, SinkError, Summary};
