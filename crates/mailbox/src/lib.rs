//! Polling a bounce mailbox over IMAP or POP3.
//!
//! A [`Poller`] is built from a [`Config`]: a [`MailboxUrl`] (`imaps://user@host/INBOX`,
//! `pop3s://user@host`, plain `imap://` / `pop3://` to loopback hosts, STARTTLS/STLS
//! for plain URLs to other hosts), a [`Password`] (from an environment variable or a
//! file, never from the URL) and an [`After`]-action. Each [`Poller::poll`] connects,
//! fetches every message not handled yet, hands its raw bytes to a handler and — only
//! when the handler returned `Ok` — moves, flags or deletes it. A handler error leaves
//! the message where it was and ends the poll, so nothing that was not accepted is ever
//! acknowledged; the failure is reported in the [`Summary`] and the next poll starts
//! again from that message.
//!
//! The resume point lives in an optional state file ([`State`]): for IMAP the
//! UIDVALIDITY and the last UID up to which every message was acknowledged (a changed
//! UIDVALIDITY starts over from UID 1, and the after-action keeps handled messages from
//! coming back); for POP3 the UIDLs of handled messages still on the server. It is
//! written atomically after every acknowledged message, so a killed poller handles at
//! most one message twice and loses none.
//!
//! ```no_run
//! use bouncekit_mailbox::{After, Config, MailboxUrl, Password, Poller};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let url: MailboxUrl = "imaps://bounces@mail.example.com/INBOX".parse()?;
//! let mut config = Config::new(url, Password::from_env("BOUNCEKIT_MAIL_PASSWORD")?);
//! config.after = After::Move("Processed".into());
//! config.state = Some("/var/lib/bouncekit/mailbox.json".into());
//! let summary = Poller::new(config)?.poll_blocking(|raw: &[u8], id| {
//!     println!("{id}: {} bytes", raw.len());
//!     Ok::<(), std::io::Error>(())
//! })?;
//! println!("{} handled, {} left in place", summary.handled, summary.failures.len());
//! # Ok(())
//! # }
//! ```
//!
//! Protocol clients: IMAP is [`async_imap`] (the maintained async IMAP client, on
//! tokio); POP3 is a small client in this crate, since the protocol is a handful of
//! commands (`USER`/`PASS`, `STLS`, `UIDL`, `LIST`, `RETR`, `DELE`, `QUIT`) and no
//! maintained crate offers it on tokio with rustls. TLS is rustls with the ring provider.
//!
//! Secrets: the password is only ever sent to the server. Errors name the user, never
//! the password. One caveat: `async_imap` logs the commands it sends through the `log`
//! facade at *trace* level, LOGIN included, so a program must not route `async_imap`'s
//! trace records to a log.
//!
//! Feature `testing`: [`testing::Dovecot`], a real Dovecot on loopback ports for tests.
//!
//! **Invariant:** the after-action for a message runs only after its handler returned
//! `Ok`, and the state file only moves past a message after its after-action succeeded.

mod config;
mod error;
mod imap;
mod net;
mod pop3;
mod state;
#[cfg(feature = "testing")]
pub mod testing;
mod url;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use config::{After, Config, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_TIMEOUT, Password, SEEN};
pub use error::Error;
pub use state::State;
pub use url::{MailboxUrl, Protocol, Security};

/// Which message a handler is given.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageId {
    /// An IMAP message.
    Imap {
        /// The folder's UIDVALIDITY.
        uid_validity: u32,
        /// The message's UID.
        uid: u32,
    },
    /// A POP3 message.
    Pop3 {
        /// The server's unique id of the message.
        uidl: String,
    },
}

impl fmt::Display for MessageId {
    /// `uid:VALIDITY/UID` or `uidl:UIDL`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Imap { uid_validity, uid } => write!(f, "uid:{uid_validity}/{uid}"),
            Self::Pop3 { uidl } => write!(f, "uidl:{uidl}"),
        }
    }
}

/// A message that stayed in the mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The message.
    pub id: MessageId,
    /// Why: the handler's error, or the size limit.
    pub error: String,
}

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Messages handed to the handler that returned `Ok` and were acknowledged.
    pub handled: usize,
    /// Messages left in place: too large, or the one whose handler failed.
    pub failures: Vec<Failure>,
    /// A handler failed and the poll stopped there; the messages after it were not
    /// fetched and stay for the next poll.
    pub stopped: bool,
    /// The mailbox's UIDVALIDITY differed from the state file's, so the poll started
    /// over from the first UID.
    pub uid_validity_reset: bool,
    /// POP3: messages handled earlier whose deletion had not been committed (the
    /// connection ended before `QUIT`) and that were deleted now without handling them
    /// again.
    pub redeleted: usize,
}

/// Polls one mailbox.
#[derive(Debug)]
pub struct Poller {
    config: Config,
    tls: Arc<rustls::ClientConfig>,
}

impl Poller {
    /// Checks the configuration and prepares TLS.
    pub fn new(config: Config) -> Result<Self, Error> {
        config.validate()?;
        let tls = net::tls_config(&config)?;
        Ok(Self { config, tls })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Connects, handles every new message and acknowledges each one the handler
    /// accepted, then disconnects.
    ///
    /// Messages are handed over oldest first. A handler error ends the poll (the
    /// handler's trouble — a full disk, a store that is down — is rarely the message's):
    /// that message and the ones after it stay in the mailbox, the error is in
    /// [`Summary::failures`] and [`Summary::stopped`] is set, and the next poll starts
    /// again from it. An `Err` means the poll itself failed (connection, login,
    /// protocol, state file); what was acknowledged before that stays acknowledged and
    /// recorded.
    pub async fn poll<F, E>(&self, mut handler: F) -> Result<Summary, Error>
    where
        F: FnMut(&[u8], &MessageId) -> Result<(), E>,
        E: fmt::Display,
    {
        let net = net::Net::new(&self.config, self.tls.clone());
        let mut state = match &self.config.state {
            Some(path) => Some(StateFile { state: State::load(path, &self.config.url.to_string())?, path: path.clone() }),
            None => None,
        };
        let mut summary = Summary::default();
        match self.config.url.protocol {
            Protocol::Imap => imap::poll(&self.config, &net, &mut state, &mut handler, &mut summary).await?,
            Protocol::Pop3 => pop3::poll(&self.config, &net, &mut state, &mut handler, &mut summary).await?,
        }
        Ok(summary)
    }

    /// [`poll`](Self::poll) on a current-thread tokio runtime of its own, for callers
    /// that are not async.
    pub fn poll_blocking<F, E>(&self, handler: F) -> Result<Summary, Error>
    where
        F: FnMut(&[u8], &MessageId) -> Result<(), E>,
        E: fmt::Display,
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::Io { host: self.config.url.authority(), source })?;
        rt.block_on(self.poll(handler))
    }
}

/// A loaded state and where it is saved.
pub(crate) struct StateFile {
    pub state: State,
    pub path: PathBuf,
}

impl StateFile {
    pub(crate) fn save(&self) -> Result<(), Error> {
        self.state.save(&self.path)
    }
}
