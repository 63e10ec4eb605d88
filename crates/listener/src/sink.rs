//! Where accepted messages go: the [`Sink`] trait, the [`Envelope`] that travels with
//! each message and what a sink answers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bouncekit_core::{Origin, OriginKind, Record};

use crate::address::Recipient;
use crate::config::Protocol;

/// The envelope of one received message: who sent it to which of our addresses, over
/// what connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// An id for this message, unique within the process; the server names it in its
    /// reply (`250 2.0.0 Ok: 67a1b2c3000001 accepted`), so it links the sending MTA's log
    /// to ours.
    pub id: String,
    /// SMTP or LMTP.
    pub protocol: Protocol,
    /// The client's address.
    pub peer: SocketAddr,
    /// The name the client gave in EHLO, HELO or LHLO.
    pub helo: String,
    /// True when the message came over TLS (after STARTTLS).
    pub tls: bool,
    /// The reverse path of `MAIL FROM`: empty for bounces (`MAIL FROM:<>`).
    pub mail_from: String,
    /// The accepted recipients, in `RCPT TO` order, with their VERP-decoded originals.
    pub recipients: Vec<Recipient>,
    /// When the message was received.
    pub received_at: SystemTime,
}

impl Envelope {
    /// The distinct VERP-decoded original recipients, in `RCPT TO` order.
    pub fn original_recipients(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.recipients {
            if let Some(o) = r.original.as_deref()
                && !out.contains(&o)
            {
                out.push(o);
            }
        }
        out
    }

    /// The origin of records parsed from this message: kind `listener`, named
    /// `smtp://peer/id` (or `lmtp://…`).
    pub fn origin(&self) -> Origin {
        Origin { kind: OriginKind::Listener, name: format!("{}://{}/{}", self.protocol.as_str(), self.peer, self.id) }
    }

    /// Seconds since the Unix epoch at reception.
    pub fn received_unix(&self) -> i64 {
        self.received_at.duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// Makes a process-unique message id: the reception second and a counter, in hex.
pub(crate) fn next_id(at: SystemTime) -> String {
    /// Counts messages since start; only its low 24 bits appear in ids.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) & 0xff_ffff;
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    format!("{secs:x}{n:06x}")
}

/// What a sink did with a message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// The records the message produced (and, for a store-backed sink, committed).
    pub records: Vec<Record>,
}

/// Why a sink did not take a message.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// A temporary failure (the store is unavailable, a transaction failed). The server
    /// answers 451 4.3.0 and the sending MTA retries later, so nothing is lost.
    #[error("temporary failure: {0}")]
    Temporary(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The message can never be taken; the server answers 554 5.6.0 with this text and
    /// the sending MTA gives up. Use only when retrying cannot help.
    #[error("message rejected: {0}")]
    Rejected(String),
}

impl SinkError {
    /// A [`SinkError::Temporary`] from any error or message.
    pub fn temporary(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        SinkError::Temporary(error.into())
    }
}

/// Takes each accepted message. The server answers the client only after
/// [`Sink::deliver`] returns: 250 on `Ok` — so a sink that commits to a store before it
/// returns never has a message acknowledged that it did not keep — and 451 4.3.0 on
/// [`SinkError::Temporary`].
///
/// The listener is generic over its sink; share one sink between an SMTP and an LMTP
/// listener through the `Arc` both are given. Implement it with an `async fn`:
///
/// ```
/// use bouncekit_listener::{Envelope, Sink, SinkError, Summary};
/// struct Count(std::sync::atomic::AtomicUsize);
/// impl Sink for Count {
///     async fn deliver(&self, _envelope: Envelope, _raw: Vec<u8>) -> Result<Summary, SinkError> {
///         self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
///         Ok(Summary::default())
///     }
/// }
/// ```
pub trait Sink: Send + Sync + 'static {
    /// Takes one message: its envelope and its raw bytes as received (dot-unstuffed,
    /// no header added). CPU-heavy work (parsing a large bounce) and
    /// blocking IO (SQLite) belong in `tokio::task::spawn_blocking`.
    fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> impl Future<Output = Result<Summary, SinkError>> + Send;
}
